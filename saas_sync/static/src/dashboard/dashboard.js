/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { deserializeDateTime } from "@web/core/l10n/dates";

export class SaasDashboard extends Component {
    static template = "saas_sync.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("saas.monitor", "get_dashboard_data", []);
    }

    get stats() {
        return this.state.data.stats;
    }

    stateTotal(state) {
        return Object.values(this.stats.depth[state]).reduce((a, b) => a + b, 0);
    }

    formatAge(seconds) {
        if (!seconds) {
            return "-";
        }
        if (seconds < 120) {
            return `${Math.round(seconds)} s`;
        }
        if (seconds < 7200) {
            return `${Math.round(seconds / 60)} min`;
        }
        return `${Math.round(seconds / 3600)} h`;
    }

    formatMs(value) {
        return value === null || value === undefined ? "-" : `${value} ms`;
    }

    get maxPerHour() {
        return Math.max(1, ...this.state.data.events_per_hour.map((row) => row.count));
    }

    get totalPerHour() {
        return this.state.data.events_per_hour.reduce((sum, row) => sum + row.count, 0);
    }

    /** The hourly bars (UTC hours from the server, labelled in local time). */
    get hourBars() {
        const rows = this.state.data.events_per_hour;
        return rows.map((row, index) => {
            const start = deserializeDateTime(row.hour);
            return {
                key: row.hour,
                count: row.count,
                height: (100 * row.count) / this.maxPerHour,
                label: start.toFormat("HH:mm"),
                // A tick every 6 hours and on the last (current) hour.
                tick: index % 6 === 0 || index === rows.length - 1,
                title: `${start.toFormat("HH:mm")}-${start.plus({ hours: 1 }).toFormat("HH:mm")}: ${row.count}`,
            };
        });
    }

    /**
     * Open the events through the action of the menu, with the search view's
     * own filters switched on, so the search bar shows what is filtered.
     */
    openEvents(state, lane) {
        const context = {};
        if (state) {
            context[`search_default_filter_${state}`] = 1;
        }
        if (lane) {
            context[`search_default_filter_${lane}`] = 1;
        }
        this.action.doAction("saas_sync.action_saas_event", { additionalContext: context });
    }

    openAction(xmlid) {
        this.action.doAction(xmlid);
    }
}

registry.category("actions").add("saas_sync.dashboard", SaasDashboard);
