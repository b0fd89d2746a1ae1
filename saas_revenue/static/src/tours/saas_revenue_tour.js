/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("saas_revenue_tour", {
    steps: () => [
        {
            content: "The annual invoice has a revenue schedule",
            trigger: ".o_form_view button.o_saas_revenue_schedules",
            run: "click",
        },
        {
            content: "The schedule shows January recognized by the demo batch",
            trigger: ".o_form_view .o_field_widget[name='line_ids'] .o_data_row:first-child:contains('Recognized')",
        },
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
            content: "Open the Revenue menu",
            trigger: ".o_menu_sections [data-menu-xmlid='saas_revenue.menu_saas_revenue_root']",
            run: "click",
        },
        {
            content: "Build a batch",
            trigger: ".dropdown-item[data-menu-xmlid='saas_revenue.menu_saas_revenue_batch_build']",
            run: "click",
        },
        {
            content: "Pick February 2026",
            trigger: ".modal .o_field_widget[name='date'] input",
            run: "edit 02/28/2026",
        },
        {
            content: "Build it",
            trigger: ".modal button.o_saas_revenue_build",
            run: "click",
        },
        {
            content: "Approve the draft batch",
            trigger: ".o_form_view button.o_saas_revenue_approve",
            run: "click",
        },
        {
            content: "Post it",
            trigger: ".o_form_view button.o_saas_revenue_post",
            run: "click",
        },
        {
            content: "Posted",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            content: "See the entry",
            trigger: ".o_form_view button.o_saas_revenue_entries",
            run: "click",
        },
        {
            content: "The grouped recognition entry is posted",
            trigger:
                ".o_form_view:has(.o_arrow_button_current:contains('Posted')) .o_field_widget[name='saas_revenue_batch_id']:contains('Revenue 2026-02')",
        },
    ],
});
