# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What each role may trigger over JSON-RPC among this addon's public methods.
The others (``action_view_*``) only open records the user already reads."""

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.saas_sync.tests.common import RpcAccessCase, RpcRow


@tagged("post_install", "-at_install")
class TestSubscriptionRpcAccess(RpcAccessCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_roles("rpc_sub")
        # A transient record is its creator's: the administrator opens the wizard.
        cls.dedup = cls.env["saas.partner.dedup"].with_user(cls.admin).create({})

    def test_merging_partners_is_for_administrators(self):
        self.assertRpcTable(
            [
                RpcRow(
                    "saas.partner.dedup",
                    "action_merge",
                    lambda t: [t.dedup.ids],
                    refused=(self.user, self.support, self.reviewer),
                    allowed=self.admin,
                    expect=(UserError, "Select the groups to merge"),
                ),
                RpcRow(
                    "saas.partner.dedup",
                    "create",
                    lambda t: [{}],
                    refused=(self.user, self.support, self.reviewer),
                    allowed=self.admin,
                ),
            ]
        )
