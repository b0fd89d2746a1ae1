# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields, models

from .saas_revenue_batch import RECOGNITION_LOCKS

METHODS = [
    ("day", "Days"),
    ("month", "Months"),
    ("full_month", "Full months"),
]
CANCEL_POLICIES = [
    ("stop", "Stop future recognition"),
    ("recognize", "Recognize the rest at once"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    saas_revenue_deferred_account_id = fields.Many2one(
        "account.account",
        string="Deferred revenue account",
        check_company=True,
        help="Revenue of invoice lines whose service period reaches beyond the invoice's "
        "month is booked here, then recognized month by month. Empty: no deferral.",
    )
    saas_revenue_journal_id = fields.Many2one(
        "account.journal",
        string="Revenue recognition journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the monthly recognition entries (default: the first "
        "miscellaneous journal). A schedule keeps the journal it was created with.",
    )
    saas_revenue_method = fields.Selection(
        METHODS,
        string="Recognition method",
        default="month",
        required=True,
        help="Days: pro rata by days, both ends included. Months: each full month an "
        "equal share, partial months prorated by their days. Full months: a started "
        "month counts whole, the final month only if the period reaches its last day.",
    )
    saas_revenue_auto_post = fields.Boolean(
        string="Post recognition batches automatically",
        help="The cron approves and posts the batches it builds; otherwise a Finance "
        "Reviewer approves each batch.",
    )
    saas_revenue_cancel_policy = fields.Selection(
        CANCEL_POLICIES,
        string="When a subscription is cancelled",
        default="stop",
        required=True,
        help="Stop: the months after the cancellation are held (still deferred) until a "
        "credit note removes them or a reviewer recognizes them. Recognize: what "
        "remains is recognized in the cancellation month.",
    )

    def _saas_revenue_journal(self):
        self.ensure_one()
        return self.saas_revenue_journal_id or self.env["account.journal"].search(
            [("company_id", "=", self.id), ("type", "=", "general")], limit=1
        )

    def _saas_revenue_first_open_date(self, day):
        """``day``, or the first day after the lock dates a revenue entry
        respects (see ``saas_revenue_batch.RECOGNITION_LOCKS``) when they close
        it: ``(date, (lock date, lock field) or None)``."""
        self.ensure_one()
        reason = None
        while True:
            locks = self._get_lock_date_violations(day, **RECOGNITION_LOCKS)
            if not locks:
                return day, reason
            reason = max(locks)
            day = reason[0] + timedelta(days=1)
