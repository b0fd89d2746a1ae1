# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools.misc import format_datetime

from ..const import ERROR_CLASSES, EVENT_STATES


class SaasEventAttempt(models.Model):
    """One processing attempt: appended by the engine, never changed."""

    _name = "saas.event.attempt"
    _inherit = ["saas.audit.chained", "saas.ledger.row"]
    _description = "Processing attempt of an integration event"
    _saas_audit_fields = (
        "event_id",
        "started_at",
        "duration_ms",
        "outcome",
        "error_class",
        "error",
        "records_touched",
        "notes",
    )
    _order = "started_at desc, id desc"

    event_id = fields.Many2one("saas.event", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="event_id.company_id", store=True, precompute=True)
    started_at = fields.Datetime(required=True)
    duration_ms = fields.Integer(string="Duration (ms)")
    outcome = fields.Selection(EVENT_STATES, required=True)
    error_class = fields.Selection(ERROR_CLASSES)
    error = fields.Text()
    records_touched = fields.Integer()
    notes = fields.Text(help="What the handler chose not to apply, and why.")

    @api.depends("event_id", "started_at")
    def _compute_display_name(self):
        for attempt in self:
            attempt.display_name = self.env._(
                "%(event)s, attempt of %(when)s",
                event=attempt.event_id.display_name or "",
                when=format_datetime(self.env, attempt.started_at),
            )
