# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta, timezone

from odoo import api, fields, models

from odoo.addons.base.models.ir_cron import _intervalTypes

from ..const import ADMIN_GROUP, EVENT_STATES, LANES
from ..lib.stats import prometheus_text
from ..tools import get_setting

LATENCY_WINDOW_HOURS = 24
# A lane is stalled when an event has been due for longer than this many of
# its crons' interval and no worker of the lane ran meanwhile.
STALL_INTERVALS = 2
MIN_STALL_SECONDS = 120


def _unix(moment):
    """A Datetime string as Unix seconds (0 when empty)."""
    if not moment:
        return 0
    return int(fields.Datetime.to_datetime(moment).replace(tzinfo=timezone.utc).timestamp())


class SaasMonitor(models.AbstractModel):
    """Queue health: the numbers behind the dashboard, the health endpoint,
    the Prometheus endpoint and the alerts."""

    _name = "saas.monitor"
    _description = "SaaS Integration Monitoring"

    @api.model
    def _company_ids(self):
        return self.env.companies.ids

    @api.private
    @api.model
    def queue_stats(self, company_ids=None):
        """Depth by state and lane, oldest pending age, dead count, latency p50/p95."""
        company_ids = company_ids or self._company_ids()
        self.env["saas.event"].flush_model()
        cr = self.env.cr
        cr.execute(
            """SELECT state, lane, count(*) FROM saas_event
                WHERE company_id = ANY(%s) GROUP BY state, lane""",
            (list(company_ids),),
        )
        depth = {state: {lane: 0 for lane, _label in LANES} for state, _label in EVENT_STATES}
        for state, lane, count in cr.fetchall():
            depth[state][lane] = count
        cr.execute(
            """SELECT lane, EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - MIN(create_date))
                 FROM saas_event
                WHERE company_id = ANY(%s) AND state IN ('received', 'retry', 'processing')
                GROUP BY lane""",
            (list(company_ids),),
        )
        oldest_by_lane = {lane: round(float(age or 0), 3) for lane, age in cr.fetchall()}
        cr.execute(
            """SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms),
                      percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms),
                      count(*)
                 FROM saas_event
                WHERE company_id = ANY(%s) AND state = 'done' AND latency_ms IS NOT NULL
                  AND processed_at >= %s""",
            (list(company_ids), fields.Datetime.now() - timedelta(hours=LATENCY_WINDOW_HOURS)),
        )
        p50, p95, sample = cr.fetchone()
        return {
            "depth": depth,
            "pending": sum(
                depth[s][lane]
                for s in ("received", "retry", "processing")
                for lane, _label in LANES
            ),
            "dead": sum(depth["dead"].values()),
            "needs_mapping": sum(depth["needs_mapping"].values()),
            "oldest_pending_seconds": max(oldest_by_lane.values(), default=0),
            "oldest_pending_seconds_by_lane": oldest_by_lane,
            "latency_ms": {
                "p50": p50,
                "p95": p95,
                "sample": sample,
                "window_hours": LATENCY_WINDOW_HOURS,
            },
            **self._lane_heartbeats(company_ids),
        }

    @api.model
    def _lane_heartbeats(self, company_ids):
        """Per lane: its last run (the later of its crons' last completed run
        and the last claim of one of its events), the time its crons' interval
        allows, how long its oldest due event waits, and whether it is
        stalled: an event due for longer than allowed and no run meanwhile
        (Odoo's cron threads stopped, the lane's crons archived)."""
        now = fields.Datetime.now()
        crons = self.env["ir.cron"].sudo().search([("code", "like", "model._cron_process_lane(")])
        cr = self.env.cr
        cr.execute(
            """SELECT lane, MAX(claimed_at) FROM saas_event
                WHERE company_id = ANY(%s) AND claimed_at IS NOT NULL GROUP BY lane""",
            (list(company_ids),),
        )
        claimed = dict(cr.fetchall())
        cr.execute(
            """SELECT lane, EXTRACT(EPOCH FROM %s - MIN(COALESCE(next_attempt_at, create_date)))
                 FROM saas_event
                WHERE company_id = ANY(%s) AND state IN ('received', 'retry')
                  AND (next_attempt_at IS NULL OR next_attempt_at <= %s)
                GROUP BY lane""",
            (now, list(company_ids), now),
        )
        overdue = {lane: float(age or 0) for lane, age in cr.fetchall()}
        lanes = {}
        for lane, _label in LANES:
            workers = crons.filtered(lambda c, lane=lane: f"'{lane}'" in c.code)
            intervals = [
                ((now + _intervalTypes[c.interval_type](c.interval_number)) - now).total_seconds()
                for c in workers
            ]
            allowed = max(MIN_STALL_SECONDS, STALL_INTERVALS * min(intervals, default=0))
            runs = [run for run in (*workers.mapped("lastcall"), claimed.get(lane)) if run]
            last_run = max(runs) if runs else None
            waiting = overdue.get(lane, 0.0)
            lanes[lane] = {
                "last_run": fields.Datetime.to_string(last_run) if last_run else None,
                "seconds_since_last_run": (
                    round((now - last_run).total_seconds(), 3) if last_run else None
                ),
                "allowed_seconds": allowed,
                "oldest_due_seconds": round(waiting, 3),
                "stalled": waiting > allowed
                and (last_run is None or (now - last_run).total_seconds() > allowed),
            }
        stalled = any(lane["stalled"] for lane in lanes.values())
        return {"status": "stalled" if stalled else "ok", "lanes": lanes}

    @api.private
    @api.model
    def events_per_hour(self, hours=24, company_ids=None):
        """Events received in each of the last ``hours`` hours (UTC, the current
        hour last), hours without events included with a count of 0."""
        company_ids = company_ids or self._company_ids()
        start = fields.Datetime.now().replace(minute=0, second=0, microsecond=0) - timedelta(
            hours=hours - 1
        )
        self.env["saas.event"].flush_model(["received_at", "company_id"])
        self.env.cr.execute(
            """SELECT date_trunc('hour', received_at) AS hour, count(*)
                 FROM saas_event WHERE company_id = ANY(%s) AND received_at >= %s
             GROUP BY hour""",
            (list(company_ids), start),
        )
        counts = dict(self.env.cr.fetchall())
        return [
            {
                "hour": fields.Datetime.to_string(start + timedelta(hours=index)),
                "count": counts.get(start + timedelta(hours=index), 0),
            }
            for index in range(hours)
        ]

    @api.model
    def get_dashboard_data(self):
        """What the dashboard client action shows (current user's companies)."""
        self.env["saas.event"].check_access("read")
        stats = self.queue_stats()
        return {
            "stats": stats,
            "states": EVENT_STATES,
            "lanes": LANES,
            "events_per_hour": self.events_per_hour(),
            "systems": self.env["saas.system"].search_read(
                [("active", "=", True)],
                ["name", "code", "kind", "environment", "environment_mismatch"],
                limit=50,
            ),
        }

    @api.private
    @api.model
    def prometheus_metrics(self, company_ids):
        stats = self.queue_stats(company_ids)
        depth_samples = [
            ({"state": state, "lane": lane}, count)
            for state, lanes in stats["depth"].items()
            for lane, count in lanes.items()
        ]
        latency = stats["latency_ms"]
        return prometheus_text(
            [
                ("saas_events", "Events in the inbox by state and lane.", "gauge", depth_samples),
                ("saas_events_dead", "Events in the dead letter.", "gauge", [({}, stats["dead"])]),
                (
                    "saas_events_oldest_pending_seconds",
                    "Age of the oldest event waiting to be processed.",
                    "gauge",
                    [
                        ({"lane": lane}, stats["oldest_pending_seconds_by_lane"].get(lane, 0))
                        for lane, _label in LANES
                    ],
                ),
                (
                    "saas_lane_last_run_timestamp_seconds",
                    "When a worker of the lane last ran (Unix time; 0: never).",
                    "gauge",
                    [
                        ({"lane": lane}, _unix(info["last_run"]))
                        for lane, info in stats["lanes"].items()
                    ],
                ),
                (
                    "saas_lane_stalled",
                    "1 when events are due for longer than the lane's cron interval allows "
                    "and no worker of the lane ran meanwhile.",
                    "gauge",
                    [
                        ({"lane": lane}, int(info["stalled"]))
                        for lane, info in stats["lanes"].items()
                    ],
                ),
                (
                    "saas_event_latency_milliseconds",
                    f"Receipt-to-done latency over the last {LATENCY_WINDOW_HOURS} hours.",
                    "gauge",
                    [({"quantile": "0.5"}, latency["p50"]), ({"quantile": "0.95"}, latency["p95"])],
                ),
            ]
        )

    # ----------------------------------------------------------------- alerts
    @api.model
    def _cron_check_alerts(self):
        """Notify administrators once per incident (activity and message)."""
        dead_threshold = get_setting(self.env, "alert_dead_threshold")
        lag_minutes = get_setting(self.env, "alert_oldest_pending_minutes")
        Event = self.env["saas.event"].sudo()
        dead_counts = dict(Event._read_group([("state", "=", "dead")], ["system_id"], ["__count"]))
        systems = self.env["saas.system"].sudo().search([("active", "=", True)])
        for system in systems:
            dead = dead_counts.get(system, 0)
            self._toggle_incident(
                system,
                "alert_dead_open",
                self.env._("SaaS alert: dead letters"),
                dead_threshold > 0 and dead >= dead_threshold,
                self.env._(
                    "%(count)s events of %(system)s are in the dead letter (threshold "
                    "%(threshold)s). Open Exceptions, fix the cause and replay them.",
                    count=dead,
                    system=system.name,
                    threshold=dead_threshold,
                ),
                self.env._("The dead letter of %s is back under its threshold.", system.name),
            )
            stalled = [
                lane
                for lane, info in self._lane_heartbeats([system.company_id.id])["lanes"].items()
                if info["stalled"]
            ]
            self._toggle_incident(
                system,
                "alert_stalled_open",
                self.env._("SaaS alert: processing stalled"),
                bool(stalled),
                self.env._(
                    "Events of %(system)s are due and the %(lanes)s lane has not run for longer "
                    "than its crons' interval allows: check that Odoo's cron workers run "
                    "(a restart of PostgreSQL can stop them until Odoo restarts).",
                    system=system.name,
                    lanes=", ".join(stalled),
                ),
                self.env._("The lanes of %s run again.", system.name),
            )
            oldest = self._oldest_pending_minutes(system)
            self._toggle_incident(
                system,
                "alert_lag_open",
                self.env._("SaaS alert: processing lag"),
                lag_minutes > 0 and oldest >= lag_minutes,
                self.env._(
                    "The oldest pending event of %(system)s waits for %(minutes)s minutes "
                    "(threshold %(threshold)s): check that the lane crons run.",
                    system=system.name,
                    minutes=int(oldest),
                    threshold=lag_minutes,
                ),
                self.env._("Pending events of %s are processed in time again.", system.name),
            )

    @api.model
    def _oldest_pending_minutes(self, system):
        self.env["saas.event"].flush_model()
        self.env.cr.execute(
            # Overdue: due for a worker and not taken. An event waiting for its
            # backoff delay is not late.
            """SELECT EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC')
                          - MIN(COALESCE(next_attempt_at, create_date))) / 60
                 FROM saas_event WHERE system_id = %s
                  AND state IN ('received', 'retry', 'processing')
                  AND (next_attempt_at IS NULL
                       OR next_attempt_at <= (now() AT TIME ZONE 'UTC'))""",
            (system.id,),
        )
        return float(self.env.cr.fetchone()[0] or 0)

    @api.model
    def _toggle_incident(self, system, flag, summary, firing, open_message, close_message):
        if firing and not system[flag]:
            system[flag] = True
            system.message_post(body=open_message, subtype_xmlid="mail.mt_note")
            admins = self.env.ref(ADMIN_GROUP).users.filtered(lambda u: not u.share)
            for user in admins:
                system.activity_schedule(
                    "saas_sync.mail_activity_saas_alert",
                    summary=summary,
                    note=open_message,
                    user_id=user.id,
                )
        elif not firing and system[flag]:
            system[flag] = False
            system.message_post(body=close_message, subtype_xmlid="mail.mt_note")
            system.activity_ids.filtered(lambda a: a.summary == summary).action_feedback(
                feedback=close_message
            )
