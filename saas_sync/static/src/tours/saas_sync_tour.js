/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("saas_sync_dashboard_tour", {
    url: "/odoo/saas-dashboard",
    steps: () => [
        {
            content: "The dashboard shows the queue by state and lane",
            trigger: ".o_saas_dashboard .o_saas_state_table tr[data-state='dead']",
        },
        {
            content: "Open the event list",
            trigger: ".o_saas_dashboard .o_saas_open_events",
            run: "click",
        },
        {
            content: "Open the search options",
            trigger: ".o_list_view .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter on dead events",
            trigger: ".o_filter_menu .o_menu_item:contains('Dead')",
            run: "click",
        },
        {
            content: "The filter is applied",
            trigger: ".o_searchview_facet:contains('Dead')",
        },
        {
            content: "Open the dead event",
            trigger: ".o_data_row td.o_data_cell:contains('evt_tour_dead')",
            run: "click",
        },
        {
            content: "Replay it",
            trigger: ".o_form_view .o_form_statusbar button[name='action_replay']",
            run: "click",
        },
        {
            content: "The event waits for its retry",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Retry')",
        },
    ],
});
