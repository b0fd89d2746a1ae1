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

registry.category("web_tour.tours").add("saas_sync_dashboard_drilldown_tour", {
    url: "/odoo/saas-dashboard",
    steps: () => [
        {
            content: "The chart has a bar for each of the last 24 hours",
            trigger: ".o_saas_hour_chart .o_saas_hour_bar:nth-child(24)",
        },
        {
            content: "Hours without events are shown, with a count of 0",
            trigger: ".o_saas_hour_chart .o_saas_hour_bar[data-count='0']",
        },
        {
            content: "The time axis has hour labels",
            trigger: ".o_saas_hour_xaxis .o_saas_hour_label:contains(':00')",
        },
        {
            content: "The count axis has its scale",
            trigger: ".o_saas_hour_yaxis .o_saas_hour_ymax",
        },
        {
            content: "Open the pending events",
            trigger: ".o_saas_dashboard .o_saas_card_pending",
            run: "click",
        },
        {
            content: "The search bar shows the Pending filter",
            trigger: ".o_searchview_facet:contains('Pending')",
        },
        {
            content: "Only the pending event is listed",
            trigger:
                ".o_list_view:has(.o_data_cell:contains('evt_tour_pending')):not(:has(.o_data_cell:contains('evt_tour_dead_dd')))",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Open the dead events of the operational lane from the table",
            trigger: ".o_saas_state_table tr[data-state='dead'] td:nth-child(2) a",
            run: "click",
        },
        {
            content: "The search bar shows both filters",
            trigger: ".o_searchview_facet:contains('Dead') ~ .o_searchview_facet:contains('Operational lane')",
        },
        {
            content: "Only the dead event is listed",
            trigger:
                ".o_list_view:has(.o_data_cell:contains('evt_tour_dead_dd')):not(:has(.o_data_cell:contains('evt_tour_pending')))",
        },
    ],
});

registry.category("web_tour.tours").add("saas_sync_mapping_approval_tour", {
    steps: () => [
        {
            content: "The parked event names the mapping it waits for",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Needs mapping')",
        },
        {
            content: "Open its draft mapping",
            trigger: ".o_form_view .o_field_widget[name='missing_mapping_id'] a",
            run: "click",
        },
        {
            content: "The draft mapping opens",
            trigger: ".o_breadcrumb .active:contains('Currency: DOLLAR')",
        },
        {
            content: "Choose the kind of Odoo record",
            trigger: ".o_form_view .o_field_widget[name='target_ref'] select",
            run: "select res.currency",
        },
        {
            content: "Search the record",
            trigger: ".o_form_view .o_field_widget[name='target_ref'] input",
            run: "edit USD",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('USD')",
            run: "click",
        },
        {
            content: "Approve",
            trigger: ".o_form_view .o_form_statusbar button[name='action_approve']",
            run: "click",
        },
        {
            content: "The mapping is approved",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Approved')",
        },
        {
            content: "Back to the event",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('evt_dollar')",
            run: "click",
        },
        {
            content: "The event waits for its lane worker",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Retry')",
        },
    ],
});

registry.category("web_tour.tours").add("saas_sync_event_done_tour", {
    steps: () => [
        {
            content: "The event ran and is done",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
    ],
});
