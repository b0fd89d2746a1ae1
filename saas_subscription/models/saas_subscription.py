# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.saas_sync.tools import as_ledger_writer

from ..lib.mrr import (
    ZERO,
    fold_mrr_facts,
    month_end,
    quantize,
    to_decimal,
    type_customer_movements,
)

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
    active = fields.Boolean(
        default=True,
        tracking=True,
        help="A subscription with an MRR ledger, events or bindings is archived, never deleted.",
    )
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
            # a count, readable with the subscription by users who may not
            # read journal entries (the invoices button is for those who may)
            subscription.invoice_count = len(subscription.sudo().invoice_ids)
            subscription.movement_count = len(subscription.movement_ids)

    # -------------------------------------------------------------- MRR logic
    def _target_mrr(self):
        """The MRR the subscription earns in its current state, as a Decimal."""
        self.ensure_one()
        if self.state not in MRR_STATES:
            return ZERO
        return sum((to_decimal(line.mrr) for line in self.line_ids), ZERO)

    def _sync_mrr(self, date, event=None, occurred_at=None):
        """Record what the subscription's lines and state now say as a fact at
        ``date`` and bring its movements to the history of its facts. The newest
        state holds from its date on: ``date`` is never before an earlier fact's.
        Returns the movement this fact wrote (or an empty recordset)."""
        self.ensure_one()
        self._seed_mrr_points()
        last = self.env["saas.mrr.point"].search(
            [("subscription_id", "=", self.id)], order="date desc", limit=1
        )
        if last and date < last.date:
            date = last.date
        rate = quantize(
            sum((to_decimal(line.mrr) for line in self.line_ids), ZERO),
            self.currency_id.decimal_places,
        )
        point = self._record_mrr_point(
            date, event, occurred_at, rate=rate, earning=self.state in MRR_STATES
        )
        return self._rebuild_mrr_movements(point)

    def _apply_late_mrr_fact(self, date, event, occurred_at, lines=None, earning=None):
        """Insert what an event older than the applied state said about the MRR
        at ``date`` into the subscription's history (the state is not changed):
        ``lines``, the lines it stated (unsaved records), or None.
        A fact dated after the newest state's date cannot apply: nothing is done."""
        self.ensure_one()
        self._seed_mrr_points()
        newest = self.env["saas.mrr.point"].search(
            [("subscription_id", "=", self.id)], order="occurred_at desc, id desc", limit=1
        )
        if newest and date > newest.date:
            return self.env["saas.mrr.movement"]
        rate = None
        if lines is not None:
            rate = quantize(
                sum((to_decimal(line.mrr) for line in lines), ZERO),
                self.currency_id.decimal_places,
            )
        point = self._record_mrr_point(date, event, occurred_at, rate=rate, earning=earning)
        point._late_fact_lines(lines)
        return self._rebuild_mrr_movements(point)

    def _record_mrr_point(self, date, event, occurred_at, rate=None, earning=None):
        values = {
            "subscription_id": self.id,
            "date": date,
            "occurred_at": occurred_at or fields.Datetime.now(),
            "has_rate": rate is not None,
            "rate": float(rate or 0),
            "earning": {True: "yes", False: "no"}.get(earning, False),
            "event_id": event.id if event else False,
        }
        points = self._ledger("saas.mrr.point")
        existing = event and points.search(
            [("subscription_id", "=", self.id), ("event_id", "=", event.id)], limit=1
        )
        if existing:  # a replayed event restates its fact
            existing.write(values)
            return existing
        return points.create(values)

    def _seed_mrr_points(self):
        """Facts for movements written before facts were recorded (one per movement)."""
        self.ensure_one()
        legacy = self.movement_ids.filtered(lambda m: not m.point_id and m.movement_type != "fx")
        for movement in as_ledger_writer(legacy.sudo()).sorted(lambda m: (m.date, m.id)):
            movement.point_id = self._record_mrr_point(
                movement.date,
                None,
                movement.create_date,
                rate=to_decimal(movement.mrr_after),
                earning=True,
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_audit_trail(self):
        """A subscription with movements, facts, events or bindings is archived."""
        has_ledger = bool(
            self.env["saas.mrr.point"]
            .sudo()
            .search_count([("subscription_id", "in", self.ids)], limit=1)
            or self.env["saas.mrr.movement"]
            .sudo()
            .search_count([("subscription_id", "in", self.ids)], limit=1)
        )
        self.env["saas.event.record"]._check_unlink_keeps_trail(self, has_ledger)

    def _ledger(self, model_name):
        """The MRR ledger (``saas.mrr.movement`` or ``saas.mrr.point``) as this
        engine writes it: nothing else may change or delete its rows."""
        return as_ledger_writer(self.env[model_name].sudo())

    def _rebuild_mrr_movements(self, point=None):
        """Make the subscription's movements the changes of the fold of its facts,
        then re-type its customer's ledger if anything moved. Returns the movement
        written for ``point``, if any."""
        self.ensure_one()
        points = self._ledger("saas.mrr.point").search([("subscription_id", "=", self.id)])
        history = fold_mrr_facts(p._fact() for p in points)
        movements = self._ledger("saas.mrr.movement")
        by_point = {
            m.point_id.id: m
            for m in as_ledger_writer(self.movement_ids.sudo())
            if m.point_id and m.movement_type != "fx"
        }
        changed = False
        written = movements
        value = ZERO
        for fact, (before, after) in zip(points, history, strict=True):
            value = after
            movement = by_point.pop(fact.id, movements)
            delta = after - before
            if not delta:
                if movement:
                    movement.unlink()
                    changed = True
                continue
            values = {
                "date": fact.date,
                "delta": float(delta),
                "mrr_before": float(before),
                "mrr_after": float(after),
                "event_id": fact.event_id.id,
            }
            if not movement:
                movement = movements.create(
                    dict(
                        values,
                        subscription_id=self.id,
                        point_id=fact.id,
                        movement_type="expansion" if delta > 0 else "contraction",
                        delta_company=float(self._to_company(delta, fact.date)),
                    )
                )
                changed = True
            elif movement.date != fact.date or to_decimal(movement.delta) != delta:
                values["delta_company"] = float(self._to_company(delta, fact.date))
                movement.write(values)
                changed = True
            else:
                movement = movements
            if fact == point:
                written = movement
        for stale in by_point.values():
            stale.unlink()
            changed = True
        self.write({"mrr": float(value)})
        if changed:
            self._write_mrr_company()
            self._rederive_customer_movements()
        return written

    def _write_mrr_company(self):
        self.ensure_one()
        total = sum((to_decimal(m.delta_company) for m in self.movement_ids), ZERO)
        self.write({"mrr_company": float(total)})

    def _rederive_customer_movements(self):
        """Re-type every movement of this subscription's customer in its company by
        folding them in effective order, and refresh their before/after amounts."""
        self.ensure_one()
        movements = (
            self._ledger("saas.mrr.movement")
            .search(
                [
                    ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                    ("company_id", "=", self.company_id.id),
                ]
            )
            .sorted(lambda m: m._ledger_key())
        )
        typed = type_customer_movements(
            (m.subscription_id.id, m.delta, m.delta_company, m.movement_type == "fx")
            for m in movements
        )
        for movement, (kind, sub_before, sub_after, before, after) in zip(
            movements, typed, strict=True
        ):
            values = {
                "movement_type": kind,
                "mrr_before": float(sub_before),
                "mrr_after": float(sub_after),
                "customer_mrr_before": float(before),
                "customer_mrr_after": float(after),
            }
            if any(
                movement[name] != value
                if name == "movement_type"
                # compare amounts exactly, as the currency stores them
                else to_decimal(movement[name]) != to_decimal(value)
                for name, value in values.items()
            ):
                movement.write(values)

    def _to_company(self, amount, date):
        company_currency = self.company_id.currency_id
        if self.currency_id == company_currency:
            return to_decimal(amount)
        converted = self.currency_id._convert(
            float(amount), company_currency, self.company_id, date or fields.Date.today()
        )
        return quantize(converted, company_currency.decimal_places)

    def _post_fx_movements(self, last_end):
        """fx movements of one subscription at each month end up to ``last_end``."""
        self.ensure_one()
        company_currency = self.company_id.currency_id
        movements = self.movement_ids.sorted(lambda m: (m.date, m.id))
        if not movements or self.currency_id == company_currency:
            return self.env["saas.mrr.movement"]
        rows = [(m.date, to_decimal(m.delta), to_decimal(m.delta_company)) for m in movements]
        created = self.env["saas.mrr.movement"]
        end = month_end(rows[0][0])
        while end <= last_end:
            mrr = sum((delta for day, delta, _c in rows if day <= end), ZERO)
            booked = sum((company for day, _d, company in rows if day <= end), ZERO)
            converted = quantize(
                self.currency_id._convert(
                    float(mrr), company_currency, self.company_id, end, round=False
                ),
                company_currency.decimal_places,
            )
            if converted != booked:
                fx = converted - booked
                created |= self._ledger("saas.mrr.movement").create(
                    {
                        "date": end,
                        "subscription_id": self.id,
                        "movement_type": "fx",
                        "delta": 0.0,
                        "delta_company": float(fx),
                        "mrr_before": float(mrr),
                        "mrr_after": float(mrr),
                    }
                )
                rows.append((end, ZERO, fx))
            end = month_end(end + timedelta(days=1))
        if created:
            self._write_mrr_company()
            self._rederive_customer_movements()
        return created

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
