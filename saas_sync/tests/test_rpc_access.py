# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What each role may trigger over JSON-RPC among the core's public methods
(the view buttons' ``groups=`` protect nothing against ``call_kw``)."""

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import RpcAccessCase, RpcRow, SaasSyncCommon, canonical_event


@tagged("post_install", "-at_install")
class TestSyncRpcAccess(SaasSyncCommon, RpcAccessCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_roles("rpc_sync", other=("reviewer", "admin"))
        [(cls.event, _created)] = cls.env["saas.event"]._receive_canonical(
            cls.system, canonical_event("evt_rpc_access")
        )
        cls.key = cls.env["saas.api.key"].search([("system_id", "=", cls.system.id)], limit=1)
        Mapping = cls.env["saas.mapping"]
        currency = cls.env.ref("base.EUR")
        common = {"system_id": cls.system.id, "kind": "currency", "external_key": "XRPC"}
        cls.draft = Mapping.create({**common, "target_ref": f"res.currency,{currency.id}"})
        cls.approved = Mapping.create(
            {
                **common,
                "external_key": "XRPC2",
                "target_ref": f"res.currency,{currency.id}",
                "state": "approved",
            }
        )
        cls.system.webhook_secret = "whsec_rpc"

    def test_every_public_action_checks_its_role(self):
        """Base users, support and reviewers are refused what administrators
        do; reviewers and administrators of another company are refused that
        company's records (the actions write with sudo)."""
        none = lambda t: []  # noqa: E731
        low = (self.user, self.support, self.reviewer)
        no_reviewer = (self.user, self.support, self.reviewer_b)
        support_actions = (
            ("saas.event", "action_replay", lambda t: [t.event.ids]),
            ("saas.event.ignore", "create", lambda t: [{"reason": "rpc"}]),
            ("saas.event.replay", "create", lambda t: [{"mode": "window"}]),
            ("saas.monitor", "get_dashboard_data", none),
        )
        reviewer_actions = (
            ("action_approve", lambda t: [t.draft.ids]),
            ("action_archive_mapping", lambda t: [t.approved.ids]),
            ("action_new_version", lambda t: [t.approved.ids]),
        )
        self.assertRpcTable(
            [
                RpcRow("saas.event", "process_pending", none, low, self.admin),
                *(
                    RpcRow(model, method, args, (self.user,), self.support)
                    for model, method, args in support_actions
                ),
                *(
                    RpcRow("saas.mapping", method, args, no_reviewer, self.reviewer)
                    for method, args in reviewer_actions
                ),
                *self.admin_rows(
                    "saas.system", ["generate_api_key"], lambda t: [t.system.ids, "rpc"]
                ),
                *self.admin_rows(
                    "saas.system",
                    ["action_generate_api_key", "action_forget_previous_secret"],
                    lambda t: [t.system.ids],
                ),
                *self.admin_rows("saas.api.key", ["action_revoke"], lambda t: [t.key.ids]),
            ]
        )

    def test_the_allowed_role_gets_the_result(self):
        """Past the check the action does its work (here, once, for real)."""
        key = self.rpc(self.admin, "saas.system", "generate_api_key", self.system.ids, "rpc")
        self.assertTrue(key.startswith("saas_"))
        with self.assertRaisesRegex(UserError, "Only a draft mapping"):
            self.rpc(self.reviewer, "saas.mapping", "action_approve", self.approved.ids)
