# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What each role may trigger over JSON-RPC among this addon's public methods:
everything that calls Chargebee is for administrators of the system's company."""

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.saas_sync.tests.common import RpcAccessCase, RpcRow

NO_KEY = (UserError, "Enter the Chargebee site and API key")


@tagged("post_install", "-at_install")
class TestChargebeeRpcAccess(RpcAccessCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system = cls.env["saas.system"].create(
            {"name": "Chargebee RPC", "code": "chargebee-rpc", "kind": "chargebee"}
        )
        cls.make_roles("rpc_cb", other=("admin",))
        Backfill = cls.env["saas.chargebee.backfill"]
        cls.backfill = Backfill.with_user(cls.admin).create({"system_id": cls.system.id})

    def test_chargebee_actions_are_for_the_system_administrators(self):
        system_actions = ("action_chargebee_test_connection", "action_chargebee_drift_check")
        self.assertRpcTable(
            [
                *self.admin_rows("saas.system", system_actions, lambda t: [t.system.ids], NO_KEY),
                RpcRow(
                    "saas.chargebee.backfill",
                    "action_backfill",
                    lambda t: [t.backfill.ids],
                    (self.user, self.support, self.reviewer),
                    self.admin,
                    NO_KEY,
                ),
                # Another company's administrator cannot even point a wizard at it.
                *self.admin_rows(
                    "saas.chargebee.backfill", ["create"], lambda t: [{"system_id": t.system.id}]
                ),
            ]
        )
