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
    """``memo`` is shared by the contexts of one batch of events: the
    mappings, currencies, journals and bound records they read are looked up
    once for the batch (:meth:`prefetch_bound`), not once per event."""

    def __init__(self, env, event, message, memo=None):
        self.memo = {} if memo is None else memo
        self.event = event
        self.message = message
        self.data = message.get("data") or {}
        self.system = event.system_id
        self.occurred_at = parse_timestamp(message.get("occurred_at"))
        self.env = env(
            context=dict(env.context, tracking_disable=False, allowed_company_ids=[self.company.id])
        )
        self.notes = []

    def _memoized(self, key, compute):
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    # ------------------------------------------------------------- resolution
    @cached_property
    def company(self):
        entity = self.message.get("entity")
        if not entity:
            return self.system.company_id
        company = self._memoized(
            ("company", self.system.id, entity),
            lambda: self.event.env["saas.mapping"].resolve(self.system, "company", entity),
        )
        # The event is recorded where its records are made.
        self.event._route_to_company(company)
        return company

    def currency(self, code=None):
        code = (code or self.data.get("currency") or "").upper()
        return self._memoized(("currency", self.company.id, code), lambda: self._currency(code))

    def _currency(self, code):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        if currency and currency.active:
            return currency
        return self.resolve("currency", code)

    def resolve(self, kind, key):
        """The target of the approved ``kind`` mapping of ``key`` (MappingError without)."""
        return self._memoized(
            ("resolve", self.company.id, kind, key),
            lambda: self.env["saas.mapping"].resolve(self.system, kind, key),
        )

    def approved_mapping(self, kind, key):
        """The approved ``kind`` mapping of ``key``, or an empty recordset."""
        return self._memoized(
            ("mapping", self.company.id, kind, key),
            lambda: self.env["saas.mapping"]._find_approved(self.system, kind, key),
        )

    def bound(self, model, external_id):
        known = self.memo.get(("bound", self.system.id, model, external_id))
        if known is not None:
            return known.with_env(self.env)
        return self.env["saas.binding"].find_record(self.system, model, external_id)

    def prefetch_bound(self, model, external_ids):
        """Read the records bound to ``external_ids`` at once, for the
        contexts sharing this one's memo (the events of one batch)."""
        external_ids = [key for key in dict.fromkeys(external_ids) if key]
        found = self.env["saas.binding"].find_records(self.system, model, external_ids)
        ids = tuple(record.id for record in found.values())
        empty = self.env[model]
        for external_id in external_ids:
            record = found.get(external_id, empty)
            self.memo[("bound", self.system.id, model, external_id)] = record.with_prefetch(ids)

    def require(self, model, external_id, what):
        record = self.bound(model, external_id)
        if not record:
            raise DependencyError(
                self.env._("%(what)s %(id)s is not known yet.", what=what, id=external_id),
                waits_for=(model, external_id),
                system=self.system,
            )
        return record

    def customer(self, key="customer_id"):
        return self.require("res.partner", self.data[key], self.env._("Customer"))

    def product_shares(self, key):
        """[(product, share %)] a plan or product key maps to (bundles split)."""
        return self._memoized(("shares", self.company.id, str(key)), lambda: self._shares(key))

    def _shares(self, key):
        mapping = self.approved_mapping("product", str(key))
        if not mapping or not (mapping.target_ref or mapping.bundle_line_ids):
            raise MappingError("product", str(key), self.system)
        return mapping._bundle()

    def taxes(self, codes):
        taxes = self.env["account.tax"]
        for code in codes or []:
            taxes |= self.resolve("tax", str(code))
        return taxes

    def journal(self, journal_type):
        """The journal mapped from data.journal, else the mapping of the journal
        type (``sale``, ``bank``), else the company's first journal of that type."""
        key = self.data.get("journal")
        if key:
            return self.resolve("journal", str(key))
        return self._memoized(
            ("journal", self.company.id, journal_type), lambda: self._journal(journal_type)
        )

    def _journal(self, journal_type):
        mapping = self.approved_mapping("journal", journal_type)
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
        return self._memoized(
            ("price_digits",),
            lambda: self.env["decimal.precision"].precision_get("Product Price"),
        )

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
        self.memo.pop(("bound", self.system.id, record._name, external_id), None)
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
