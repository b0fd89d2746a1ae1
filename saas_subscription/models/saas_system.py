# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaasSystem(models.Model):
    """The domains this addon owns: which system is the system of record for
    customers, subscriptions and payments (``saas.system.owns(domain)``)."""

    _inherit = "saas.system"

    owns_customers = fields.Boolean(
        help="This system is the system of record for customers: its customer "
        "events may overwrite partner fields."
    )
    owns_subscriptions = fields.Boolean(
        default=True,
        help="This system is the system of record for subscriptions: its subscription "
        "events are applied. Untick it for a system whose subscription events are only "
        "informative (they are then ignored with the reason).",
    )
    owns_payments = fields.Boolean(
        default=True,
        help="This system is the system of record for payments: its payment, failed "
        "payment and refund events are applied (otherwise ignored with the reason).",
    )

    @api.private
    def _saas_partner_write_refusal(self, partner, field_name):
        """Why this system may not overwrite ``field_name`` of ``partner`` (a
        note for the attempt), or False when it may. A system of record for
        customers may; an adapter addon (saas_salesforce: fields a CRM owns)
        refines it with ``super()``."""
        self.ensure_one()
        if self.owns("customers"):
            return False
        return self.env._("%(system)s does not own customers", system=self.code)

    def _purge_sandbox_data(self):
        """The sandbox purge also deletes the systems' subscriptions, their MRR
        facts and movements (their seals, if any, stay marked purged), and the
        systems' bindings."""
        subscriptions = (
            self.env["saas.subscription"]
            .with_context(active_test=False)
            .search([("system_id", "in", self.ids)])
        )
        ledger = [("subscription_id", "in", subscriptions.ids)]
        self._purge_chained(self.env["saas.mrr.movement"].search(ledger))
        self._purge_chained(self.env["saas.mrr.point"].search(ledger))
        self._purge_chained(subscriptions)
        self._purge_chained(self.env["saas.binding"].search([("system_id", "in", self.ids)]))
        return super()._purge_sandbox_data()
