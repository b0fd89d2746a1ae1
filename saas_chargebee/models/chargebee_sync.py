# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading Chargebee's current state through the SDK: one object, a list
followed page by page (``offset`` / ``next_offset``), synthetic events stored
through the inbox's one way in, and the daily drift check of active
subscriptions that repairs what webhooks missed."""

import json
import logging
import time
from decimal import Decimal

import chargebee

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.saas_subscription.lib.mrr import subscription_mrr
from odoo.addons.saas_sync.exceptions import TransientError

from ..lib.inbox import chargebee_header
from ..lib.translate import MRR_STATUSES, SUBSCRIPTION_STATUS, Translation, subscription_data
from ..services.adapter import DRIFT_SOURCE, coupon_reader, family_reader, item_price_reader

_logger = logging.getLogger(__name__)

# resource name -> SDK service attribute
SERVICES = {
    "customer": "Customer",
    "subscription": "Subscription",
    "invoice": "Invoice",
    "credit_note": "CreditNote",
    "transaction": "Transaction",
    "item_price": "ItemPrice",
    "coupon": "Coupon",
}
PAGE_SIZE = 100
# Subscriptions compared by the drift check: those earning MRR in Chargebee.
DRIFT_STATUSES = ["active", "non_renewing"]
ODOO_MRR_STATES = ("active", "past_due")


def synthetic_event(event_type, event_id, source="odoo_backfill", **content):
    """A Chargebee event envelope built from current objects (backfill, drift)."""
    return {
        "id": event_id,
        "occurred_at": int(time.time()),
        "object": "event",
        "api_version": "v2",
        "source": source,
        "event_type": event_type,
        "content": content,
    }


class SaasSystem(models.Model):
    _inherit = "saas.system"

    def _chargebee_retrieve(self, resource, object_id):
        """The current ``resource`` (a key of SERVICES) as a dict; None without a
        key, or when Chargebee has no such object."""
        self.ensure_one()
        if not object_id:
            return None
        response = self._chargebee_call(
            lambda client: getattr(client, SERVICES[resource]).retrieve(object_id)
        )
        obj = getattr(response, resource, None) if response is not None else None
        return obj.raw_data if obj is not None else None

    def _chargebee_list(self, resource, params=None):
        """Every ``resource`` matching ``params``, as dicts, following
        ``next_offset`` page after page."""
        self.ensure_one()
        params = dict(params or {}, limit=PAGE_SIZE)
        result = []
        while True:
            response = self._chargebee_call(
                lambda client, p=dict(params): getattr(client, SERVICES[resource]).list(p)
            )
            if response is None:
                return result
            result += [getattr(entry, resource).raw_data for entry in response.list]
            if not response.next_offset:
                return result
            params["offset"] = response.next_offset

    def _chargebee_receive(self, payload):
        """Store a synthetic Chargebee event (drift repair, backfill) through
        the inbox's one way in; a refusal (full inbox, wrong environment)
        stops the run with its reason, storing nothing more."""
        return self._receive_synthetic(payload, chargebee_header(payload), "Chargebee")

    # ------------------------------------------------------------ drift check
    def _chargebee_expected_state(self, sub, currency, coupon_of=None):
        """(Odoo state, MRR) that Odoo should hold for a Chargebee subscription:
        its items and coupons counted as the webhooks' translation counts them."""
        status = SUBSCRIPTION_STATUS.get(sub.get("status"), "active")
        if sub.get("status") not in MRR_STATUSES:
            return status, Decimal(0)
        now = int(time.time())
        translation = Translation(
            {"id": sub["id"], "occurred_at": now, "content": {}},
            coupon_of=coupon_of or coupon_reader(self),
            family_of=family_reader(item_price_reader(self)),
        )
        data, _notes = subscription_data(translation, sub, at=now)
        return status, subscription_mrr(data, currency.decimal_places)

    def _chargebee_drifted(self, sub, coupon_of=None):
        odoo_sub = self.env["saas.binding"].find_record(self, "saas.subscription", sub["id"])
        if not odoo_sub:
            return "missing"
        status, mrr = self._chargebee_expected_state(sub, odoo_sub.currency_id, coupon_of)
        odoo_state = {"trial": "trialing", "ended": "cancelled", "past_due": "active"}.get(
            odoo_sub.state, odoo_sub.state
        )
        if Decimal(str(odoo_sub.mrr)) != mrr or odoo_state != status:
            return "differs"
        return None

    @staticmethod
    def _chargebee_repair_type(sub, drift):
        status = sub.get("status")
        if status in ("cancelled", "transferred"):
            return "subscription_cancelled"
        if status == "paused":
            return "subscription_paused"
        return "subscription_created" if drift == "missing" else "subscription_changed"

    def _chargebee_drift_check(self):
        """Compare the subscriptions earning MRR on either side with Chargebee's
        current state; repair the differences through the usual handlers (one
        synthetic event per repair, which applies even at the version Odoo
        last applied: Odoo is what differs); return the repairs."""
        self.ensure_one()
        if not self._chargebee_client():
            raise UserError(
                self.env._("Enter the Chargebee site and API key of %s first.", self.name)
            )
        current = {
            sub["id"]: sub
            for sub in self._chargebee_list(
                "subscription",
                {"status": {"in": json.dumps(DRIFT_STATUSES, separators=(",", ":"))}},
            )
        }
        odoo_active = self.env["saas.subscription"].search(
            [("system_id", "=", self.id), ("state", "in", ODOO_MRR_STATES)]
        )
        Binding = self.env["saas.binding"]
        for subscription in odoo_active:
            external_id = Binding._external_id_of(self, subscription)
            if external_id and external_id not in current:
                # Active in Odoo, not in Chargebee: its cancellation was missed.
                sub = self._chargebee_retrieve("subscription", external_id)
                if sub:
                    current[sub["id"]] = sub
        repairs = self._drift_repair(
            self._chargebee_drifts(current), self._chargebee_receive, "Chargebee"
        )
        self.chargebee_last_drift_check = fields.Datetime.now()
        return repairs

    def _chargebee_drifts(self, current):
        """``(id, drift, repair payload)`` of each drifted subscription of
        ``current`` (Chargebee subscriptions by id)."""
        now = int(time.time())
        coupon_of = coupon_reader(self)
        for sub in current.values():
            drift = self._chargebee_drifted(sub, coupon_of)
            if drift:
                payload = synthetic_event(
                    self._chargebee_repair_type(sub, drift),
                    f"drift_{sub['id']}_{sub.get('resource_version') or 0}_{now}",
                    source=DRIFT_SOURCE,
                    subscription=sub,
                )
                yield sub["id"], drift, payload

    def action_chargebee_drift_check(self):
        return self._drift_check_action(
            self._chargebee_drift_check,
            (TransientError, chargebee.APIError),
            self._chargebee_user_error,
        )

    @api.model
    def _cron_chargebee_drift_check(self):
        # One site's failure (network, revoked key) never stops the others.
        self._cron_each_system(
            "chargebee",
            lambda system: system._chargebee_client() and system._check_environment(),
            lambda system: system._chargebee_drift_check(),
            (TransientError, chargebee.APIError, UserError),
            "Chargebee drift check",
            _logger,
        )
