# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..lib.mrr import ZERO, movement_type, quantize, to_decimal

STATES = [
    ("trial", "Trial"),
    ("active", "Active"),
    ("past_due", "Past due"),
    ("paused", "Paused"),
    ("cancelled", "Cancelled"),
    ("ended", "Ended"),
]
# States in which a subscription earns recurring revenue. A trial earns none
# until it converts; a paused subscription earns none until it resumes; a
# subscription cancelled at period end keeps its MRR until it ends.
MRR_STATES = ("active", "past_due")


class SaasSubscription(models.Model):
    _name = "saas.subscription"
    _description = "SaaS Subscription"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start_date desc, id desc"

    name = fields.Char(required=True, tracking=True, help="The source's subscription id.")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    system_id = fields.Many2one("saas.system", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one("res.currency", required=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    state = fields.Selection(STATES, required=True, default="active", tracking=True, index=True)
    start_date = fields.Date(tracking=True)
    current_period_start = fields.Date()
    current_period_end = fields.Date()
    cancel_at = fields.Date(tracking=True, help="The subscription ends at this date.")
    ended_at = fields.Date(tracking=True)
    pause_start = fields.Date()
    pause_end = fields.Date(string="Resumes on")
    source_updated_at = fields.Datetime(
        readonly=True, help="Time of the source state last applied (older events are ignored)."
    )
    line_ids = fields.One2many("saas.subscription.line", "subscription_id", string="Lines")
    mrr = fields.Monetary(
        string="MRR",
        currency_field="currency_id",
        readonly=True,
        tracking=True,
        help="Monthly recurring revenue in the subscription's currency: the sum of its movements.",
    )
    mrr_company = fields.Monetary(
        string="MRR (company currency)", currency_field="company_currency_id", readonly=True
    )
    movement_ids = fields.One2many("saas.mrr.movement", "subscription_id", readonly=True)
    invoice_ids = fields.One2many("account.move", "saas_subscription_id", readonly=True)
    invoice_count = fields.Integer(compute="_compute_counts")
    movement_count = fields.Integer(compute="_compute_counts")
    failed_payment_count = fields.Integer(readonly=True)

    _sql_constraints = [
        ("mrr_not_negative", "CHECK(mrr >= 0)", "MRR cannot be negative."),
    ]

    def _compute_counts(self):
        for subscription in self:
            subscription.invoice_count = len(subscription.invoice_ids)
            subscription.movement_count = len(subscription.movement_ids)

    # -------------------------------------------------------------- MRR logic
    def _target_mrr(self):
        """The MRR the subscription earns in its current state, as a Decimal."""
        self.ensure_one()
        if self.state not in MRR_STATES:
            return ZERO
        return sum((to_decimal(line.mrr) for line in self.line_ids), ZERO)

    def _customer_mrr(self, company_currency=True):
        """Total MRR of this subscription's customer in its company (Decimal)."""
        self.ensure_one()
        siblings = self.search(
            [
                ("partner_id.commercial_partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("company_id", "=", self.company_id.id),
            ]
        )
        field = "mrr_company" if company_currency else "mrr"
        return sum((to_decimal(s[field]) for s in siblings), ZERO)

    def _sync_mrr(self, date, event=None):
        """Bring the stored MRR to what the lines and state say, writing the
        movement that explains the difference. Returns the movement or None."""
        self.ensure_one()
        target = quantize(self._target_mrr(), self.currency_id.decimal_places)
        current = to_decimal(self.mrr)
        if target == current:
            return self.env["saas.mrr.movement"]
        delta = target - current
        delta_company = self._to_company(delta, date)
        before = self._customer_mrr()
        after = before + delta_company
        had_history = bool(
            self.env["saas.mrr.movement"].search_count(
                [
                    ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                    ("company_id", "=", self.company_id.id),
                ],
                limit=1,
            )
        )
        kind = movement_type(before, after, had_history)
        if kind is None:
            # Company-currency rounding hid the change: still a movement of
            # the subscription, typed by its own direction.
            kind = "expansion" if delta > 0 else "contraction"
        # The ledger is written by the suite only: no user creates movements.
        movement = (
            self.env["saas.mrr.movement"]
            .sudo()
            .create(
                {
                    "date": date,
                    "subscription_id": self.id,
                    "movement_type": kind,
                    "delta": float(delta),
                    "delta_company": float(delta_company),
                    "mrr_before": float(current),
                    "mrr_after": float(target),
                    "event_id": event.id if event else False,
                }
            )
        )
        self.write(
            {
                "mrr": float(target),
                "mrr_company": float(to_decimal(self.mrr_company) + delta_company),
            }
        )
        return movement

    def _to_company(self, amount, date):
        company_currency = self.company_id.currency_id
        if self.currency_id == company_currency:
            return to_decimal(amount)
        converted = self.currency_id._convert(
            float(amount), company_currency, self.company_id, date or fields.Date.today()
        )
        return quantize(converted, company_currency.decimal_places)

    @api.model
    def _check_ledger(self):
        """Subscriptions whose movements do not sum to their MRR (should be none)."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT s.id
                 FROM saas_subscription s
                 JOIN res_currency c ON c.id = s.currency_id
            LEFT JOIN saas_mrr_movement m ON m.subscription_id = s.id
             GROUP BY s.id, s.mrr, c.decimal_places
               HAVING ROUND(COALESCE(SUM(m.delta), 0), c.decimal_places)
                      != ROUND(COALESCE(s.mrr, 0), c.decimal_places)"""
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _cron_end_scheduled_cancellations(self):
        """End the subscriptions whose scheduled cancellation date has come."""
        due = self.search(
            [
                ("cancel_at", "<=", fields.Date.context_today(self)),
                ("state", "not in", ("cancelled", "ended")),
            ]
        )
        for subscription in due:
            subscription.write({"state": "cancelled", "ended_at": subscription.cancel_at})
            subscription._sync_mrr(subscription.cancel_at)
        return due

    # ---------------------------------------------------------------- actions
    def action_view_movements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_subscription.action_saas_mrr_movement"
        )
        action["domain"] = [("subscription_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice")
        action["domain"] = [("saas_subscription_id", "=", self.id)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action
