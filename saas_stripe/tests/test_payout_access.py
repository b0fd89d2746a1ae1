# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may reconcile payouts over JSON-RPC: the buttons check the administrator
group; the reconciliation engine on the payout models is private."""

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

PASSWORD = "Payout-access-2026"


class PayoutAccessSetup:
    """A Stripe system without a secret key and one payout of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system = cls.env["saas.system"].create(
            {"name": "Stripe access", "code": "stripe-access", "kind": "stripe"}
        )
        cls.payout = cls.env["saas.stripe.payout"].create(
            {
                "system_id": cls.system.id,
                "stripe_id": "po_access",
                "currency_id": cls.env.company.currency_id.id,
                "amount": 10.0,
            }
        )


@tagged("post_install", "-at_install")
class TestStripePayoutAccess(PayoutAccessSetup, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.support = new_test_user(
            cls.env,
            login="payout_support",
            password=PASSWORD,
            groups="base.group_user,saas_sync.group_saas_support",
        )
        cls.admin = new_test_user(
            cls.env,
            login="payout_admin",
            password=PASSWORD,
            groups="base.group_user,saas_sync.group_saas_admin",
        )

    def call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def refused(self, model, method, args):
        """The name of the exception JSON-RPC answers ``method`` with."""
        with self.assertRaises(JsonRpcException) as caught:
            self.call(model, method, args)
        return caught.exception.args[0]

    def test_buttons_check_the_administrator_group(self):
        self.authenticate("payout_support", PASSWORD)
        for model, method, ids in (
            ("saas.system", "action_stripe_reconcile_payouts", self.system.ids),
            ("saas.stripe.payout", "action_reconcile", self.payout.ids),
        ):
            with self.subTest(method=method):
                self.assertEqual(self.refused(model, method, [ids]), "odoo.exceptions.AccessError")
        # An administrator passes the check; without a secret key there is nothing to read.
        self.authenticate("payout_admin", PASSWORD)
        for model, method, ids in (
            ("saas.system", "action_stripe_reconcile_payouts", self.system.ids),
            ("saas.stripe.payout", "action_reconcile", self.payout.ids),
        ):
            with self.subTest(method=method):
                self.assertEqual(self.refused(model, method, [ids]), "odoo.exceptions.UserError")
        self.assertEqual(self.payout.state, "draft")

    def test_reconciliation_engine_is_not_callable_remotely(self):
        payout_dict = {"id": "po_rpc", "amount": 100, "currency": "usd", "status": "paid"}
        self.authenticate("payout_admin", PASSWORD)
        for model, method, args in (
            ("saas.stripe.payout", "_reconcile_from_stripe", [self.system.id, payout_dict, []]),
            ("saas.stripe.payout", "_post_entry", [self.payout.ids, False]),
            ("saas.stripe.payout.line", "_values_from_stripe", [self.payout.id, {}]),
            ("saas.system", "_stripe_reconcile_payouts", [self.system.ids]),
        ):
            with self.subTest(method=method):
                self.assertEqual(self.refused(model, method, args), "odoo.exceptions.AccessError")
        self.assertFalse(
            self.env["saas.stripe.payout"].search([("stripe_id", "=", "po_rpc")]),
            "nothing was recorded",
        )
        self.assertFalse(self.payout.move_id)
