# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The canonical API's documentation, tried as a new user would: its setup steps,
then its first example exactly as written, ends done."""

import re
from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, tagged

SAAS_SYNC = Path(get_module_path("saas_sync"))


def documented_setup(text):
    """The python block of the "Before the first request" section."""
    section = text.split("### Before the first request", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def first_example(text):
    """The body of the first ``curl`` example (its here-document)."""
    return re.search(r"<<'JSON'\n(.*?)\n\s*JSON\n", text, re.DOTALL).group(1)


@tagged("post_install", "-at_install")
class TestDocumentedApi(HttpCase):
    def test_first_documented_example_ends_done(self):
        usage = (SAAS_SYNC / "readme" / "USAGE.md").read_text()
        readme = (SAAS_SYNC / "README.rst").read_text()
        setup, example = documented_setup(usage), first_example(usage)
        # README.rst says the same as the readme fragment.
        for line in [*setup.splitlines(), *example.splitlines()]:
            self.assertIn(line, readme)

        printed = []
        exec(setup, {"env": self.env, "print": printed.append})  # pylint: disable=exec-used
        api_key = printed[0]
        response = self.url_open(
            "/saas/api/v1/events",
            data=example.encode(),
            headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 202, response.text)
        event = self.env["saas.event"].browse(response.json()["events"][0]["id"])
        self.assertEqual((event.external_id, event.entity), ("evt_0001", "US"))

        self.env["saas.event"].process_pending(system_ids=event.system_id.ids)
        self.assertEqual(event.state, "done", event.last_error)
        partner = self.env["saas.binding"].find_record(event.system_id, "res.partner", "cus_1001")
        # The README says it creates the customer: on the demo database too (its
        # e-mail is no demo customer's), and the event's Records tab shows it.
        self.assertEqual((partner.name, partner.email), ("Hooli Robotics", "billing@hooli.example"))
        records = self.env["saas.event.record"].search([("event_id", "=", event.id)])
        self.assertEqual(
            [(r.res_model, r.res_id, r.operation) for r in records if r.res_model == "res.partner"],
            [("res.partner", partner.id, "create")],
        )
