# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.tools.misc import format_date

from ..lib.mrr import month_end

MOVEMENT_TYPES = [
    ("new", "New"),
    ("expansion", "Expansion"),
    ("contraction", "Contraction"),
    ("churn", "Churn"),
    ("reactivation", "Reactivation"),
    ("fx", "FX"),
]


class SaasMrrMovement(models.Model):
    """One change of a subscription's MRR. For every subscription and date, the
    sum of its movements up to that date is its MRR."""

    _name = "saas.mrr.movement"
    _inherit = ["saas.ledger.row"]
    _description = "MRR Movement"
    _order = "date desc, id desc"

    date = fields.Date(required=True, index=True)
    subscription_id = fields.Many2one(
        # archive a subscription with a ledger: deleting it would erase its rows
        "saas.subscription",
        required=True,
        ondelete="restrict",
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        related="subscription_id.partner_id.commercial_partner_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(related="subscription_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="subscription_id.currency_id", store=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", store=True, string="Company currency"
    )
    movement_type = fields.Selection(MOVEMENT_TYPES, required=True, index=True)
    # In the subscription's own currency: subscriptions in several currencies do
    # not add up (no total, not a pivot measure); delta_company does.
    delta = fields.Monetary(
        currency_field="currency_id", string="MRR change (subscription currency)", aggregator=None
    )
    delta_company = fields.Monetary(
        currency_field="company_currency_id", string="MRR change (company currency)"
    )
    # Stocks before and after a movement: their sum over movements means nothing.
    mrr_before = fields.Monetary(currency_field="currency_id", aggregator=None)
    mrr_after = fields.Monetary(currency_field="currency_id", aggregator=None)
    customer_mrr_before = fields.Monetary(
        currency_field="company_currency_id",
        string="Customer MRR before (company currency)",
        help="The customer's MRR in this company, in company currency, before this movement.",
        aggregator=None,
    )
    customer_mrr_after = fields.Monetary(
        currency_field="company_currency_id",
        string="Customer MRR after (company currency)",
        aggregator=None,
    )
    point_id = fields.Many2one(
        "saas.mrr.point", string="Fact", ondelete="set null", index="btree_not_null"
    )
    event_id = fields.Many2one("saas.event", ondelete="set null", index="btree_not_null")

    @api.depends("movement_type", "subscription_id", "date")
    def _compute_display_name(self):
        types = dict(self._fields["movement_type"]._description_selection(self.env))
        for movement in self:
            movement.display_name = self.env._(
                "%(type)s of %(subscription)s on %(date)s",
                type=types.get(movement.movement_type, ""),
                subscription=movement.subscription_id.name or "",
                date=format_date(self.env, movement.date),
            )

    def _ledger_key(self):
        """Effective order of a customer's movements, independent of arrival order:
        date, then fx last in a day, then the source time of the fact, then the
        subscription's source id."""
        self.ensure_one()
        return (
            self.date,
            self.movement_type == "fx",
            self.point_id.occurred_at or datetime.min,
            self.subscription_id.name or "",
            self.id,
        )

    @api.model
    def _cron_post_fx_movements(self, until=None):
        """At every month end up to ``until`` (default: the last one passed), bring
        each foreign-currency subscription's company-currency MRR to its MRR at the
        month-end rate with an ``fx`` movement (delta 0). Idempotent."""
        until = until or fields.Date.context_today(self)
        last_end = month_end(until)
        if last_end != until:
            last_end = until.replace(day=1) - timedelta(days=1)
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT DISTINCT subscription_id FROM saas_mrr_movement
                WHERE currency_id != company_currency_id"""
        )
        # Every company's subscriptions, as the cron that runs this sees them.
        subscriptions = (
            self.env["saas.subscription"].sudo().browse([row[0] for row in self.env.cr.fetchall()])
        )
        created = self.sudo().browse()
        for subscription in subscriptions:
            created |= subscription._post_fx_movements(last_end)
        return created
