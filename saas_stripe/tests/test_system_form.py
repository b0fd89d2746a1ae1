# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestStripeSystemForm(TransactionCase):
    """Issue 19: the secret key field of a sandbox system suggested sk_live_."""

    def _shown_key_fields(self, environment):
        """The secret key fields the system form shows for ``environment``."""
        arch = self.env["saas.system"].get_views([(False, "form")])["views"]["form"]["arch"]
        shown = []
        for node in etree.fromstring(arch).iterfind(".//field[@name='stripe_api_key']"):
            hidden = node.get("invisible")
            values = {"environment": environment, "kind": "stripe"}
            if not (hidden and safe_eval(hidden, values)):
                shown.append(node)
        return shown

    def test_the_key_placeholder_follows_the_environment(self):
        for environment, prefix, other in (
            ("sandbox", "sk_test_", "live"),
            ("production", "sk_live_", "test"),
        ):
            with self.subTest(environment=environment):
                shown = self._shown_key_fields(environment)
                self.assertEqual(len(shown), 1)
                self.assertTrue(shown[0].get("placeholder").startswith(prefix))
                self.assertNotIn(f"_{other}_", shown[0].get("placeholder"))
                self.assertNotIn(f"_{other}_", shown[0].get("help"))
