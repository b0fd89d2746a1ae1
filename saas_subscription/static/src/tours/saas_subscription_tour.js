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
