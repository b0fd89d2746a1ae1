# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaasSystem(models.Model):
    """The domains this addon owns: which system is the system of record for
    customers, subscriptions and payments (``saas.system.owns(domain)``)."""

    _inherit = "saas.system"

    owns_customers = fields.Boolean(
        help="This system is the system of record for customers: its customer "
        "events may overwrite partner fields."
    )
    owns_subscriptions = fields.Boolean(
        default=True,
        help="This system is the system of record for subscriptions: its subscription "
        "events are applied. Untick it for a system whose subscription events are only "
        "informative (they are then ignored with the reason).",
    )
    owns_payments = fields.Boolean(
        default=True,
        help="This system is the system of record for payments: its payment, failed "
        "payment and refund events are applied (otherwise ignored with the reason).",
    )
