# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What every adapter's backfill wizard shares: the system and the date to
pull from, the run (pull, then process what it stored through the usual
handlers), and the report of what the events became.

An adapter's wizard (``saas.stripe.backfill``, ``saas.chargebee.backfill``)
inherits ``saas.backfill.mixin``, narrows ``system_id`` to its kind, adds
one Integer field per pulled resource and implements ``_backfill_pull``.
"""

from datetime import datetime, timedelta, timezone
from datetime import time as day_time

from odoo import api, fields, models

UTC = timezone.utc  # datetime.UTC is Python 3.11+; the suite runs on 3.10

MAX_ROUNDS = 20


class SaasBackfillMixin(models.AbstractModel):
    _name = "saas.backfill.mixin"
    _description = "Pull of a platform's objects since a date"

    # The platform's name in the message posted on the system.
    _backfill_platform = None

    system_id = fields.Many2one("saas.system", required=True, ondelete="cascade")
    since = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self) - timedelta(days=30)
    )
    state = fields.Selection([("draft", "To run"), ("done", "Done")], default="draft")
    events_done = fields.Integer(readonly=True, string="Applied")
    events_ignored = fields.Integer(readonly=True, string="Already known")
    events_failed = fields.Integer(readonly=True, string="Not applied")
    report = fields.Text(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "saas.system":
            values.setdefault("system_id", self.env.context.get("active_id"))
        return values

    def action_backfill(self):
        self.ensure_one()
        system = self.system_id
        system._check_admin()
        since = int(datetime.combine(self.since, day_time.min, tzinfo=UTC).timestamp())
        counts, events, stopped = self._backfill_pull(system, since)
        for _round in range(MAX_ROUNDS):
            if not self.env["saas.event"].sudo().process_pending(system_ids=system.ids, limit=500):
                break
        self._write_report(counts, events, stopped)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "new",
        }

    def _backfill_pull(self, system, since):
        """Store a synthetic event for each object the platform holds since
        ``since`` (a Unix timestamp); return ``(counts, events, stopped)``:
        the number of objects by count field, the stored ``saas.event``
        records, and why the pull stopped early (a text) or None. A pull that
        cannot start raises a UserError saying what to fix."""
        raise NotImplementedError(f"{self._name} does not pull anything")

    def _write_report(self, counts, events, stopped=None):
        states = events.mapped("state")
        values = dict(
            counts,
            state="done",
            events_done=states.count("done"),
            events_ignored=states.count("ignored"),
            events_failed=len(states) - states.count("done") - states.count("ignored"),
        )
        lines = [f"{field}: {count}" for field, count in counts.items()]
        if stopped:
            lines.append(stopped)
        for event in events.filtered(lambda e: e.state not in ("done", "ignored")):
            lines.append(f"{event.external_id}: {event.state} - {event.last_error or ''}")
        values["report"] = "\n".join(lines)
        self.write(values)
        self.system_id.message_post(
            body=self.env._(
                "%(platform)s backfill since %(since)s: %(done)s applied, %(known)s already "
                "known, %(failed)s not applied.",
                platform=self._backfill_platform,
                since=self.since,
                done=values["events_done"],
                known=values["events_ignored"],
                failed=values["events_failed"],
            )
        )
