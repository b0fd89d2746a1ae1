# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The buttons that call Stripe say clearly what failed and what to check when
Stripe cannot be reached, instead of a traceback or a misleading "refused"."""

import socket
from unittest.mock import patch

import stripe

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.saas_sync.exceptions import TransientError


def closed_local_port():
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestStripeUnreachable(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("saas_sync.environment", "sandbox")
        cls.base = f"http://127.0.0.1:{closed_local_port()}"
        cls.system = cls.env["saas.system"].create(
            {
                "name": "Stripe offline",
                "code": "stripe-offline",
                "kind": "stripe",
                "environment": "sandbox",
                "stripe_api_key": "sk_test_offline",
                "stripe_api_base": cls.base,
            }
        )

    def assertClearUnreachable(self, action, what):
        with self.assertRaises(UserError) as caught:
            action()
        message = str(caught.exception)
        self.assertTrue(message.startswith(f"{what} failed: "), message)
        self.assertIn(f"Stripe could not be reached at {self.base}", message)
        self.assertIn("Check the Stripe API base URL of Stripe offline", message)
        # What failed is the network, not Stripe: nothing says Stripe refused.
        self.assertNotIn("Stripe refused", message)
        self.assertTrue(message.endswith("(Connection refused)."), message)

    def test_test_connection(self):
        self.assertClearUnreachable(self.system.action_stripe_test_connection, "Test connection")

    def test_check_drift_now(self):
        self.assertClearUnreachable(self.system.action_stripe_drift_check, "Check drift now")
        self.assertFalse(self.system.stripe_last_drift_check)

    def test_reconcile_payouts_now(self):
        self.assertClearUnreachable(
            self.system.action_stripe_reconcile_payouts, "Reconcile payouts now"
        )
        self.assertFalse(self.system.stripe_last_payout_sync)


class _Raising:
    """A stand-in for ``client.v1.<resource>`` whose calls raise ``error``."""

    def __init__(self, error):
        self.error = error

    def __getattr__(self, _name):
        def call(*_args, **_kwargs):
            raise self.error

        return call


@tagged("post_install", "-at_install")
class TestStripeErrorClasses(TransactionCase):
    """What may pass with time retries (TransientError); a missing object is None."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system = cls.env["saas.system"].create(
            {"name": "Stripe errors", "code": "stripe-errors", "kind": "stripe"}
        )

    def retrieve_with(self, error):
        system = self.system
        client = type("Client", (), {"v1": type("V1", (), {"customers": _Raising(error)})()})()
        with patch.object(type(system), "_stripe_client", lambda _self: client):
            return system._stripe_retrieve("customers", "cus_1")

    def test_server_errors_and_refused_keys_are_transient(self):
        for error in (
            stripe.APIError("Stripe is down", http_status=503),
            stripe.AuthenticationError("Invalid API Key provided", http_status=401),
            stripe.RateLimitError("Too many requests", http_status=429),
            stripe.APIConnectionError("Connection refused"),
        ):
            with self.subTest(error=type(error).__name__):
                with self.assertRaises(TransientError):
                    self.retrieve_with(error)

    def test_missing_object_is_none_and_other_errors_stay_errors(self):
        self.assertIsNone(self.retrieve_with(stripe.InvalidRequestError("No such customer", "id")))
        with self.assertRaises(stripe.APIError):
            self.retrieve_with(stripe.APIError("Bad request shape", http_status=400))
