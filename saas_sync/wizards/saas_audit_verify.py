# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields, models


class SaasAuditVerify(models.TransientModel):
    """Verify audit trail: walk every hash chain and name the first row of each
    that no longer matches what was sealed (finance reviewers)."""

    _name = "saas.audit.verify"
    _description = "Verify the audit trail"

    state = fields.Selection(
        [("new", "Not verified yet"), ("intact", "Intact"), ("broken", "Broken")],
        default="new",
        readonly=True,
    )
    verified_at = fields.Datetime(readonly=True)
    first_break = fields.Char(
        readonly=True, help="The first row that no longer matches its seal, if any."
    )
    line_ids = fields.One2many("saas.audit.verify.line", "verify_id", readonly=True)

    def action_verify(self):
        self.ensure_one()
        results = self.env["saas.audit.seal"]._verify_audit_trail()
        seal = self.env["saas.audit.seal"].sudo()
        lines = []
        for result in results:
            label = seal._break_label(result) if result["break"] else False
            lines.append(
                Command.create(
                    {
                        "model": result["model"],
                        "chain": self.env[result["model"]]._description,
                        "sealed": result["sealed"],
                        "unsealed": result["unsealed"],
                        "first_break": label,
                    }
                )
            )
        breaks = [line[2]["first_break"] for line in lines if line[2]["first_break"]]
        self.write(
            {
                "state": "broken" if breaks else "intact",
                "verified_at": fields.Datetime.now(),
                "first_break": breaks[0] if breaks else False,
                "line_ids": [Command.clear(), *lines],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "new",
        }


class SaasAuditVerifyLine(models.TransientModel):
    _name = "saas.audit.verify.line"
    _description = "Verification of one audit trail chain"

    verify_id = fields.Many2one("saas.audit.verify", required=True, ondelete="cascade")
    model = fields.Char(readonly=True)
    chain = fields.Char(readonly=True)
    sealed = fields.Integer(readonly=True, string="Rows sealed")
    unsealed = fields.Integer(
        readonly=True,
        string="Not yet sealed",
        help="Rows written since the last sealing run: the financial lane seals them shortly.",
    )
    first_break = fields.Char(readonly=True, string="First row that no longer matches")
