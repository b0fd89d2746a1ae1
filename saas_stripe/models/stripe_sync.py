# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading Stripe's current state: objects that arrive out of order, and the
daily drift check that repairs what webhooks missed (Stripe never resends
events created while an endpoint was down)."""

import json
import logging
import time
from decimal import Decimal

import stripe

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.saas_subscription.lib.mrr import subscription_mrr
from odoo.addons.saas_sync.exceptions import TransientError

from ..lib.inbox import stripe_header
from ..lib.translate import SUBSCRIPTION_STATUS, subscription_data

_logger = logging.getLogger(__name__)

MRR_STATUSES = ("active", "past_due", "unpaid")


def as_dict(stripe_object):
    return json.loads(str(stripe_object))


class SaasSystem(models.Model):
    _inherit = "saas.system"

    stripe_last_drift_check = fields.Datetime(readonly=True)

    def _stripe_retrieve(self, resource, object_id, expand=None):
        """The current object from Stripe as a dict (with the ``expand`` paths
        expanded); None without a key or if gone."""
        self.ensure_one()
        client = self._stripe_client()
        if not client or not object_id:
            return None
        service = getattr(client.v1, resource)
        try:
            if expand:
                return as_dict(
                    self._stripe_call(
                        lambda: service.retrieve(object_id, params={"expand": list(expand)})
                    )
                )
            return as_dict(self._stripe_call(lambda: service.retrieve(object_id)))
        except stripe.InvalidRequestError:
            return None

    def _stripe_invoice_payments(self, invoice_id):
        """The InvoicePayments of an invoice (``GET /v1/invoice_payments?invoice=``),
        as dicts: where the current API shape says which payment paid it.
        [] without a key or when Stripe knows no such invoice."""
        self.ensure_one()
        client = self._stripe_client()
        if not client or not invoice_id:
            return []
        try:
            response = self._stripe_call(
                lambda: client.raw_request(
                    "get", "/v1/invoice_payments", invoice=invoice_id, limit=100
                )
            )
        except stripe.InvalidRequestError:
            return []
        return as_dict(client.deserialize(response, api_mode="V1")).get("data") or []

    def _stripe_subscriptions(self):
        client = self._stripe_client()
        if not client:
            raise UserError(self.env._("Enter the Stripe secret key of %s first.", self.name))
        # status=all: a cancellation missed while the endpoint was down is drift too.
        return self._stripe_call(
            lambda: [
                as_dict(sub)
                for sub in client.v1.subscriptions.list(
                    params={"limit": 100, "status": "all"}
                ).auto_paging_iter()
            ]
        )

    # ------------------------------------------------------------ drift check
    def _stripe_expected_state(self, sub, currency):
        """(state, MRR) that Odoo should hold for a Stripe subscription, the MRR
        rounded to the digits of ``currency`` (the subscription's) as Odoo's is."""
        status = SUBSCRIPTION_STATUS.get(sub.get("status"), "active")
        if status not in MRR_STATUSES:
            return status, Decimal(0)
        data = subscription_data(_PlanKeyOnly(), sub)
        return status, subscription_mrr(data, currency.decimal_places)

    def _stripe_receive(self, payload):
        """Store a synthetic Stripe event (drift repair, backfill) through the
        inbox's one way in; a refusal (full inbox, wrong environment) stops
        the run with its reason, storing nothing more."""
        return self._receive_synthetic(payload, stripe_header(payload), "Stripe")

    def _stripe_drifted(self, sub):
        odoo_sub = self.env["saas.binding"].find_record(self, "saas.subscription", sub["id"])
        if not odoo_sub:
            return "missing"
        status, mrr = self._stripe_expected_state(sub, odoo_sub.currency_id)
        odoo_state = {"trial": "trialing", "cancelled": "canceled", "ended": "canceled"}.get(
            odoo_sub.state, odoo_sub.state
        )
        if Decimal(str(odoo_sub.mrr)) != mrr or odoo_state != status.replace("unpaid", "past_due"):
            return "differs"
        return None

    def _stripe_drift_check(self):
        """Compare Odoo's subscriptions with Stripe's; repair the differences through
        the usual handlers (a synthetic event per repair); return what was repaired."""
        self.ensure_one()
        repairs = self._drift_repair(self._stripe_drifts(), self._stripe_receive, "Stripe")
        self.stripe_last_drift_check = fields.Datetime.now()
        return repairs

    def _stripe_drifts(self):
        """``(id, drift, repair payload)`` of each drifted Stripe subscription."""
        now = int(time.time())
        for sub in self._stripe_subscriptions():
            drift = self._stripe_drifted(sub)
            if not drift:
                continue
            event_type = (
                "customer.subscription.created"
                if drift == "missing"
                else "customer.subscription.updated"
            )
            payload = {
                "id": f"drift_{sub['id']}_{now}",
                "object": "event",
                "type": event_type,
                "created": now,
                "livemode": self.environment == "production",
                "api_version": None,
                "data": {"object": sub, "previous_attributes": {"items": {}}},
            }
            yield sub["id"], drift, payload

    def action_stripe_drift_check(self):
        return self._drift_check_action(
            self._stripe_drift_check, (TransientError, stripe.StripeError), self._stripe_user_error
        )

    @api.model
    def _cron_stripe_drift_check(self):
        # One account's failure (network, revoked key) never stops the others.
        self._cron_each_system(
            "stripe",
            lambda system: system._stripe_client(),
            lambda system: system._stripe_drift_check(),
            (TransientError, stripe.StripeError, UserError),
            "Stripe drift check",
            _logger,
        )


class _PlanKeyOnly:
    """Translation stand-in: only the plan key is needed to compute MRR."""

    @staticmethod
    def plan_key(price):
        return price.get("id")
