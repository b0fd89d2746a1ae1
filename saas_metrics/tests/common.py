# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import date
from decimal import Decimal

from odoo.addons.saas_metrics.lib.metrics import add_months, month_start
from odoo.addons.saas_subscription.lib.mrr import month_end, to_decimal
from odoo.addons.saas_subscription.tests.common import SubscriptionCommon

D = Decimal


class MetricsCommon(SubscriptionCommon):
    def monthly_and_annual(self, monthly, annual, monthly_customer, annual_customer):
        """A monthly subscription at 50.00 from 10 January 2026 and an annual
        one at 1,200.00 from 3 February 2026."""
        self.subscribe(
            "subscription.activated",
            monthly,
            monthly_customer,
            price="50.00",
            when="2026-01-10T00:00:00Z",
        )
        self.subscribe(
            "subscription.activated",
            annual,
            annual_customer,
            price="1200.00",
            interval="year",
            when="2026-02-03T00:00:00Z",
        )

    def refresh(self):
        self.env["saas.mrr.snapshot"]._refresh_snapshot()

    def ledger_by_month(self, company):
        """Oracle from the movement ledger alone: per month, the closing MRR
        (company currency), the movements by type and the customers whose
        subscriptions have MRR > 0 at the month end."""
        movements = self.env["saas.mrr.movement"].sudo().search([("company_id", "=", company.id)])
        if not movements:
            return {}
        first = month_start(min(movements.mapped("date")))
        last = max(month_start(date.today()), month_start(max(movements.mapped("date"))))
        result = {}
        month = first
        while month <= last:
            end = month_end(month)
            upto = movements.filtered(lambda mv, end=end: mv.date <= end)
            in_month = upto.filtered(lambda mv, month=month: mv.date >= month)
            by_type = defaultdict(Decimal)
            for mv in in_month:
                by_type[mv.movement_type] += to_decimal(mv.delta_company)
            sub_mrr = defaultdict(Decimal)
            for mv in upto:
                sub_mrr[mv.subscription_id] += to_decimal(mv.delta)
            customers = {
                sub.partner_id.commercial_partner_id for sub, v in sub_mrr.items() if v > 0
            }
            result[month] = {
                "closing": sum((to_decimal(mv.delta_company) for mv in upto), D(0)),
                "by_type": dict(by_type),
                "customers": len(customers),
            }
            month = add_months(month, 1)
        return result
