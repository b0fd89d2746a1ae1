# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import EVENT_STATES


class SaasEventReplay(models.TransientModel):
    """Replay a filtered set of events: the selected ones, or every event of a
    date window matching a system, type and state."""

    _name = "saas.event.replay"
    _description = "Replay integration events"

    mode = fields.Selection(
        [("selection", "Selected events"), ("window", "Date window")],
        required=True,
        default="window",
    )
    event_ids = fields.Many2many("saas.event", string="Events")
    system_id = fields.Many2one("saas.system")
    event_type = fields.Char(string="Type", help="Exact event type, e.g. invoice.issued.")
    state = fields.Selection(EVENT_STATES, default="dead")
    date_from = fields.Datetime(string="Received from")
    date_to = fields.Datetime(string="Received until")
    match_count = fields.Integer(compute="_compute_match_count", string="Matching events")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "saas.event" and self.env.context.get(
            "active_ids"
        ):
            values.update(mode="selection", event_ids=[(6, 0, self.env.context["active_ids"])])
        return values

    def _domain(self):
        self.ensure_one()
        if self.mode == "selection":
            return [("id", "in", self.event_ids.ids)]
        domain = [("state", "!=", "processing")]
        if self.system_id:
            domain.append(("system_id", "=", self.system_id.id))
        if self.event_type:
            domain.append(("event_type", "=", self.event_type))
        if self.state:
            domain.append(("state", "=", self.state))
        if self.date_from:
            domain.append(("received_at", ">=", self.date_from))
        if self.date_to:
            domain.append(("received_at", "<=", self.date_to))
        return domain

    @api.depends("mode", "event_ids", "system_id", "event_type", "state", "date_from", "date_to")
    def _compute_match_count(self):
        for wizard in self:
            wizard.match_count = self.env["saas.event"].search_count(wizard._domain())

    def action_replay(self):
        self.ensure_one()
        if (
            self.mode == "window"
            and self.date_from
            and self.date_to
            and self.date_from > self.date_to
        ):
            raise UserError(self.env._("The window ends before it starts."))
        events = self.env["saas.event"].search(self._domain())
        if not events:
            raise UserError(self.env._("No event matches: nothing to replay."))
        events.action_replay()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%s events queued for replay.", len(events)),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
