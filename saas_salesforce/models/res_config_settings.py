# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .saas_booked_deal import DEFAULT_LEAKAGE_DAYS, LEAKAGE_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    saas_salesforce_leakage_days = fields.Integer(
        string="Revenue leakage after (days)",
        config_parameter=LEAKAGE_PARAM,
        default=DEFAULT_LEAKAGE_DAYS,
        help="A closed-won deal still without an active subscription this many days after "
        "its close date appears in the revenue leakage report.",
    )
