# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from itertools import pairwise

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import SaasSyncCommon, canonical_event, scripted_handler


@tagged("post_install", "-at_install")
class TestMonitoring(SaasSyncCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Monitoring counts per company: give the tests a company of their own.
        cls.company = cls.env["res.company"].create({"name": "Monitoring Co"})
        cls.system.company_id = cls.company

    def _fill(self):
        for name in ("m_done", "m_dead", "m_retry", "m_received"):
            self.store(canonical_event(name))
        with scripted_handler(self.registry) as handler:
            handler.script.update(m_dead=["validation"], m_retry=["transient"])
            self.env["saas.event"].process_pending(system_ids=self.system.ids, limit=3)

    def _get(self, url, key=None):
        return self.url_open(url, headers={"Authorization": f"Bearer {key or self.api_key}"})

    def test_health_reports_states(self):
        self._fill()
        response = self._get("/saas/api/v1/health")
        self.assertEqual(response.status_code, 200, response.text)
        health = response.json()
        depth = health["depth"]
        self.assertEqual(depth["done"]["operational"], 1)
        self.assertEqual(depth["dead"]["operational"], 1)
        self.assertEqual(depth["retry"]["operational"], 1)
        self.assertEqual(depth["received"]["operational"], 1)
        self.assertEqual(depth["done"]["financial"], 0)
        self.assertEqual(health["dead"], 1)
        self.assertEqual(health["pending"], 2)
        self.assertGreaterEqual(health["oldest_pending_seconds"], 0)
        self.assertEqual(health["latency_ms"]["sample"], 1)
        self.assertIsNotNone(health["latency_ms"]["p50"])
        self.assertEqual(health["environment"], "sandbox")
        self.assertEqual(self._get("/saas/api/v1/health", key="saas_x_y").status_code, 401)

    def test_prometheus_reports_states(self):
        self._fill()
        response = self._get("/saas/metrics")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))
        lines = response.text.splitlines()
        self.assertIn('saas_events{lane="operational",state="dead"} 1', lines)
        self.assertIn('saas_events{lane="operational",state="done"} 1', lines)
        self.assertIn('saas_events{lane="operational",state="retry"} 1', lines)
        self.assertIn("saas_events_dead 1", lines)
        self.assertIn("# TYPE saas_events gauge", lines)
        self.assertTrue(
            any(
                line.startswith('saas_event_latency_milliseconds{quantile="0.95"}')
                for line in lines
            )
        )
        self.assertEqual(self.url_open("/saas/metrics").status_code, 401)

    def test_dashboard_data(self):
        self._fill()
        data = self.env["saas.monitor"].with_company(self.company).get_dashboard_data()
        self.assertEqual(data["stats"]["dead"], 1)
        self.assertTrue(data["events_per_hour"])

    def test_events_per_hour_shows_every_hour_with_zeros(self):
        self._fill()
        old = self.store(canonical_event("m_five_hours_ago"))
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE saas_event SET received_at = received_at - INTERVAL '5 hours' WHERE id = %s",
            (old.id,),
        )
        rows = self.env["saas.monitor"].events_per_hour(company_ids=self.company.ids)
        self.assertEqual(len(rows), 24)
        hours = [fields.Datetime.from_string(row["hour"]) for row in rows]
        self.assertEqual(hours[-1], fields.Datetime.now().replace(minute=0, second=0))
        self.assertEqual([b - a for a, b in pairwise(hours)], [timedelta(hours=1)] * 23)
        counts = [row["count"] for row in rows]
        old.invalidate_recordset(["received_at"])
        received = old.received_at.replace(minute=0, second=0, microsecond=0)
        self.assertEqual(counts[hours.index(received)], 1)
        self.assertEqual(counts[hours.index(received + timedelta(hours=5))], 4)
        self.assertEqual(sum(counts), 5)
        self.assertEqual(counts.count(0), 22)

    def test_a_lane_that_stopped_running_is_stalled_once(self):
        """After a PostgreSQL restart Odoo's cron threads may stop: the health
        showed only a growing age. Due events and no lane run for longer than
        the crons' interval allows: stalled, in health, metrics and one alert."""
        monitor = self.env["saas.monitor"]
        event = self.store(canonical_event("m_stalled"))
        health = self._get("/saas/api/v1/health").json()
        self.assertEqual(health["status"], "ok", "just received: not late")
        self.env.cr.execute(
            "UPDATE saas_event SET create_date = create_date - interval '10 minutes' WHERE id = %s",
            [event.id],
        )
        lanes = self.env["ir.cron"].sudo().search([("code", "like", "_cron_process_lane(")])
        lanes.write({"lastcall": fields.Datetime.now() - timedelta(minutes=30)})
        self.env.invalidate_all()
        health = self._get("/saas/api/v1/health").json()
        self.assertEqual(health["status"], "stalled")
        operational = health["lanes"]["operational"]
        self.assertTrue(operational["stalled"])
        self.assertEqual(operational["allowed_seconds"], 120)  # 2 x the 1-minute interval
        self.assertGreater(operational["oldest_due_seconds"], 590)
        self.assertFalse(health["lanes"]["financial"]["stalled"])
        metrics = self._get("/saas/metrics").text
        self.assertIn('saas_lane_stalled{lane="operational"} 1', metrics)
        self.assertIn('saas_lane_stalled{lane="financial"} 0', metrics)
        self.assertIn('saas_lane_last_run_timestamp_seconds{lane="operational"}', metrics)

        def alerts():
            return self.system.activity_ids.filtered(
                lambda a: a.summary == "SaaS alert: processing stalled"
            )

        monitor._cron_check_alerts()
        monitor._cron_check_alerts()
        self.assertTrue(self.system.alert_stalled_open)
        self.assertEqual(len(alerts()), len(self.env.ref("saas_sync.group_saas_admin").users))
        # The lane runs again: the event is done, the incident closes.
        with scripted_handler(self.registry):
            self.env["saas.event"].process_pending(system_ids=self.system.ids)
        self.assertEqual(event.state, "done")
        monitor._cron_check_alerts()
        self.assertFalse(self.system.alert_stalled_open)
        self.assertFalse(alerts())
        self.assertEqual(self._get("/saas/api/v1/health").json()["status"], "ok")

    def test_alert_notifies_once_per_incident(self):
        self._fill()
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.alert_dead_threshold", "1")
        monitor = self.env["saas.monitor"]
        activity_type = self.env.ref("saas_sync.mail_activity_saas_alert")

        def activities():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "saas.system"),
                    ("res_id", "=", self.system.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )

        monitor._cron_check_alerts()
        self.assertTrue(self.system.alert_dead_open)
        first = activities()
        self.assertTrue(first)
        monitor._cron_check_alerts()
        self.assertEqual(activities(), first, "a second run must not notify again")
        dead = self.env["saas.event"].search(
            [("system_id", "=", self.system.id), ("state", "=", "dead")]
        )
        dead._mark_ignored("handled")
        monitor._cron_check_alerts()
        self.assertFalse(self.system.alert_dead_open)
        self.assertFalse(activities(), "the incident's activities are closed with it")
