/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("saas_metrics_tour", {
    steps: () => [
        {
            content: "The dashboard shows the MRR of the month",
            trigger: ".o_saas_metrics_dashboard .o_saas_metrics_card_closing .o_saas_metrics_value",
        },
        {
            content: "The bridge lists the churn line",
            trigger: ".o_saas_metrics_bridge td:contains('Churn')",
        },
        {
            content: "Open the MRR pivot",
            trigger: ".o_saas_metrics_open_pivot",
            run: "click",
        },
        {
            content: "The pivot shows MRR by month",
            trigger: ".o_pivot_view .o_pivot table th:contains('MRR (company currency)')",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Open the executive report wizard",
            trigger: ".o_saas_metrics_print",
            run: "click",
        },
        {
            content: "Print it",
            trigger: ".modal .modal-footer button[name='action_print']",
            run: "click",
        },
        {
            content: "The wizard closes once the report is downloaded",
            trigger: "body:not(:has(.modal)) .o_saas_metrics_dashboard",
        },
    ],
});

registry.category("web_tour.tours").add("saas_metrics_executive_report_tour", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the SaaS Integration app",
            trigger: ".o_app[data-menu-xmlid='saas_sync.menu_saas_root']",
            run: "click",
        },
        {
            content: "Open the Metrics menu",
            trigger: ".o_menu_sections [data-menu-xmlid='saas_metrics.menu_saas_metrics']",
            run: "click",
        },
        {
            content: "Open the executive report",
            trigger: ".dropdown-item[data-menu-xmlid='saas_metrics.menu_saas_executive_report']",
            run: "click",
        },
        {
            content: "Pick a day of March 2026",
            trigger: ".modal .o_field_widget[name='month'] input",
            run: "edit 03/15/2026",
        },
        {
            content: "Print",
            trigger: ".modal .modal-footer button[name='action_print']",
            run: "click",
        },
        {
            content: "The wizard closes once the report is downloaded",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
