# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    saas_subscription_ids = fields.One2many("saas.subscription", "partner_id")
    saas_subscription_count = fields.Integer(compute="_compute_saas_subscription_count")

    def _compute_saas_subscription_count(self):
        groups = self.env["saas.subscription"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.saas_subscription_count = counts.get(partner.id, 0)

    def action_view_saas_subscriptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_subscription.action_saas_subscription"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def _saas_has_ledger(self):
        """Subscriptions or MRR movements name these customers."""
        domain = [("partner_id", "in", self.ids)]
        return (
            super()._saas_has_ledger()
            or bool(
                self.env["saas.subscription"]
                .sudo()
                .with_context(active_test=False)
                .search_count(domain, limit=1)
            )
            or bool(self.env["saas.mrr.movement"].sudo().search_count(domain, limit=1))
        )
