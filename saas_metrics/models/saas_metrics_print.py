# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaasMetricsPrint(models.Model):
    """The figures of a closed month as an executive report printed them, per
    company: a later reader of the month (dashboard, report) learns that the
    month was restated since (a late event, an approved mapping) and by what.

    Written by the report when it renders (``saas.metrics._stamp_printed``),
    never by hand."""

    _name = "saas.metrics.print"
    _description = "Month figures as printed"
    _order = "printed_at desc, id desc"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    month = fields.Date(required=True, index=True, readonly=True, help="First day of the month.")
    printed_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Printed by", readonly=True, default=lambda self: self.env.user
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    figures = fields.Json(
        readonly=True,
        help="The month's figures as printed, in company currency: amounts as decimal "
        "strings, counts as integers.",
    )

    @api.depends("company_id", "month", "printed_at")
    def _compute_display_name(self):
        for stamp in self:
            stamp.display_name = self.env._(
                "%(company)s, %(month)s, printed %(at)s",
                company=stamp.company_id.name or "",
                month=stamp.month.strftime("%B %Y") if stamp.month else "",
                at=fields.Datetime.to_string(stamp.printed_at) or "",
            )
