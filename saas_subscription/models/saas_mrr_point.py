# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools.misc import format_date


class SaasMrrPoint(models.Model):
    """What one event stated about a subscription's MRR from its effective date
    on. A subscription's movements are the changes of the fold of its facts in
    effective order (:func:`..lib.mrr.fold_mrr_facts`), so an event delivered
    late still lands at its date."""

    _name = "saas.mrr.point"
    _inherit = ["saas.ledger.row"]
    _description = "MRR Fact"
    _order = "date, occurred_at, id"

    subscription_id = fields.Many2one(
        # archive a subscription with a ledger: deleting it would erase its rows
        "saas.subscription",
        required=True,
        ondelete="restrict",
        index=True,
    )
    company_id = fields.Many2one(related="subscription_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="subscription_id.currency_id")
    date = fields.Date(required=True, help="Effective date of the fact.")
    occurred_at = fields.Datetime(
        required=True, help="Source time of the event: orders facts of the same date."
    )
    has_rate = fields.Boolean(help="The event stated the lines (else they are unchanged).")
    rate = fields.Monetary(currency_field="currency_id", string="Lines MRR")
    earning = fields.Selection(
        [("yes", "Earns MRR"), ("no", "Earns no MRR")],
        help="Empty: the event did not change whether the subscription earns MRR.",
    )
    event_id = fields.Many2one("saas.event", ondelete="set null", index="btree_not_null")

    @api.depends("subscription_id", "date")
    def _compute_display_name(self):
        for point in self:
            point.display_name = self.env._(
                "%(subscription)s on %(date)s",
                subscription=point.subscription_id.name or "",
                date=format_date(self.env, point.date),
            )

    def _fact(self):
        """(rate, earning) for :func:`fold_mrr_facts`."""
        self.ensure_one()
        rate = self.rate if self.has_rate else None
        earning = {"yes": True, "no": False}.get(self.earning)
        return rate, earning

    def _late_fact_lines(self, lines):
        """Hook: ``lines`` (unsaved subscription lines, or None) are what the
        late event of this fact stated. Nothing to keep here; ``saas_metrics``
        takes the fact's plan from them."""
        self.ensure_one()
