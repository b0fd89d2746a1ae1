/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

export class SaasMetricsDashboard extends Component {
    static template = "saas_metrics.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null, cohorts: null });
        onWillStart(() => this.load());
    }

    async load(month = null) {
        const kwargs = month ? { month } : {};
        const data = await this.orm.call("saas.metrics", "get_dashboard_data", [], kwargs);
        this.state.data = data;
        this.state.cohorts = null;
        if (!data.not_yet) {
            // the slowest table comes after the KPIs (a later month chosen meanwhile wins)
            this.orm
                .call("saas.metrics", "get_dashboard_cohorts", [], { month: data.month })
                .then((cohorts) => {
                    if (this.state.data && this.state.data.month === cohorts.month) {
                        this.state.cohorts = cohorts;
                    }
                });
        }
    }

    /** The month picker gives "YYYY-MM": the server takes the first day. */
    onMonthChange(ev) {
        if (ev.target.value) {
            this.load(`${ev.target.value}-01`);
        }
    }

    shiftMonth(months) {
        const [year, month] = this.state.data.month.split("-").map(Number);
        const day = new Date(Date.UTC(year, month - 1 + months, 1));
        this.load(day.toISOString().slice(0, 10));
    }

    get monthValue() {
        return this.state.data.month.slice(0, 7);
    }

    get isCurrentMonth() {
        return this.state.data.month >= this.state.data.current_month;
    }

    openMovements(restated) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: restated.month_label,
            res_model: "saas.mrr.movement",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain: [["id", "in", restated.movements.map((mv) => mv.id)]],
        });
    }

    async refreshSnapshot() {
        await this.orm.call("saas.metrics", "action_refresh_snapshot", []);
        await this.load(this.state.data ? this.state.data.month : null);
    }

    get maxMrr() {
        return Math.max(1, ...this.state.data.trend.map((row) => row.mrr));
    }

    barHeight(row) {
        return `${Math.max(2, Math.round((row.mrr / this.maxMrr) * 140))}px`;
    }

    changeClass(card) {
        if (card.change === null) {
            return "text-muted";
        }
        return card.change >= 0 ? "text-success" : "text-danger";
    }

    bridgeClass(line) {
        if (["new", "expansion", "reactivation"].includes(line.key)) {
            return "text-success";
        }
        if (["contraction", "churn"].includes(line.key)) {
            return "text-danger";
        }
        return line.key === "fx" ? "text-muted" : "fw-bold";
    }

    openAction(xmlid) {
        this.action.doAction(xmlid);
    }
}

registry.category("actions").add("saas_metrics.dashboard", SaasMetricsDashboard);
