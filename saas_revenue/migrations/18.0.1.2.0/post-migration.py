# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.2.0: months reduced in place by a credit note before 18.0.1.1.0
get back the amount their invoice planned and a dated credit adjustment
line (``saas.revenue.schedule._repair_credits_in_place``), so the tie-out
and the report at a date before such a credit note are exact."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["saas.revenue.schedule"]._repair_credits_in_place()
