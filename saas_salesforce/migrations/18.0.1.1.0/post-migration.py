# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: bookings per contract year. The deals booked before are
one-year contracts (their term was not read): each gets its one contract
year, so the bookings report keeps counting them."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["saas.booked.deal"].with_context(active_test=False).search([])._sync_booking_years()
