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

from odoo.addons.saas_subscription.lib.mrr import item_discounts, monthly_amount
from odoo.addons.saas_sync.exceptions import ReceiveRefused, TransientError

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
        items = data["items"]
        discounts = item_discounts(
            items,
            data.get("discount_percent"),
            data.get("discount_amount"),
            currency.decimal_places,
        )
        total = sum(
            (
                monthly_amount(
                    item["unit_amount"],
                    item["quantity"],
                    item["interval"],
                    item["interval_count"],
                    percent,
                    digits=currency.decimal_places,
                    metered=item["metered"],
                    discount_amount=amount_off,
                )
                for item, (percent, amount_off) in zip(items, discounts, strict=True)
            ),
            Decimal(0),
        )
        return status, total

    def _stripe_receive(self, payload):
        """Store a synthetic Stripe event (drift repair, backfill) through the
        inbox's one way in; a refusal (full inbox, wrong environment) stops
        the run with its reason, storing nothing more."""
        self.ensure_one()
        try:
            [(event, _created)] = (
                self.env["saas.event"]
                .sudo()
                ._receive(self, [(json.dumps(payload), payload, stripe_header(payload))])
            )
        except ReceiveRefused as exc:
            raise UserError(
                self.env._("Stripe system %(code)s: %(reason)s", code=self.code, reason=exc.message)
            ) from exc
        return event

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
        repairs = []
        Event = self.env["saas.event"].sudo()
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
            event = self._stripe_receive(payload)
            repairs.append((sub["id"], drift, event))
        if repairs:
            Event.process_pending(system_ids=self.ids)
            lines = "".join(
                f"<li>{sub_id}: {drift} → {event.state}</li>" for sub_id, drift, event in repairs
            )
            self.message_post(body=self.env._("Stripe drift check repaired:") + f"<ul>{lines}</ul>")
        self.stripe_last_drift_check = fields.Datetime.now()
        return repairs

    def action_stripe_drift_check(self):
        self.ensure_one()
        self._check_admin()
        try:
            repairs = self._stripe_drift_check()
        except (TransientError, stripe.StripeError) as exc:
            raise self._stripe_user_error(self.env._("Check drift now"), exc) from exc
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("%s subscriptions repaired.", len(repairs)),
            },
        }

    @api.model
    def _cron_stripe_drift_check(self):
        for system in self.search([("kind", "=", "stripe"), ("active", "=", True)]):
            if not system._stripe_client():
                continue
            try:
                system._stripe_drift_check()
            except (TransientError, stripe.StripeError, UserError) as exc:
                # One account's failure (network, revoked key) never stops the others.
                _logger.warning("Stripe drift check of %s postponed: %s", system.code, exc)


class _PlanKeyOnly:
    """Translation stand-in: only the plan key is needed to compute MRR."""

    @staticmethod
    def plan_key(price):
        return price.get("id")
