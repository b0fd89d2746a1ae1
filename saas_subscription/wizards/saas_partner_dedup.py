# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib.matching import normalize_email, normalize_vat


class SaasPartnerDedup(models.TransientModel):
    """Lists partners that share a normalized email or VAT number and merges
    them with Odoo's own partner merge, moving the suite's bindings along."""

    _name = "saas.partner.dedup"
    _description = "Find and merge duplicate customers"

    line_ids = fields.One2many("saas.partner.dedup.line", "wizard_id", string="Duplicates")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        values["line_ids"] = [(0, 0, line) for line in self._find_duplicates()]
        return values

    @api.model
    def _find_duplicates(self):
        groups = defaultdict(set)
        partners = self.env["res.partner"].search(
            ["|", ("email", "!=", False), ("vat", "!=", False)], order="id"
        )
        for partner in partners:
            commercial = partner.commercial_partner_id
            if normalize_email(partner.email):
                groups[("email", normalize_email(partner.email))].add(commercial.id)
            if normalize_vat(partner.vat):
                groups[("vat", normalize_vat(partner.vat))].add(commercial.id)
        lines, seen = [], set()
        for (kind, key), ids in sorted(groups.items()):
            members = frozenset(ids)
            if len(members) < 2 or members in seen:
                continue
            seen.add(members)
            ordered = sorted(members)
            lines.append(
                {
                    "match_kind": kind,
                    "match_key": key,
                    "partner_ids": [(6, 0, ordered)],
                    "dst_partner_id": ordered[0],
                }
            )
        return lines

    def action_merge(self):
        self.ensure_one()
        # Moving bindings runs with sudo: administrators only.
        self.env["saas.system"]._check_admin()
        lines = self.line_ids.filtered("selected")
        if not lines:
            raise UserError(self.env._("Select the groups to merge."))
        merger = self.env["base.partner.merge.automatic.wizard"]
        for line in lines:
            sources = line.partner_ids - line.dst_partner_id
            # first, so that the merged partners are no longer referred to by
            # the audit trail when Odoo's merge deletes them
            self.env["saas.binding"].move_bindings(
                "res.partner", sources.ids, line.dst_partner_id.id
            )
            self.env["saas.event.record"]._move_records(
                "res.partner", sources.ids, line.dst_partner_id.id
            )
            merger._merge((line.partner_ids).ids, line.dst_partner_id)
        return {"type": "ir.actions.act_window_close"}


class SaasPartnerDedupLine(models.TransientModel):
    _name = "saas.partner.dedup.line"
    _description = "Group of likely duplicate customers"

    wizard_id = fields.Many2one("saas.partner.dedup", required=True, ondelete="cascade")
    selected = fields.Boolean(string="Merge")
    match_kind = fields.Selection([("email", "Email"), ("vat", "VAT")], string="Same")
    match_key = fields.Char(string="Value")
    partner_ids = fields.Many2many("res.partner", string="Partners")
    dst_partner_id = fields.Many2one(
        "res.partner",
        string="Keep",
        domain="[('id', 'in', partner_ids)]",
        help="The partner that remains; the others are merged into it.",
    )
