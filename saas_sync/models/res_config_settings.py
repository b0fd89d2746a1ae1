# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..const import DEFAULTS, ENVIRONMENTS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    saas_environment = fields.Selection(
        ENVIRONMENTS,
        string="Database environment",
        default=DEFAULTS["environment"],
        config_parameter="saas_sync.environment",
        help="Systems of the other environment are refused (HTTP 409) and never processed.",
    )
    saas_batch_size = fields.Integer(
        string="Batch size", default=DEFAULTS["batch_size"], config_parameter="saas_sync.batch_size"
    )
    saas_backoff_base = fields.Integer(
        string="Retry base delay (s)",
        default=DEFAULTS["backoff_base"],
        config_parameter="saas_sync.backoff_base",
    )
    saas_backoff_factor = fields.Float(
        string="Retry factor",
        default=DEFAULTS["backoff_factor"],
        config_parameter="saas_sync.backoff_factor",
    )
    saas_backoff_cap = fields.Integer(
        string="Retry delay cap (s)",
        default=DEFAULTS["backoff_cap"],
        config_parameter="saas_sync.backoff_cap",
    )
    saas_max_attempts = fields.Integer(
        string="Attempts before dead letter",
        default=DEFAULTS["max_attempts"],
        config_parameter="saas_sync.max_attempts",
    )
    saas_max_body_bytes = fields.Integer(
        string="Request size limit (bytes)",
        default=DEFAULTS["max_body_bytes"],
        config_parameter="saas_sync.max_body_bytes",
    )
    saas_max_events_per_request = fields.Integer(
        string="Events per request",
        default=DEFAULTS["max_events_per_request"],
        config_parameter="saas_sync.max_events_per_request",
    )
    saas_retention_days = fields.Integer(
        string="Raw payload retention (days)",
        default=DEFAULTS["retention_days"],
        config_parameter="saas_sync.retention_days",
    )
    saas_alert_dead_threshold = fields.Integer(
        string="Alert: dead events",
        default=DEFAULTS["alert_dead_threshold"],
        config_parameter="saas_sync.alert_dead_threshold",
    )
    saas_alert_oldest_pending_minutes = fields.Integer(
        string="Alert: oldest pending (minutes)",
        default=DEFAULTS["alert_oldest_pending_minutes"],
        config_parameter="saas_sync.alert_oldest_pending_minutes",
    )
