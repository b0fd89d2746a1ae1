# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SaasHandlerBilling(models.AbstractModel):
    """A company's own rule on top of the suite's invoice building."""

    _inherit = "saas.handler.billing"

    def _prepare_invoice_values(self, ctx, move_type, external_id, lines, extra=None):
        values = super()._prepare_invoice_values(ctx, move_type, external_id, lines, extra=extra)
        terms = ctx.company.saas_example_invoice_terms
        if terms and move_type == "out_invoice":
            values["narration"] = terms
        return values
