# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: failed payments are kept (``saas.payment.failure``) and their
collection to-dos close once the invoice is settled. The failures recorded
before get their record from the chatter message bound to the payment's id,
and those whose invoice is settled already are closed with their to-do."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["saas.payment.failure"]._backfill()
