# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class SaasMrrAsofWizard(models.TransientModel):
    _name = "saas.mrr.asof.wizard"
    _description = "MRR as of a date"

    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
        help="The company whose MRR is shown, in its currency (one of the companies "
        "selected in the company switcher).",
    )

    @api.constrains("company_id")
    def _check_company_allowed(self):
        for wizard in self:
            wizard._ensure_company_allowed()

    def _ensure_company_allowed(self):
        if self.company_id not in self.env.companies and not self.env.su:
            raise AccessError(
                self.env._("You are not allowed to read the MRR of %s.", self.company_id.name)
            )

    def action_open(self):
        """The movements of the company up to the date, by customer: their sum
        is each customer's MRR at the end of that day, in the company's currency."""
        self.ensure_one()
        self._ensure_company_allowed()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_subscription.action_saas_mrr_movement"
        )
        action.update(
            name=self.env._(
                "MRR of %(company)s as of %(date)s", company=self.company_id.name, date=self.date
            ),
            domain=[
                ("date", "<=", fields.Date.to_string(self.date)),
                ("company_id", "=", self.company_id.id),
            ],
            view_mode="pivot,list",
            views=[(False, "pivot"), (False, "list")],
            context={
                "pivot_row_groupby": ["partner_id"],
                "pivot_column_groupby": [],
                "pivot_measures": ["delta_company"],
            },
        )
        return action
