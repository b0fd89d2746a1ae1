# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.saas_sync.const import REVIEWER_GROUP
from odoo.addons.saas_sync.tools import check_group


class SaasRevenueDeferPast(models.TransientModel):
    _name = "saas.revenue.defer.past"
    _description = "Defer the revenue of invoices posted before a deferred account was set"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda s: s.env.company, readonly=True
    )
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The revenue of the months ending after this date is not earned yet: it moves "
        "to the deferred revenue account, by an entry dated this day (or the first open day "
        "after the lock dates).",
    )

    def action_defer(self):
        """Give the past invoices their schedules and post the adjusting entry;
        opens the entry, or the schedules for a reviewer who may not read
        journal entries (nothing to do: says so)."""
        self.ensure_one()
        check_group(
            self.env,
            REVIEWER_GROUP,
            self.env._("Only a Finance Reviewer defers the revenue of past invoices."),
        )
        lines = (
            self.env["account.move.line"]
            .sudo()
            ._saas_revenue_past_lines(self.company_id, self.date)
        )
        entry, schedules = lines._saas_revenue_defer_past(self.date)
        if not entry:
            raise UserError(
                self.env._(
                    "No posted invoice of a subscription up to %s keeps revenue to defer: "
                    "nothing was changed.",
                    self.date,
                )
            )
        entry.message_post(
            body=self.env._(
                "%(count)s schedules created for the revenue not earned at %(date)s.",
                count=len(schedules),
                date=self.date,
            )
        )
        if self.env["account.move"].has_access("read"):
            return {
                "type": "ir.actions.act_window",
                "res_model": "account.move",
                "res_id": entry.id,
                "views": [(False, "form")],
            }
        # A reviewer without accounting rights opens what was created for them.
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Schedules of past invoices"),
            "res_model": "saas.revenue.schedule",
            "domain": [("id", "in", schedules.ids)],
            "views": [(False, "list"), (False, "form")],
        }
