# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_audit_trail(self):
        """A customer an event touched or a binding reaches is archived."""
        self.env["saas.event.record"]._check_unlink_keeps_trail(self, self._saas_has_ledger())

    def _saas_has_ledger(self):
        """Whether ledger rows (an addon's) name these partners: hook."""
        return False
