# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the adapters of the platforms (Stripe, Chargebee, ...) share on a
connected system: storing a synthetic event (drift repair, backfill) through
the inbox's one way in, the run of a drift check and its report, its button,
and the daily crons that visit each system of a kind.

An adapter calls these with what is its own (the inbox header of its events,
the errors its SDK raises, what a drift check compares); nothing here knows
a platform."""

import json
import logging

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError

from ..exceptions import ReceiveRefused
from ..tools import notification

_logger = logging.getLogger(__name__)


class SaasSystem(models.Model):
    _inherit = "saas.system"

    def _fill_webhook_urls(self, field_name, kind):
        """Set ``field_name`` of each system of ``kind`` to the URL of its
        webhook on this server (``/saas/webhook/<kind>/<code>``); False on
        the others."""
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for system in self:
            system[field_name] = (
                f"{base}/saas/webhook/{kind}/{system.code}"
                if system.kind == kind and system.code
                else False
            )

    def _receive_synthetic(self, payload, header, platform):
        """Store ``payload``, an event of ``platform`` built from its current
        objects, with its inbox ``header``; return the ``saas.event``. A
        refusal (full inbox, wrong environment) stops the run with its reason,
        storing nothing more."""
        self.ensure_one()
        try:
            [(event, _created)] = (
                self.env["saas.event"]
                .sudo()
                ._receive(self, [(json.dumps(payload), payload, header)])
            )
        except ReceiveRefused as exc:
            raise UserError(
                self.env._(
                    "%(platform)s system %(code)s: %(reason)s",
                    platform=platform,
                    code=self.code,
                    reason=exc.message,
                )
            ) from exc
        return event

    def _drift_repair(self, drifts, receive, platform):
        """Store the repair of each drifted subscription, ``drifts`` yielding
        ``(external id, drift, payload)``, with ``receive(payload)``; process
        them through the usual handlers and say on the system what they
        became. Return the repairs ``[(external id, drift, event)]``."""
        self.ensure_one()
        repairs = [(sub_id, drift, receive(payload)) for sub_id, drift, payload in drifts]
        if repairs:
            self.env["saas.event"].sudo().process_pending(system_ids=self.ids)
            # HTML, with what the platform sent escaped.
            lines = Markup("").join(
                Markup("<li>%s: %s → %s</li>") % (sub_id, drift, event.state)
                for sub_id, drift, event in repairs
            )
            self.message_post(
                body=Markup("%s<ul>%s</ul>")
                % (self.env._("%s drift check repaired:", platform), lines)
            )
        return repairs

    def _drift_check_action(self, drift_check, errors, user_error):
        """The "Check drift now" button: run ``drift_check()`` (administrators);
        an error of ``errors`` becomes ``user_error(what, exc)``."""
        self.ensure_one()
        self._check_admin()
        try:
            repairs = drift_check()
        except errors as exc:
            raise user_error(self.env._("Check drift now"), exc) from exc
        return notification(self.env._("%s subscriptions repaired.", len(repairs)))

    @api.model
    def _cron_each_system(self, kind, ready, run, errors, what, logger=_logger):
        """Run ``run(system)`` for each active system of ``kind`` for which
        ``ready(system)`` is true. One system's failure (an error of
        ``errors``: network, revoked key) is logged on ``logger`` (the
        adapter's) as ``what`` postponed and never stops the others."""
        for system in self.search([("kind", "=", kind), ("active", "=", True)]):
            if not ready(system):
                continue
            try:
                run(system)
            except errors as exc:
                logger.warning("%s of %s postponed: %s", what, system.code, exc)
