# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaasMapping(models.Model):
    """Salesforce users (an Account's owner) to Odoo users (the salesperson)."""

    _inherit = "saas.mapping"

    kind = fields.Selection(selection_add=[("user", "Salesperson")], ondelete={"user": "cascade"})

    @api.model
    def _selection_target_model(self):
        return [*super()._selection_target_model(), ("res.users", "User")]

    @api.constrains("kind", "target_ref")
    def _check_target_model(self):
        users = self.filtered(lambda mapping: mapping.kind == "user")
        for mapping in users:
            if mapping.target_ref and mapping.target_ref._name != "res.users":
                raise ValidationError(
                    self.env._(
                        "A salesperson mapping must point to a user, not %s.",
                        mapping.target_ref._name,
                    )
                )
        return super(SaasMapping, self - users)._check_target_model()
