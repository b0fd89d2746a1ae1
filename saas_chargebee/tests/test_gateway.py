# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Chargebee collecting through Stripe, with a Stripe system connected too:
the same payment, reported by both, is one Odoo payment (booked by the system
that owns payments, applied to Chargebee's invoice)."""

from datetime import timedelta
from unittest import SkipTest

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.modules.registry import Registry
from odoo.tests import tagged
from odoo.tests.common import get_db_name

from odoo.addons.saas_stripe.lib.inbox import stripe_header
from odoo.addons.saas_stripe.tests.common import stripe_event, stripe_fixture

from .common import ChargebeeCase
from .samples import DAY, JAN_1, resource


@tagged("post_install", "-at_install")
class TestChargebeeStripeGateway(ChargebeeCase):
    @classmethod
    def setUpClass(cls):
        # saas_chargebee does not depend on saas_stripe: this class needs it installed.
        if "saas_stripe" not in Registry(get_db_name())._init_modules:
            raise SkipTest("saas_stripe is not installed")
        super().setUpClass()
        cls.stripe = cls.env["saas.system"].create(
            {
                "name": "Stripe (Chargebee's gateway)",
                "code": "stripe-gateway",
                "kind": "stripe",
                "company_id": cls.company.id,
                "owns_subscriptions": False,
                "owns_payments": True,
            }
        )
        cls.chargebee.write({"owns_payments": False, "chargebee_payment_system_id": cls.stripe.id})

    def stripe_deliver(self, event_type, obj):
        event = stripe_event(event_type, obj, created=JAN_1 + DAY)
        [(record, _created)] = self.env["saas.event"]._receive(
            self.stripe, [(self.dumps(event), event, stripe_header(event))]
        )
        self.env["saas.event"].process_pending(system_ids=self.stripe.ids)
        return record

    def stripe_objects(self):
        # The Stripe customer Chargebee created for its customer (same email).
        customer = stripe_fixture(
            "customer", id="cus_gw_acme", email="billing@acme.example", name="Acme Analytics"
        )
        charge = stripe_fixture(
            "charge",
            id="ch_gw_1",
            payment_intent="pi_gw_1",
            customer="cus_gw_acme",
            amount=5000,
            amount_captured=5000,
            currency="usd",
            status="succeeded",
            invoice=None,
        )
        intent = stripe_fixture(
            "payment_intent",
            id="pi_gw_1",
            customer="cus_gw_acme",
            amount=5000,
            amount_received=5000,
            currency="usd",
            latest_charge="ch_gw_1",
            status="succeeded",
        )
        return customer, charge, intent

    def retry_now(self, event):
        event.sudo().write({"next_attempt_at": fields.Datetime.now() - timedelta(seconds=1)})
        self.env["saas.event"].process_pending(system_ids=event.system_id.ids)

    def test_same_payment_from_chargebee_and_stripe_is_one_payment(self):
        customer = resource("customer")
        self.assertDone(self.deliver("customer_created", JAN_1, customer=customer))
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=self.sub(1)))
        invoice_event = self.deliver(
            "invoice_generated",
            JAN_1,
            invoice=self.invoice("2001", 5000, JAN_1, "starter-USD-Monthly", 2, 2500),
        )
        self.assertDone(invoice_event)
        transaction = self.payment("txn_gw_1", 5000, JAN_1 + DAY, "2001", id_at_gateway="pi_gw_1")
        # Chargebee's event first: Stripe has not booked the payment yet.
        cb_payment = self.deliver("payment_succeeded", JAN_1 + DAY, transaction=transaction)
        self.assertEqual(cb_payment.state, "retry")
        self.assertIn("booked by stripe-gateway", cb_payment.last_error)
        stripe_customer, charge, intent = self.stripe_objects()
        self.assertDone(self.stripe_deliver("customer.created", stripe_customer))
        partner = self.cb_bound("res.partner", "cb_cust_acme")
        self.assertEqual(self.cb_bound("res.partner", "cus_gw_acme", self.stripe), partner)
        self.assertDone(self.stripe_deliver("charge.succeeded", charge))
        self.stripe_deliver("payment_intent.succeeded", intent)
        self.retry_now(cb_payment)
        self.assertDone(cb_payment)
        payments = self.env["account.payment"].search([("partner_id", "=", partner.id)])
        self.assertEqual(len(payments), 1)
        self.assertEqual(payments.amount, 50.0)
        self.assertEqual(self.cb_bound("account.payment", "txn_gw_1"), payments)
        self.assertEqual(self.cb_bound("account.payment", "pi_gw_1", self.stripe), payments)
        self.assertEqual(self.cb_bound("account.move", "2001").payment_state, "paid")
        # Reported again (a webhook retry of another delivery): nothing new.
        again = self.deliver("payment_succeeded", JAN_1 + DAY, transaction=transaction)
        self.assertEqual(again.state, "ignored")
        self.assertEqual(
            self.env["account.payment"].search_count([("partner_id", "=", partner.id)]), 1
        )

    def test_the_booking_system_must_own_payments(self):
        with self.assertRaises(ValidationError):
            self.chargebee.owns_payments = True
        with self.assertRaises(ValidationError):
            self.stripe.owns_payments = False
