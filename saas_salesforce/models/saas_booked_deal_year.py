# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaasBookedDealYear(models.Model):
    """One contract year of a booked deal: what it books, in the deal's
    currency and in the company's (``lib.bookings``: the total spread by
    the years' months, the rounding on the last year)."""

    _name = "saas.booked.deal.year"
    _description = "Booked deal: contract year"
    _order = "deal_id, year"

    deal_id = fields.Many2one("saas.booked.deal", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="deal_id.company_id", store=True, index=True)
    year = fields.Integer(required=True, help="1 for the first contract year.")
    date_start = fields.Date(string="Starts", required=True, index=True)
    months = fields.Integer(required=True)
    currency_id = fields.Many2one(related="deal_id.currency_id")
    amount = fields.Monetary(string="Booking", help="This contract year's share of the amount.")
    company_currency_id = fields.Many2one(
        related="deal_id.company_id.currency_id", string="Company currency"
    )
    amount_company = fields.Monetary(
        string="Booking (company currency)",
        currency_field="company_currency_id",
        help="This year's share of the deal's amount in the company currency.",
    )

    _sql_constraints = [
        ("deal_year_unique", "unique(deal_id, year)", "A contract year is booked once."),
    ]

    @api.depends("deal_id", "year")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._(
                "%(deal)s, year %(year)s",
                deal=line.deal_id.display_name or "",
                year=line.year,
            )
