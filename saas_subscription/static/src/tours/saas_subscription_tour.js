/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("saas_subscription_tour", {
    steps: () => [
        {
            content: "Search the Acme subscription (the demo holds many)",
            trigger: ".o_searchview_input",
            run: "edit sub_acme",
        },
        {
            content: "Apply the search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the Acme subscription",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains('sub_acme')",
            run: "click",
        },
        {
            content: "The form shows its MRR",
            trigger: ".o_form_view .o_field_widget[name='mrr']:contains('99.00')",
        },
        {
            content: "Open its MRR movements",
            trigger: ".o_form_view button[name='action_view_movements']",
            run: "click",
        },
        {
            content: "New business then an expansion",
            trigger: ".o_list_view .o_data_row:contains('Expansion')",
        },
        {
            content: "Back to the subscription",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('sub_acme')",
            run: "click",
        },
        {
            content: "Open its invoices",
            trigger: ".o_form_view button[name='action_view_invoices']",
            run: "click",
        },
        {
            content: "Both invoices are listed",
            trigger: ".o_list_view .o_data_row:nth-child(2)",
        },
    ],
});

registry.category("web_tour.tours").add("saas_subscription_mapping_tour", {
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
            content: "Open the Configuration menu",
            trigger: ".o_menu_sections [data-menu-xmlid='saas_sync.menu_saas_configuration']",
            run: "click",
        },
        {
            content: "Open the mappings",
            trigger: ".dropdown-item[data-menu-xmlid='saas_sync.menu_saas_mappings']",
            run: "click",
        },
        {
            content: "Create a mapping",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "A plan of a billing system maps to a product",
            trigger: ".o_form_view .o_field_widget[name='kind'] select",
            run: "selectByLabel Product",
        },
        {
            content: "The plan's key in that system",
            trigger: ".o_form_view .o_field_widget[name='external_key'] input",
            run: "edit team_annual",
        },
        {
            content: "The system it comes from",
            trigger: ".o_form_view .o_field_widget[name='system_id'] input",
            run: "edit Tour billing",
        },
        {
            content: "Pick the system",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Tour billing')",
            run: "click",
        },
        {
            content: "The Odoo record is a product",
            trigger: ".o_form_view .o_field_widget[name='target_ref'] select",
            run: "select product.product",
        },
        {
            content: "Search the product",
            trigger: ".o_form_view .o_field_widget[name='target_ref'] input",
            run: "edit Tour Team",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Tour Team plan')",
            run: "click",
        },
        {
            content: "Approve",
            trigger: ".o_form_view .o_form_statusbar button[name='action_approve']",
            run: "click",
        },
        {
            content: "The mapping is approved and named after its kind and key",
            trigger:
                ".o_form_view:has(.o_statusbar_status .o_arrow_button_current:contains('Approved')) .o_breadcrumb .active:contains('Product: team_annual')",
        },
    ],
});
