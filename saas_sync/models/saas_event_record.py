# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import is_ledger_writer


class SaasEventRecord(models.Model):
    """A record that an event created or changed: the audit trail from any
    Odoo record back to the event that caused it."""

    _name = "saas.event.record"
    _description = "Record touched by an integration event"
    _order = "id"

    event_id = fields.Many2one("saas.event", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="event_id.company_id", store=True, precompute=True)
    res_model = fields.Char(required=True, index=True, string="Model")
    res_id = fields.Many2oneReference(
        required=True, model_field="res_model", index=True, string="Record id"
    )
    operation = fields.Selection(
        [("create", "Created"), ("write", "Updated"), ("match", "Matched")],
        required=True,
        help="Matched: an existing record the event was bound to (a customer found "
        "by e-mail or VAT), neither created nor changed by it.",
    )
    record_ref = fields.Reference(
        selection="_selection_record_ref", compute="_compute_record_ref", string="Record"
    )

    @api.model
    def _selection_record_ref(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for line in self:
            line.record_ref = (
                f"{line.res_model},{line.res_id}"
                if line.res_model in self.env and line.res_id
                else False
            )

    @api.depends("res_model", "res_id")
    def _compute_display_name(self):
        for line in self:
            model = self.env["ir.model"]._get(line.res_model) if line.res_model else None
            record = line.sudo().record_ref
            record = record and record.exists()
            line.display_name = self.env._(
                "%(model)s %(record)s",
                model=model.name if model else "",
                record=record.display_name if record else "",
            ).strip()

    @api.model
    def _events_for(self, records):
        """Events that touched ``records``, newest first."""
        lines = self.sudo().search(
            [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        )
        return lines.event_id.sorted("id", reverse=True)

    @api.model
    def _move_records(self, model_name, from_ids, to_id):
        """The events that touched merged records touched the surviving one
        (callers check that the user may merge those records)."""
        lines = self.sudo().search([("res_model", "=", model_name), ("res_id", "in", from_ids)])
        lines.write({"res_id": to_id})
        return lines

    @api.model
    def _check_unlink_keeps_trail(self, records, has_ledger=False):
        """Refuse to delete ``records`` that the audit trail refers to (events
        touched them, bindings reach them, or ``has_ledger``): they are archived
        instead, so nothing that names them disappears."""
        if not records or is_ledger_writer(self.env):
            return
        domain = [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        if (
            has_ledger
            or self.sudo().search_count(domain, limit=1)
            or self.env["saas.binding"].sudo().search_count(domain, limit=1)
        ):
            raise UserError(
                self.env._(
                    "%(records)s: events, bindings or MRR movements refer to it; archive it "
                    "instead of deleting it (the audit trail keeps every row).",
                    records=", ".join(records.mapped("display_name")[:5]),
                )
            )
