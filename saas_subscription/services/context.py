# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What every handler needs: the event's company, currency, customer and
products resolved through bindings and mappings, with the right errors."""

from datetime import date, datetime
from functools import cached_property

from odoo import fields

from odoo.addons.saas_sync.exceptions import DependencyError, EventValidationError, MappingError
from odoo.addons.saas_sync.lib.outcome import HandlerResult
from odoo.addons.saas_sync.lib.schema import SchemaError, parse_amount, parse_timestamp


class EventContext:
    def __init__(self, env, event, message):
        self.event = event
        self.message = message
        self.data = message.get("data") or {}
        self.system = event.system_id
        self.occurred_at = parse_timestamp(message.get("occurred_at"))
        self.env = env(
            context=dict(env.context, tracking_disable=False, allowed_company_ids=[self.company.id])
        )
        self.notes = []

    # ------------------------------------------------------------- resolution
    @cached_property
    def company(self):
        entity = self.message.get("entity")
        if not entity:
            return self.system.company_id
        company = self.event.env["saas.mapping"].resolve(self.system, "company", entity)
        # The event is recorded where its records are made.
        self.event._route_to_company(company)
        return company

    def currency(self, code=None):
        code = (code or self.data.get("currency") or "").upper()
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        if currency and currency.active:
            return currency
        return self.env["saas.mapping"].resolve(self.system, "currency", code)

    def bound(self, model, external_id):
        return self.env["saas.binding"].find_record(self.system, model, external_id)

    def require(self, model, external_id, what):
        record = self.bound(model, external_id)
        if not record:
            raise DependencyError(
                self.env._("%(what)s %(id)s is not known yet.", what=what, id=external_id)
            )
        return record

    def customer(self, key="customer_id"):
        return self.require("res.partner", self.data[key], self.env._("Customer"))

    def product_shares(self, key):
        """[(product, share %)] a plan or product key maps to (bundles split)."""
        mapping = self.env["saas.mapping"]._find_approved(self.system, "product", str(key))
        if not mapping or not (mapping.target_ref or mapping.bundle_line_ids):
            raise MappingError("product", str(key), self.system)
        return mapping._bundle()

    def taxes(self, codes):
        taxes = self.env["account.tax"]
        for code in codes or []:
            taxes |= self.env["saas.mapping"].resolve(self.system, "tax", str(code))
        return taxes

    def journal(self, journal_type):
        """The journal mapped from data.journal, else the mapping of the journal
        type (``sale``, ``bank``), else the company's first journal of that type."""
        key = self.data.get("journal")
        if key:
            return self.env["saas.mapping"].resolve(self.system, "journal", str(key))
        mapping = self.env["saas.mapping"]._find_approved(self.system, "journal", journal_type)
        if mapping and mapping.target_ref:
            return mapping.target_ref
        journal = self.env["account.journal"].search(
            [("type", "=", journal_type), ("company_id", "=", self.company.id)], limit=1
        )
        if not journal:
            raise MappingError(
                "journal",
                journal_type,
                self.system,
                message=self.env._(
                    "Company %(company)s has no %(type)s journal: map one.",
                    company=self.company.name,
                    type=journal_type,
                ),
            )
        return journal

    # ----------------------------------------------------------------- values
    def amount(self, key, source=None, default=None):
        source = self.data if source is None else source
        value = source.get(key)
        if value is None:
            if default is not None:
                return default
            raise EventValidationError(self.env._("data.%s is required.", key))
        try:
            return parse_amount(value, key)
        except SchemaError as exc:
            raise EventValidationError(str(exc)) from exc

    @cached_property
    def price_digits(self):
        """Decimals of a unit price: Odoo's "Product Price" precision, as on invoice lines."""
        return self.env["decimal.precision"].precision_get("Product Price")

    def unit_price(self, key, source=None):
        """A unit price exactly as the source sent it; refused when Odoo would
        have to round it (a 0.0125 price rounded to 0.01 loses 20%)."""
        price = self.amount(key, source)
        if price != round(price, self.price_digits):
            raise EventValidationError(
                self.env._(
                    "The unit price %(price)s has more decimals than Odoo keeps (%(digits)s, "
                    'the "Product Price" decimal accuracy): raise that accuracy in Settings > '
                    "Technical > Decimal Accuracy, then replay the event.",
                    price=price,
                    digits=self.price_digits,
                )
            )
        return price

    def date(self, key, source=None, default=None):
        source = self.data if source is None else source
        value = source.get(key)
        if not value:
            return default
        return to_date(value, key)

    @property
    def occurred_date(self):
        return self.occurred_at.date()

    # ------------------------------------------------------------------ trail
    def bind(self, record, external_id, **kwargs):
        return self.env["saas.binding"].bind(
            self.system, record, external_id, event=self.event, **kwargs
        )

    def log(self, records, operation="write"):
        if records:
            self.event._log_record(records, operation)

    def ignored(self, reason):
        return HandlerResult(ignored=True, reason=reason, notes=self.notes)

    def not_owner(self, domain):
        return self.ignored(
            self.env._(
                "%(system)s is not the system of record for %(domain)s (see its Ownership "
                "tab): nothing applied.",
                system=self.system.code,
                domain=domain,
            )
        )

    def result(self):
        return HandlerResult(notes=self.notes) if self.notes else None


def to_date(value, field="date"):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    try:
        if len(text) == 10:
            return fields.Date.to_date(text)
        return parse_timestamp(text, field).date()
    except (SchemaError, ValueError) as exc:
        raise EventValidationError(f"{field}: {value!r} is not a date") from exc
