# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date

LINE_STATES = [
    ("pending", "To recognize"),
    ("stopped", "Held"),
    ("posted", "Recognized"),
    ("cancelled", "Cancelled"),
]
KINDS = [
    ("recognition", "Recognition"),
    ("adjustment", "Credit adjustment"),
    ("reversal", "Reversal (contra revenue)"),
    ("undone", "Recognition reversed"),
    ("redo", "To recognize again"),
]


class SaasRevenueScheduleLine(models.Model):
    _name = "saas.revenue.schedule.line"
    _inherit = ["saas.audit.chained"]
    _description = "Revenue recognition schedule line (one month)"
    # A recognition posting, as the audit trail seals it.
    _saas_audit_fields = (
        "schedule_id",
        "kind",
        "date",
        "origin_date",
        "amount",
        "amount_company",
        "move_id",
    )
    _order = "date, id"
    _check_company_auto = True

    schedule_id = fields.Many2one(
        "saas.revenue.schedule", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="schedule_id.company_id", store=True, index=True, readonly=True
    )
    date = fields.Date(
        string="Recognition date", required=True, index=True, help="Last day of the month."
    )
    origin_date = fields.Date(
        string="In the books since",
        required=True,
        index=True,
        readonly=True,
        help="Accounting date of the document that put this line in the deferred revenue "
        "account: the invoice for the planned months, the credit note for its adjustments "
        "and reversals. A batch recognizes a line only from this date, and the tie-out at a "
        "date counts only the lines in the books by then.",
    )
    kind = fields.Selection(
        KINDS,
        default="recognition",
        required=True,
        readonly=True,
        help="Recognition: a month as the invoice planned it (never changed afterwards). "
        "Credit adjustment: a credit note's reduction of a month still to recognize. "
        "Reversal: the share of a credit matching revenue already recognized, reversed as "
        "contra revenue. Recognition reversed: a month whose recognition entry was reversed, "
        "taken out of the recognized revenue by the reversal entry. To recognize again: that "
        "month, due again from the reversal's date.",
    )
    state = fields.Selection(LINE_STATES, default="pending", required=True, index=True)
    currency_id = fields.Many2one(related="schedule_id.currency_id", store=True)
    company_currency_id = fields.Many2one(
        related="schedule_id.company_currency_id", string="Company currency"
    )
    amount = fields.Monetary(required=True, readonly=True)
    amount_company = fields.Monetary(
        currency_field="company_currency_id", required=True, readonly=True
    )
    batch_id = fields.Many2one(
        "saas.revenue.batch", index="btree_not_null", readonly=True, ondelete="set null"
    )
    move_id = fields.Many2one(
        "account.move",
        string="Recognition entry",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",
    )
    undone_by_id = fields.Many2one(
        "account.move",
        string="Recognition reversed by",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The entry that reversed this month's recognition entry: the month is due again "
        "(a line to recognize again) from that entry's date.",
    )
    credit_move_id = fields.Many2one(
        "account.move", string="Credit note", readonly=True, ondelete="set null"
    )
    # Stored copies for the reports (group by customer, product, subscription).
    partner_id = fields.Many2one(related="schedule_id.partner_id", store=True)
    product_id = fields.Many2one(related="schedule_id.product_id", store=True)
    subscription_id = fields.Many2one(related="schedule_id.subscription_id", store=True)
    invoice_id = fields.Many2one(related="schedule_id.move_id", store=True, string="Invoice")

    def _undo_recognition(self, reversal):
        """``reversal`` (posted) reversed the entry that recognized these
        lines: each keeps its recognition (the revenue was recognized until
        then) and gets two lines dated from the reversal: one taking the month
        out of the recognized revenue (posted by ``reversal``), one to
        recognize it again in the next batch. Every total, and the tie-out at
        any date, stays exact."""
        values = []
        for line in self:
            common = {
                "schedule_id": line.schedule_id.id,
                "date": line.date,
                "origin_date": reversal.date,
            }
            values += [
                {
                    **common,
                    "kind": "undone",
                    "state": "posted",
                    "move_id": reversal.id,
                    "amount": -line.amount,
                    "amount_company": -line.amount_company,
                },
                {
                    **common,
                    "kind": "redo",
                    "state": "pending",
                    "amount": line.amount,
                    "amount_company": line.amount_company,
                },
            ]
        self.write({"undone_by_id": reversal.id})
        self.create(values)
        self.schedule_id.filtered(lambda s: s.state == "done").write({"state": "running"})

    @api.depends("schedule_id", "date")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._(
                "%(schedule)s, %(date)s",
                schedule=line.schedule_id.display_name or "",
                date=format_date(self.env, line.date),
            )

    @api.model
    def _saas_audit_sealable(self):
        """A line is final once recognized: posted, with its entry."""
        return SQL("state = 'posted' AND move_id IS NOT NULL")

    def write(self, vals):
        fixed = set(self._saas_audit_fields).intersection(vals) | (
            {"state"} if "state" in vals else set()
        )
        if fixed and any(line.state == "posted" for line in self):
            raise UserError(
                self.env._(
                    "A recognized revenue line is part of the audit trail: it cannot change "
                    "(%s). Issue a credit note instead.",
                    ", ".join(sorted(fixed)),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if any(line.state == "posted" for line in self):
            raise UserError(
                self.env._(
                    "A recognized revenue line is part of the audit trail: it cannot be deleted."
                )
            )
