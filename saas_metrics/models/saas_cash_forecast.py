# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.saas_subscription.lib.mrr import line_amount, quantize, to_decimal
from odoo.addons.saas_sync.const import SUPPORT_GROUP

from ..lib.metrics import average_delay_days, expected_payment_date, week_index

WEEKS = 13
INTERVAL_STEP = {
    "day": lambda n: relativedelta(days=n),
    "week": lambda n: relativedelta(weeks=n),
    "month": lambda n: relativedelta(months=n),
    "year": lambda n: relativedelta(years=n),
}


class SaasCashForecastLine(models.Model):
    """One expected cash movement of the 13-week forecast, with its source.
    The lines are rebuilt by the financial lane (:meth:`_cron_rebuild_forecast`,
    hourly); opening the forecast only reads them, so readers may open it."""

    _name = "saas.cash.forecast.line"
    _description = "Cash Forecast Line"
    _order = "date, id"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Company currency")
    date = fields.Date(string="Expected date", required=True, readonly=True)
    week = fields.Date(string="Week of", required=True, readonly=True, help="Monday of the week.")
    week_number = fields.Integer(readonly=True, help="1 to 13 from the current week.")
    kind = fields.Selection(
        [
            ("invoice", "Open invoice"),
            ("renewal", "Expected renewal"),
            ("refund", "Expected refund"),
        ],
        required=True,
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    amount = fields.Monetary(currency_field="currency_id", readonly=True)
    name = fields.Char(string="Source", readonly=True)
    note = fields.Char(string="How the date was set", readonly=True)
    source_ref = fields.Reference(
        [("account.move", "Invoice or credit note"), ("saas.subscription", "Subscription")],
        string="Source record",
        readonly=True,
    )

    @api.model
    def action_open_forecast(self):
        """The forecast as it stands (the financial lane keeps it current):
        opening it writes nothing."""
        if not self.env.user.has_group(SUPPORT_GROUP) and not (
            self.env.user.has_group("account.group_account_invoice")
        ):
            raise AccessError(self.env._("You are not allowed to see the cash forecast."))
        return self.env["ir.actions.act_window"]._for_xml_id(
            "saas_metrics.action_saas_cash_forecast_line"
        )

    def action_open_source(self):
        self.ensure_one()
        if not self.source_ref:
            return False
        return self.source_ref._get_records_action()

    # ---------------------------------------------------------------- build
    @api.model
    def _cron_rebuild_forecast(self):
        """Scheduled action of the financial lane: rebuild the forecast of
        active company from today's open documents and subscriptions."""
        companies = self.env["res.company"].sudo().search([("active", "=", True)])
        return self._rebuild_forecast(companies)

    @api.model
    def _forecast_start(self, today):
        return today - timedelta(days=today.weekday())

    @api.model
    def _rebuild_forecast(self, companies, today=None):
        today = today or fields.Date.context_today(self)
        start = self._forecast_start(today)
        # The sources are read with the user's rights; the lines are written
        # by the suite only (users have no write access to them).
        self.sudo().search([("company_id", "in", companies.ids)]).unlink()
        values = []
        for company in companies:
            delays = self._average_delays(company)
            values += self._invoice_lines(company, delays, today, start)
            values += self._renewal_lines(company, delays, today, start)
        for vals in values:
            index = week_index(vals["date"], start, WEEKS)
            vals["week"] = start + timedelta(days=7 * index)
            vals["week_number"] = index + 1
        return self.sudo().create(values).sudo(False)

    @api.model
    def _average_delays(self, company):
        """Average days paid after the due date, per customer (commercial
        entity), from the customer invoices it has paid."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT am.commercial_partner_id, am.invoice_date_due, MAX(pay.date)
                 FROM account_move am
                 JOIN account_move_line aml ON aml.move_id = am.id
                 JOIN account_account aa ON aa.id = aml.account_id
                      AND aa.account_type = 'asset_receivable'
                 JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                 JOIN account_move_line pay ON pay.id = apr.credit_move_id
                WHERE am.company_id = %s AND am.move_type = 'out_invoice'
                  AND am.state = 'posted' AND am.payment_state IN ('paid', 'in_payment')
                  AND am.invoice_date_due IS NOT NULL
             GROUP BY am.id, am.commercial_partner_id, am.invoice_date_due""",
            [company.id],
        )
        paid = {}
        for partner_id, due, paid_on in self.env.cr.fetchall():
            paid.setdefault(partner_id, []).append((due, paid_on))
        return {partner_id: average_delay_days(pairs) for partner_id, pairs in paid.items()}

    @api.model
    def _invoice_lines(self, company, delays, today, start):
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("amount_residual", "!=", 0),
            ]
        )
        values = []
        for move in moves:
            due = move.invoice_date_due or move.invoice_date or move.date
            refund = move.move_type == "out_refund"
            delay = 0 if refund else delays.get(move.commercial_partner_id.id, 0)
            expected = expected_payment_date(due, delay, today)
            if week_index(expected, start, WEEKS) is None:
                continue
            amount = to_decimal(move.amount_residual_signed)
            values.append(
                {
                    "company_id": company.id,
                    "date": expected,
                    "kind": "refund" if refund else "invoice",
                    "partner_id": move.commercial_partner_id.id,
                    "amount": float(amount),
                    "name": move.name,
                    "note": self.env._(
                        "Due %(due)s + average delay %(delay)s days", due=due, delay=delay
                    ),
                    "source_ref": f"account.move,{move.id}",
                }
            )
        return values

    @api.model
    def _renewal_amount(self, subscription, lines):
        """What a renewal of ``lines`` collects, tax included, in the
        subscription's currency: each line's amount after discounts with the
        taxes of :meth:`_renewal_taxes`, computed by Odoo's tax engine and
        rounded to the currency."""
        currency = subscription.currency_id
        partner = subscription.partner_id
        total = to_decimal(0)
        for line in lines:
            amount = line_amount(
                line.price_unit, line.quantity, line.discount, line.discount_amount
            )
            taxes = self._renewal_taxes(subscription, line)
            if taxes:
                amount = to_decimal(
                    taxes.compute_all(
                        float(amount), currency=currency, product=line.product_id, partner=partner
                    )["total_included"]
                )
            total += quantize(amount, currency.decimal_places)
        return total

    @api.model
    def _renewal_taxes(self, subscription, line):
        """The taxes a renewal of ``line`` will carry: those of the same
        product on the subscription's last posted invoice (what the billing
        platform charged), else the product's sales taxes in the company,
        mapped by the customer's fiscal position."""
        invoices = subscription.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        ).sorted(lambda move: (move.invoice_date or move.date, move.id))
        if invoices:
            invoiced = invoices[-1].invoice_line_ids.filtered(
                lambda inv_line: inv_line.product_id == line.product_id
            )
            if invoiced:
                return invoiced[0].tax_ids
        company = subscription.company_id
        taxes = line.product_id.taxes_id.filtered_domain(
            self.env["account.tax"]._check_company_domain(company)
        )
        position = (
            self.env["account.fiscal.position"]
            .with_company(company)
            ._get_fiscal_position(subscription.partner_id)
        )
        return position.map_tax(taxes) if position else taxes

    @api.model
    def _renewal_lines(self, company, delays, today, start):
        horizon = start + timedelta(days=7 * WEEKS)
        subscriptions = self.env["saas.subscription"].search(
            [
                ("company_id", "=", company.id),
                ("state", "in", ("active", "past_due")),
                ("current_period_end", "!=", False),
            ]
        )
        values = []
        for subscription in subscriptions:
            lines = subscription.line_ids.filtered(lambda line: not line.metered)
            if not lines:
                continue
            interval, count = lines[0].interval, max(lines[0].interval_count, 1)
            amount = self._renewal_amount(subscription, lines)
            if not amount:
                continue
            amount_company = quantize(
                subscription.currency_id._convert(
                    float(amount), company.currency_id, company, today, round=False
                ),
                company.currency_id.decimal_places,
            )
            delay = delays.get(subscription.partner_id.commercial_partner_id.id, 0)
            billing = subscription.current_period_end
            step = INTERVAL_STEP[interval](count)
            while billing < today:
                billing += step
            while billing < horizon:
                if subscription.cancel_at and subscription.cancel_at <= billing:
                    break
                expected = expected_payment_date(billing, delay, today)
                if week_index(expected, start, WEEKS) is not None:
                    values.append(
                        {
                            "company_id": company.id,
                            "date": expected,
                            "kind": "renewal",
                            "partner_id": subscription.partner_id.commercial_partner_id.id,
                            "amount": float(amount_company),
                            "name": subscription.name,
                            "note": self.env._(
                                "Renewal on %(date)s + average delay %(delay)s days (tax included)",
                                date=billing,
                                delay=delay,
                            ),
                            "source_ref": f"saas.subscription,{subscription.id}",
                        }
                    )
                billing += step
        return values
