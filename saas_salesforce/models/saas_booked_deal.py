# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.saas_subscription.models.saas_subscription import MRR_STATES

from ..lib.bookings import annual_value, contract_years, yearly_bookings

DEFAULT_LEAKAGE_DAYS = 30
LEAKAGE_PARAM = "saas_salesforce.leakage_days"
STATES = [
    ("waiting", "Waiting for subscription"),
    ("matched", "Matched"),
    ("cancelled", "Cancelled"),
    ("deleted", "Deleted in Salesforce"),
]
# What a deal's contract years are made of.
BOOKING_FIELDS = {"amount", "currency_id", "close_date", "term_months", "company_id"}


def leakage_days(env):
    raw = env["ir.config_parameter"].sudo().get_param(LEAKAGE_PARAM)
    try:
        return max(0, int(raw)) if raw not in (None, False, "") else DEFAULT_LEAKAGE_DAYS
    except (TypeError, ValueError):
        return DEFAULT_LEAKAGE_DAYS


class SaasBookedDeal(models.Model):
    """A closed-won Salesforce Opportunity: what sales booked, waiting for the
    billing platform to activate the subscription that bills it."""

    _name = "saas.booked.deal"
    _description = "Booked deal"
    _inherit = ["mail.thread"]
    _order = "close_date desc, id desc"

    name = fields.Char(required=True, tracking=True)
    opportunity_id = fields.Char(string="Opportunity ID", required=True, index=True, readonly=True)
    system_id = fields.Many2one(
        "saas.system", required=True, ondelete="restrict", index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    currency_id = fields.Many2one("res.currency", required=True)
    amount = fields.Monetary(tracking=True, help="The Opportunity's Amount, as Salesforce sent it.")
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    amount_company = fields.Monetary(
        compute="_compute_amount_company",
        store=True,
        currency_field="company_currency_id",
        string="Amount (company currency)",
        help="The amount converted at the rate of the close date.",
    )
    close_date = fields.Date(required=True, index=True, tracking=True)
    term_months = fields.Integer(
        string="Contract term (months)",
        default=12,
        required=True,
        tracking=True,
        help="From the Opportunity's contract term field (Salesforce tab of the system); "
        "12 without one. The contract years start on the close date.",
    )
    annual_value = fields.Monetary(
        compute="_compute_annual_value",
        store=True,
        help="The amount per 12 months of the contract term (the whole amount for a term "
        "of a year or less).",
    )
    booking_year_ids = fields.One2many(
        "saas.booked.deal.year", "deal_id", string="Bookings per year", readonly=True
    )
    stage = fields.Char(readonly=True)
    product_id = fields.Many2one(
        "product.product",
        string="Expected product",
        help="The product the Opportunity's plan maps to (product mapping).",
    )
    state = fields.Selection(STATES, required=True, default="waiting", index=True, tracking=True)
    subscription_id = fields.Many2one(
        "saas.subscription", index="btree_not_null", tracking=True, ondelete="set null"
    )
    subscription_mrr = fields.Monetary(
        related="subscription_id.mrr", currency_field="subscription_currency_id", string="MRR"
    )
    subscription_currency_id = fields.Many2one(
        related="subscription_id.currency_id", string="Subscription currency"
    )
    matched_date = fields.Date(readonly=True)
    days_waiting = fields.Integer(compute="_compute_days_waiting")
    is_leaking = fields.Boolean(
        compute="_compute_days_waiting",
        search="_search_is_leaking",
        string="Revenue leakage",
        help="Closed-won more than N days ago (Settings) and still without an active subscription.",
    )

    _sql_constraints = [
        (
            "system_opportunity_unique",
            "unique(system_id, opportunity_id)",
            "An Opportunity is one booked deal.",
        ),
    ]

    @api.depends("amount", "currency_id", "close_date", "company_id")
    def _compute_amount_company(self):
        for deal in self:
            company = deal.company_id
            if not (deal.currency_id and company):
                deal.amount_company = 0.0
                continue
            deal.amount_company = deal.currency_id._convert(
                deal.amount, company.currency_id, company, deal.close_date or fields.Date.today()
            )

    @api.depends("amount", "term_months", "currency_id")
    def _compute_annual_value(self):
        for deal in self:
            digits = deal.currency_id.decimal_places if deal.currency_id else 2
            deal.annual_value = float(annual_value(deal.amount, deal.term_months or 12, digits))

    @api.model_create_multi
    def create(self, vals_list):
        deals = super().create(vals_list)
        deals._sync_booking_years()
        return deals

    def write(self, vals):
        result = super().write(vals)
        if BOOKING_FIELDS.intersection(vals):
            self._sync_booking_years()
        return result

    @api.constrains("term_months")
    def _check_term_months(self):
        for deal in self:
            if deal.term_months < 1:
                raise ValidationError(
                    self.env._("The contract term of %s is at least one month.", deal.name)
                )

    def _sync_booking_years(self):
        """Write each deal's contract years: the amount (and its company
        currency value) spread by the years' months, the first year starting
        on the close date."""
        Year = self.env["saas.booked.deal.year"].sudo()
        for deal in self:
            term = deal.term_months or 12
            amounts = yearly_bookings(deal.amount, term, deal.currency_id.decimal_places)
            company_amounts = yearly_bookings(
                deal.amount_company, term, deal.company_currency_id.decimal_places
            )
            values = [
                {
                    "deal_id": deal.id,
                    "year": index,
                    "date_start": deal.close_date + relativedelta(years=index - 1),
                    "months": months,
                    "amount": float(amount),
                    "amount_company": float(amount_company),
                }
                for index, (months, amount, amount_company) in enumerate(
                    zip(contract_years(term), amounts, company_amounts, strict=True), start=1
                )
            ]
            deal.sudo().booking_year_ids.unlink()
            Year.create(values)

    @api.depends("close_date", "state")
    def _compute_days_waiting(self):
        today = fields.Date.context_today(self)
        threshold = leakage_days(self.env)
        for deal in self:
            waiting = deal.state == "waiting" and deal.close_date
            deal.days_waiting = (today - deal.close_date).days if waiting else 0
            deal.is_leaking = bool(waiting) and deal.days_waiting > threshold

    def _search_is_leaking(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on revenue leakage."))
        cutoff = fields.Date.context_today(self) - timedelta(days=leakage_days(self.env))
        domain = [("state", "=", "waiting"), ("close_date", "<", cutoff)]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    # -------------------------------------------------------------- matching
    def _candidate_subscriptions(self):
        """Active subscriptions of the deal's customer that no deal claims yet."""
        self.ensure_one()
        Subscription = self.env["saas.subscription"].sudo()
        claimed = self.sudo().search([("subscription_id", "!=", False)]).subscription_id
        return Subscription.search(
            [
                ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "in", MRR_STATES),
                ("id", "not in", claimed.ids),
            ],
            order="start_date, id",
        )

    def _match_subscription(self):
        """Match each waiting deal with the active subscription of its
        customer whose start date is nearest its close date."""
        for deal in self.filtered(lambda d: d.state == "waiting"):
            candidates = deal._candidate_subscriptions()
            if not candidates:
                continue
            best = min(
                candidates,
                key=lambda sub: (
                    abs(((sub.start_date or deal.close_date) - deal.close_date).days),
                    sub.id,
                ),
            )
            deal.sudo().write(
                {
                    "state": "matched",
                    "subscription_id": best.id,
                    "matched_date": fields.Date.context_today(self),
                }
            )

    @api.model
    def _match_subscriptions(self, subscriptions):
        """The billing platform activated ``subscriptions``: match the oldest
        waiting deal of each one's customer."""
        Deal = self.sudo()
        for subscription in subscriptions.filtered(lambda s: s.state in MRR_STATES):
            if Deal.search_count([("subscription_id", "=", subscription.id)], limit=1):
                continue
            deal = Deal.search(
                [
                    ("state", "=", "waiting"),
                    ("company_id", "=", subscription.company_id.id),
                    (
                        "partner_id",
                        "=",
                        subscription.partner_id.commercial_partner_id.id,
                    ),
                ],
                order="close_date, id",
                limit=1,
            )
            if deal:
                deal.write(
                    {
                        "state": "matched",
                        "subscription_id": subscription.id,
                        "matched_date": fields.Date.context_today(self),
                    }
                )

    def _unbook(self):
        """Salesforce deleted the Opportunity: the deal books nothing any
        more, its subscription is freed for another waiting deal, and the
        chatter says why."""
        freed = self.subscription_id
        self.sudo().write({"state": "deleted", "subscription_id": False, "matched_date": False})
        for deal in self:
            deal.message_post(body=self.env._("Deleted in Salesforce: unbooked."))
        self._match_subscriptions(freed)

    def action_match_subscription(self):
        # Matching reads every company's claimed subscriptions with sudo: the
        # caller must be allowed to change these deals.
        self.check_access("write")
        self._match_subscription()
        return True

    def action_unmatch(self):
        self.check_access("write")
        self.filtered(lambda d: d.state == "matched").write(
            {"state": "waiting", "subscription_id": False, "matched_date": False}
        )
        return True
