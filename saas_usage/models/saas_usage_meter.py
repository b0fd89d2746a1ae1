# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib.aggregation import AGGREGATIONS
from ..lib.rating import Tier, rate, round_money

# The month's aggregate of each aggregation, in SQL over one meter's active
# records of one month (lib/aggregation.py is the reference); as text, since
# the database driver reads numeric columns as floats.
AGGREGATE_SQL = {
    "sum": "SUM(value)::text",
    "count": "COUNT(*)::text",
    "max": "MAX(value)::text",
    "last": "((ARRAY_AGG(value ORDER BY timestamp DESC, id DESC))[1])::text",
    "unique_count": "COUNT(DISTINCT NULLIF(properties -> %(unique_key)s, 'null'::jsonb))::text",
}

PRICE_MODELS = [
    ("per_unit", "Per unit"),
    ("package", "Package"),
    ("volume", "Volume tiers"),
    ("graduated", "Graduated tiers"),
    ("stairstep", "Stairstep"),
]

AGGREGATION_LABELS = {
    "sum": "Sum of the values",
    "count": "Count of the records",
    "max": "Largest value",
    "last": "Latest value",
    "unique_count": "Count of distinct values of a property",
}


class SaasUsageMeter(models.Model):
    """What the product measures (API calls, gigabytes, seats) and how a
    period of its usage records aggregates into the quantity that is rated."""

    _name = "saas.usage.meter"
    _description = "SaaS Usage Meter"
    _order = "code"

    code = fields.Char(
        required=True,
        help="The meter's name in the usage records sent to the API (the 'meter' key).",
    )
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    aggregation = fields.Selection(
        [(key, AGGREGATION_LABELS[key]) for key in AGGREGATIONS],
        required=True,
        default="sum",
    )
    value_key = fields.Char(
        default="value",
        help="The property that carries a record's value when the record has no "
        "'value' of its own (Stripe's value_settings.event_payload_key).",
    )
    unique_key = fields.Char(
        string="Property counted",
        help="For a count of distinct values: the property whose distinct values count.",
    )
    unit = fields.Char(help="The unit of the quantity, as invoices show it (calls, GB).")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    system_id = fields.Many2one(
        "saas.system",
        ondelete="restrict",
        help="The only connected system whose usage this meter takes; empty: any "
        "system of the company.",
    )
    price_model = fields.Selection(
        PRICE_MODELS,
        help="How a month's quantity is rated; empty: the meter's usage is measured, not rated.",
    )
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)
    unit_amount = fields.Float(digits=0, help="Per unit and package prices: the unit's price.")
    package_size = fields.Float(digits=0, default=1)
    package_rounding = fields.Selection(
        [("up", "A started package counts"), ("down", "Only full packages count")],
        default="up",
    )
    tier_ids = fields.One2many("saas.usage.price.tier", "meter_id", string="Tiers")
    record_count = fields.Integer(compute="_compute_record_count", string="Records")

    _sql_constraints = [
        ("code_company_unique", "UNIQUE(company_id, code)", "A meter code is unique per company."),
    ]

    def _compute_record_count(self):
        counts = dict(
            self.env["saas.usage.record"]._read_group(
                [("meter_id", "in", self.ids)], ["meter_id"], ["__count"]
            )
        )
        for meter in self:
            meter.record_count = counts.get(meter, 0)

    @api.constrains("aggregation", "unique_key")
    def _check_unique_key(self):
        for meter in self:
            if meter.aggregation == "unique_count" and not (meter.unique_key or "").strip():
                raise ValidationError(
                    self.env._("Meter %s counts distinct values: say which property.", meter.code)
                )

    @api.constrains("system_id", "company_id")
    def _check_system_company(self):
        for meter in self:
            if meter.system_id and meter.system_id.company_id != meter.company_id:
                raise ValidationError(
                    self.env._("Meter %s and its system belong to different companies.", meter.code)
                )

    def _price_numbers(self):
        """The price as exact numbers read from the database (the ORM reads
        numeric columns as floats): ``(unit_amount, package_size, tiers)``."""
        self.ensure_one()
        self.flush_recordset()
        self.env["saas.usage.price.tier"].flush_model()
        self.env.cr.execute(
            "SELECT unit_amount::text, package_size::text FROM saas_usage_meter WHERE id = %s",
            [self.id],
        )
        unit_amount, package_size = self.env.cr.fetchone()
        self.env.cr.execute(
            """SELECT CASE WHEN up_to_infinite THEN NULL ELSE COALESCE(up_to, 0)::text END,
                      COALESCE(unit_amount, 0)::text, COALESCE(flat_amount, 0)::text
                 FROM saas_usage_price_tier WHERE meter_id = %s
                ORDER BY COALESCE(up_to_infinite, FALSE), up_to, id""",
            [self.id],
        )
        return unit_amount, package_size, [Tier(*row) for row in self.env.cr.fetchall()]

    def _month_quantities(self, month_start, month_end):
        """``{partner id: quantity}`` of this meter's active records from
        ``month_start`` (included) to ``month_end`` (excluded), set-based
        through the (company, meter, timestamp) index."""
        self.ensure_one()
        self.env["saas.usage.record"].flush_model()
        query = (
            "SELECT partner_id, "
            + AGGREGATE_SQL[self.aggregation]
            + """ FROM saas_usage_record
                 WHERE company_id = %(company)s AND meter_id = %(meter)s
                   AND timestamp >= %(start)s AND timestamp < %(end)s
                   AND state = 'active'
                 GROUP BY partner_id"""
        )
        self.env.cr.execute(
            query,
            {
                "company": self.company_id.id,
                "meter": self.id,
                "start": month_start,
                "end": month_end,
                "unique_key": self.unique_key or "",
            },
        )
        return {partner_id: Decimal(quantity) for partner_id, quantity in self.env.cr.fetchall()}

    def _rate(self, quantity):
        """The amount ``quantity`` costs under this meter's price, rounded to
        its currency; None for a meter without a price."""
        self.ensure_one()
        if not self.price_model:
            return None
        unit_amount, package_size, tiers = self._price_numbers()
        try:
            amount = rate(
                quantity,
                self.price_model,
                unit_amount=unit_amount,
                tiers=tiers,
                package_size=package_size,
                rounding=self.package_rounding or "up",
            )
        except ValueError as exc:
            raise UserError(
                self.env._(
                    "The price of meter %(meter)s is wrong: %(reason)s", meter=self.code, reason=exc
                )
            ) from None
        return round_money(amount, self.currency_id.decimal_places)

    @api.model
    def _month_usage(self, company, month):
        """The usage of ``company`` in the month of ``month`` (a date), per
        customer and meter: ``[{"partner_id", "meter_id", "quantity",
        "amount"}]``, the amount rated by the meter's price (None without
        one). Cancelled records do not count."""
        start = month.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        lines = []
        meters = self.with_context(active_test=False).search(
            [("company_id", "=", company.id)], order="code"
        )
        for meter in meters:
            quantities = meter._month_quantities(start, end)
            for partner_id, quantity in sorted(quantities.items()):
                lines.append(
                    {
                        "partner_id": partner_id,
                        "meter_id": meter.id,
                        "quantity": quantity,
                        "amount": meter._rate(quantity),
                    }
                )
        return lines

    def action_view_records(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_usage.action_saas_usage_record"
        )
        action["domain"] = [("meter_id", "=", self.id)]
        action["context"] = {}
        return action
