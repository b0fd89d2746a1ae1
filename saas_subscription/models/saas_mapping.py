# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

ACCOUNTING_KINDS = [
    ("product", "Product"),
    ("tax", "Tax"),
    ("account", "Account"),
    ("journal", "Journal"),
    ("analytic", "Analytic account"),
]
ACCOUNTING_TARGET_MODELS = [
    ("product.product", "Product"),
    ("product.template", "Product template"),
    ("account.tax", "Tax"),
    ("account.account", "Account"),
    ("account.journal", "Journal"),
    ("account.analytic.account", "Analytic account"),
]


class SaasMapping(models.Model):
    """The accounting kinds of mapping: plans to products, tax codes to taxes,
    accounts, journals and analytic accounts."""

    _inherit = "saas.mapping"

    kind = fields.Selection(
        selection_add=ACCOUNTING_KINDS,
        ondelete={key: "cascade" for key, _label in ACCOUNTING_KINDS},
    )

    @api.model
    def _selection_target_model(self):
        return super()._selection_target_model() + [
            (model, label) for model, label in ACCOUNTING_TARGET_MODELS if model in self.env
        ]
