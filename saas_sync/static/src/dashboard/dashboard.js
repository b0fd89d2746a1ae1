/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { _t } from "@web/core/l10n/translation";

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

    openEvents(state, lane) {
        const domain = [];
        if (state) {
            domain.push(["state", "=", state]);
        }
        if (lane) {
            domain.push(["lane", "=", lane]);
        }
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Events"),
            res_model: "saas.event",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain,
        });
    }

    openAction(xmlid) {
        this.action.doAction(xmlid);
    }
}

registry.category("actions").add("saas_sync.dashboard", SaasDashboard);
