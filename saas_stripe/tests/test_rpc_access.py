# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What each role may trigger over JSON-RPC among this addon's public methods:
everything that calls Stripe is for administrators of the system's company."""

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.saas_sync.tests.common import RpcAccessCase, RpcRow

from .test_payout_access import PayoutAccessSetup

NO_KEY = (UserError, "Enter the Stripe secret key")


@tagged("post_install", "-at_install")
class TestStripeRpcAccess(PayoutAccessSetup, RpcAccessCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_roles("rpc_stripe", other=("admin",))
        Backfill = cls.env["saas.stripe.backfill"]
        cls.backfill = Backfill.with_user(cls.admin).create({"system_id": cls.system.id})
        # Another company's administrator points a wizard of theirs at this system.
        cls.backfill_b = Backfill.with_user(cls.admin_b).create({"system_id": cls.system.id})

    def test_stripe_actions_are_for_the_system_administrators(self):
        staff = (self.user, self.support, self.reviewer)
        system_actions = (
            "action_stripe_test_connection",
            "action_stripe_drift_check",
            "action_stripe_reconcile_payouts",
        )
        self.assertRpcTable(
            [
                *self.admin_rows("saas.system", system_actions, lambda t: [t.system.ids], NO_KEY),
                *self.admin_rows(
                    "saas.stripe.payout", ["action_reconcile"], lambda t: [t.payout.ids], NO_KEY
                ),
                RpcRow(
                    "saas.stripe.backfill",
                    "action_backfill",
                    lambda t: [t.backfill.ids],
                    staff,
                    self.admin,
                    NO_KEY,
                ),
                # Another company's administrator points a wizard of theirs at
                # this system: the action refuses a system they may not change.
                RpcRow(
                    "saas.stripe.backfill",
                    "action_backfill",
                    lambda t: [t.backfill_b.ids],
                    (self.admin_b,),
                ),
            ]
        )
