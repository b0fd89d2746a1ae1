# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every record of the suite has a name a person reads (breadcrumbs, many2one
fields, references, a pivot's drill-down): never Odoo's fallback
``saas.mrr.movement,736``."""

from odoo import models
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestEveryRecordHasAName(TransactionCase):
    def test_no_model_of_the_suite_falls_back_to_its_technical_name(self):
        """Issue 19: a movement read "saas.mrr.movement,736" on screen."""
        fallback = models.BaseModel._compute_display_name
        unnamed = []
        for name in sorted(self.env.registry):
            Model = self.env[name]
            modules = {module.strip() for module in (Model._module or "").split(",")}
            if (
                not name.startswith("saas.")
                or Model._abstract
                or Model._transient
                or not any(module.startswith("saas_") for module in modules)
            ):
                continue
            if not Model._rec_name and type(Model)._compute_display_name is fallback:
                unnamed.append(name)
        self.assertEqual(unnamed, [])
