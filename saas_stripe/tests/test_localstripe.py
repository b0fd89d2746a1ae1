# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End to end against a real local Stripe (localstripe, started by the test).

localstripe delivers its own signed webhooks to Odoo's test server, about a
second late and in no particular order. It sends no
``customer.subscription.updated`` and no refund events: the upgrade reaches
Odoo through the drift check, which reads Stripe's current state through the
API, as it would after an endpoint outage.
"""

import shutil
import socket
import subprocess
import time

import requests
import stripe

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

SECRET = "whsec_localstripe"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestLocalStripe(AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        executable = shutil.which("localstripe")
        if not executable:
            raise AssertionError("localstripe is missing: pip install -r requirements-test.txt")
        port = free_port()
        cls.api_base = f"http://127.0.0.1:{port}"
        cls.server = subprocess.Popen(
            [executable, "--port", str(port), "--from-scratch"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        cls.addClassCleanup(cls._stop_server)
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"{cls.api_base}/v1/customers", timeout=2, auth=("sk_test_local", ""))
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        cls.client = stripe.StripeClient(
            "sk_test_local", base_addresses={"api": cls.api_base}, max_network_retries=0
        )
        cls.env.user.groups_id += cls.env.ref("saas_sync.group_saas_admin")
        cls.env["ir.config_parameter"].sudo().set_param("saas_sync.environment", "sandbox")
        cls.env.ref("base.EUR").active = True
        cls.system = cls.env["saas.system"].create(
            {
                "name": "localstripe",
                "code": "localstripe",
                "kind": "stripe",
                "environment": "sandbox",
                "company_id": cls.env.company.id,
                "owns_customers": True,
                "owns_subscriptions": True,
                "owns_payments": True,
            }
        )
        cls.system.write(
            {
                "webhook_secret": SECRET,
                "stripe_api_key": "sk_test_local",
                "stripe_api_base": cls.api_base,
            }
        )
        requests.post(
            f"{cls.api_base}/_config/webhooks/odoo",
            timeout=5,
            data={"url": f"{cls.base_url()}/saas/webhook/stripe/localstripe", "secret": SECRET},
        )

    @classmethod
    def _stop_server(cls):
        cls.server.terminate()
        cls.server.wait(10)

    def map_plan(self, plan_id, product):
        self.env["saas.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "product",
                "external_key": plan_id,
                "target_ref": f"product.product,{product.id}",
            }
        ).action_approve()

    def customer(self, name):
        customer = self.client.v1.customers.create(
            params={"name": name, "email": f"{name}@example.com"}
        )
        method = self.client.v1.payment_methods.attach(
            "pm_card_visa", params={"customer": customer.id}
        )
        self.client.v1.customers.update(
            customer.id, params={"invoice_settings": {"default_payment_method": method.id}}
        )
        return customer

    def wait_for(self, expected, timeout=30):
        """Wait until the inbox holds at least ``expected`` {type: count}."""
        deadline = time.monotonic() + timeout
        while True:
            # A test cursor takes the lock that request threads take: the webhooks
            # arriving meanwhile never share the connection with this query.
            with self.registry.cursor() as cr:
                events = api.Environment(cr, SUPERUSER_ID, {})["saas.event"].search(
                    [("system_id", "=", self.system.id)]
                )
                counts = {
                    t: len(events.filtered(lambda e, t=t: e.event_type == t)) for t in expected
                }
            if all(counts[t] >= n for t, n in expected.items()):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"webhooks missing: got {counts}, want {expected}")
            time.sleep(0.5)

    def redirect_webhooks(self, url):
        requests.post(
            f"{self.api_base}/_config/webhooks/odoo", timeout=5, data={"url": url, "secret": SECRET}
        )

    def process_all(self):
        Event = self.env["saas.event"]
        for _round in range(6):
            Event.search([("system_id", "=", self.system.id), ("state", "=", "retry")]).write(
                {"next_attempt_at": "2000-01-01 00:00:00"}
            )
            Event.process_pending(system_ids=self.system.ids, limit=500)

    def bound(self, model, external_id):
        return self.env["saas.binding"].find_record(self.system, model, external_id)

    def test_odoo_agrees_with_stripe(self):
        product = self.client.v1.products.create(params={"name": "SaaS plan"})
        basic = self.client.v1.plans.create(
            params={"product": product.id, "amount": 1000, "currency": "eur", "interval": "month"}
        )
        pro = self.client.v1.plans.create(
            params={"product": product.id, "amount": 2500, "currency": "eur", "interval": "month"}
        )
        basic_product = self._create_product(name="Basic", type="service")
        pro_product = self._create_product(name="Pro", type="service")
        self.map_plan(basic.id, basic_product)
        self.map_plan(pro.id, pro_product)

        alice, bob = self.customer("alice"), self.customer("bob")
        sub_a = self.client.v1.subscriptions.create(
            params={"customer": alice.id, "items": [{"plan": basic.id}]}
        )
        sub_b = self.client.v1.subscriptions.create(
            params={"customer": bob.id, "items": [{"plan": basic.id}]}
        )
        # Upgrade Alice (and pay the proration), cancel Bob, refund Bob's charge.
        self.client.v1.subscriptions.update(
            sub_a.id, params={"items": [{"id": sub_a["items"]["data"][0]["id"], "plan": pro.id}]}
        )
        proration = self.client.v1.invoices.create(params={"customer": alice.id})
        self.client.v1.invoices.pay(proration.id)
        self.client.v1.subscriptions.cancel(sub_b.id)
        bob_invoice = self.client.v1.invoices.list(params={"customer": bob.id}).data[0]
        self.client.v1.refunds.create(params={"charge": bob_invoice["charge"]})

        self.wait_for(
            {
                "customer.created": 2,
                "customer.subscription.created": 2,
                "customer.subscription.deleted": 1,
                "invoice.payment_succeeded": 3,
            }
        )
        # Let stragglers (events the test does not wait for) land before this test
        # thread uses the shared test cursor, then send further webhooks nowhere.
        time.sleep(2.5)
        self.redirect_webhooks("http://127.0.0.1:9/down")
        self.process_all()
        self.system._stripe_drift_check()

        # Customers
        for customer in (alice, bob):
            partner = self.bound("res.partner", customer.id)
            self.assertEqual(partner.email, customer.email)
        # Subscriptions and MRR, as Stripe says them now
        for sub in self.client.v1.subscriptions.list(params={"limit": 10}).auto_paging_iter():
            odoo_sub = self.bound("saas.subscription", sub.id)
            self.assertTrue(odoo_sub, sub.id)
            if sub.status == "active":
                plan = sub["items"]["data"][0]["plan"]
                expected = plan["amount"] * sub["items"]["data"][0]["quantity"] / 100
                self.assertEqual((odoo_sub.state, odoo_sub.mrr), ("active", expected))
        self.assertEqual(self.bound("saas.subscription", sub_a.id).mrr, 25.0)
        bob_sub = self.bound("saas.subscription", sub_b.id)
        self.assertEqual((bob_sub.state, bob_sub.mrr), ("cancelled", 0.0))
        self.assertFalse(self.env["saas.subscription"]._check_ledger())
        # Invoices and payments
        for invoice in self.client.v1.invoices.list(params={"limit": 20}).auto_paging_iter():
            if invoice.status != "paid":
                continue
            move = self.bound("account.move", invoice.id)
            self.assertTrue(move, invoice.id)
            self.assertEqual(move.amount_total, invoice.total / 100)
            self.assertEqual(move.currency_id.name, invoice.currency.upper())
            self.assertEqual(move.payment_state, "paid")
            # Payments are keyed by payment intent, else charge (as the webhooks say).
            payment = self.bound("account.payment", invoice.payment_intent or invoice.charge)
            self.assertEqual(payment.amount, invoice.amount_paid / 100)
        dead = self.env["saas.event"].search(
            [
                ("system_id", "=", self.system.id),
                ("state", "in", ("dead", "retry", "needs_mapping")),
            ]
        )
        self.assertFalse(dead, [(e.event_type, e.last_error) for e in dead])

    def test_pull_backfill_after_missed_webhooks_is_idempotent(self):
        """A second system that never received a webhook pulls Stripe's state.

        Runs after the webhook test (alphabetical order); webhooks go nowhere now,
        as they would to an endpoint that is down."""
        self.redirect_webhooks("http://127.0.0.1:9/down")
        product = self.client.v1.products.create(params={"name": "Backfill plan"})
        plan = self.client.v1.plans.create(
            params={"product": product.id, "amount": 4000, "currency": "eur", "interval": "month"}
        )
        carol = self.customer("carol")
        sub = self.client.v1.subscriptions.create(
            params={"customer": carol.id, "items": [{"plan": plan.id}]}
        )
        invoice = self.client.v1.invoices.list(params={"customer": carol.id}).data[0]
        charge = invoice["charge"]  # localstripe expands it
        charge_id = charge if isinstance(charge, str) else charge["id"]
        self.client.v1.refunds.create(params={"charge": charge_id})
        pull = self.env["saas.system"].create(
            {
                "name": "Pull only",
                "code": "localstripe-pull",
                "kind": "stripe",
                "environment": "sandbox",
                "company_id": self.env.company.id,
                "owns_customers": True,
                "owns_subscriptions": True,
                "owns_payments": True,
            }
        )
        pull.write({"stripe_api_key": "sk_test_local", "stripe_api_base": self.api_base})
        # Every plan of the account (the other test's too) maps to a product.
        pulled_product = self._create_product(name="Pulled plan", type="service")
        for stripe_plan in self.client.v1.plans.list(params={"limit": 100}).auto_paging_iter():
            self.env["saas.mapping"].create(
                {
                    "system_id": pull.id,
                    "kind": "product",
                    "external_key": stripe_plan.id,
                    "target_ref": f"product.product,{pulled_product.id}",
                }
            ).action_approve()
        wizard = self.env["saas.stripe.backfill"].create({"system_id": pull.id})
        wizard.action_backfill()
        self.assertEqual(wizard.events_failed, 0, wizard.report)
        Binding = self.env["saas.binding"]
        partner = Binding.find_record(pull, "res.partner", carol.id)
        self.assertEqual(partner.email, "carol@example.com")
        odoo_sub = Binding.find_record(pull, "saas.subscription", sub.id)
        self.assertEqual((odoo_sub.state, odoo_sub.mrr), ("active", 40.0))
        move = Binding.find_record(pull, "account.move", invoice.id)
        self.assertEqual((move.amount_total, move.payment_state), (40.0, "paid"))
        refunds = Binding.search(
            [("system_id", "=", pull.id), ("res_model", "=", "account.payment")]
        )
        self.assertTrue(any(b.record_ref.payment_type == "outbound" for b in refunds))
        moves_before = self.env["account.move"].search_count([])
        payments_before = self.env["account.payment"].search_count([])
        again = self.env["saas.stripe.backfill"].create({"system_id": pull.id})
        again.action_backfill()
        self.assertEqual(again.events_failed, 0, again.report)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(self.env["account.payment"].search_count([]), payments_before)
