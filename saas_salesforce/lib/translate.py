# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Salesforce records -> inbox headers and canonical messages (pure Python).

A record is a dict shaped like the REST API's (``attributes.type``, then the
fields by API name); an Outbound Message's sObject is read into the same shape
(``soap.py``), so pushed and pulled records translate alike.

- An Account becomes a canonical ``customer.upserted`` (the Account Id is the
  customer id), preceded by the native ``salesforce.account.link`` (the billing
  platform's customer id stored on the Account, when configured) and followed
  by the native ``salesforce.account.complete`` (the billing customer id bound
  to the partner, the Account owner as salesperson).
- An Opportunity becomes the native ``salesforce.opportunity``, which the
  booked deal handler reads.
- A deleted record (``IsDeleted`` true, read by the pull's ``queryAll``;
  Outbound Messages are never sent for deletions) becomes the native
  ``salesforce.account.deleted`` (with the Account that absorbed it when
  it was merged, ``MasterRecordId``) or ``salesforce.opportunity.deleted``.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from .bookings import parse_term_months

SCHEMA_VERSION = 1
ACCOUNT = "Account"
OPPORTUNITY = "Opportunity"
HANDLED_OBJECTS = (ACCOUNT, OPPORTUNITY)
EVENT_TYPES = {ACCOUNT: "salesforce.account", OPPORTUNITY: "salesforce.opportunity"}
LINK_TYPE = "salesforce.account.link"
COMPLETE_TYPE = "salesforce.account.complete"
DEAL_TYPE = "salesforce.opportunity"
ACCOUNT_DELETED_TYPE = "salesforce.account.deleted"
DEAL_DELETED_TYPE = "salesforce.opportunity.deleted"
IGNORED_TYPE = "salesforce.ignored"

# Standard fields read from each object (the REST query selects them; the
# Outbound Message sends those the administrator ticked).
ACCOUNT_FIELDS = (
    "Id",
    "Name",
    "Phone",
    "BillingStreet",
    "BillingCity",
    "BillingPostalCode",
    "BillingCountry",
    "OwnerId",
    "SystemModstamp",
    "IsDeleted",
    "MasterRecordId",
)
OPPORTUNITY_FIELDS = (
    "Id",
    "Name",
    "AccountId",
    "Amount",
    "CloseDate",
    "StageName",
    "IsClosed",
    "IsWon",
    "SystemModstamp",
    "IsDeleted",
)

UTC = timezone.utc  # datetime.UTC is Python 3.11+; the suite runs on 3.10
API_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
TIMESTAMP_OFFSET_RE = re.compile(r"([+-]\d{2})(\d{2})$")


class TranslationError(ValueError):
    """A record that cannot stand for a canonical message (dead letter)."""


@dataclass(frozen=True)
class FieldConfig:
    """Custom fields of the org that the administrator names on the system."""

    vat_field: str = ""
    billing_id_field: str = ""
    plan_field: str = ""
    currency_field: str = ""
    term_field: str = ""

    def custom_fields(self, object_type):
        if object_type == ACCOUNT:
            names = (self.vat_field, self.billing_id_field)
        else:
            names = (self.plan_field, self.currency_field, self.term_field)
        return tuple(name for name in names if name)


def check_api_name(name):
    """True for a field API name (``VAT_Number__c``); a query is built from it."""
    return bool(API_NAME_RE.match(name or ""))


def parse_sf_timestamp(value):
    """``2026-01-05T10:00:00.000Z`` or ``...+0000`` (REST) -> naive UTC datetime."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = TIMESTAMP_OFFSET_RE.sub(r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise TranslationError(f"{value!r} is not a Salesforce timestamp") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(tzinfo=None)


def format_sf_timestamp(moment):
    """A naive UTC datetime as a SOQL datetime literal (``2026-01-05T10:00:00Z``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_sf_datetime(moment):
    """A naive UTC datetime as the REST API's ISO 8601 parameter
    (``2026-01-05T10:00:00+00:00``, getDeleted's ``start`` and ``end``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def deleted_record(object_type, item):
    """The record of a getDeleted answer's ``{"id", "deletedDate"}``: a
    deleted record whose version is its deletion date."""
    if not isinstance(item, dict) or not item.get("id"):
        raise TranslationError(f"Not a deleted {object_type} record: {item!r:.100}")
    return {
        "attributes": {"type": object_type},
        "Id": item["id"],
        "IsDeleted": True,
        "SystemModstamp": item.get("deletedDate"),
    }


def record_version(record):
    """The source clock of a record: ``SystemModstamp``, else ``LastModifiedDate``."""
    return parse_sf_timestamp(record.get("SystemModstamp")) or parse_sf_timestamp(
        record.get("LastModifiedDate")
    )


def object_type_of(record):
    return ((record or {}).get("attributes") or {}).get("type") or ""


def is_deleted(record):
    """A record Salesforce deleted (in its Recycle Bin, read by ``queryAll``)."""
    return as_bool((record or {}).get("IsDeleted"))


def inbox_header(event_id, record, received_at, livemode):
    """The ``saas.event`` header of one record. A record of an object the
    addon does not read is stored ignored, with the reason."""
    object_type = object_type_of(record)
    occurred_at = record_version(record) or received_at
    event_type = EVENT_TYPES.get(object_type, f"salesforce.{object_type.lower() or 'unknown'}")
    header = {
        "id": event_id,
        "type": f"{event_type}.deleted" if is_deleted(record) else event_type,
        "occurred_at": occurred_at,
        "livemode": livemode,
    }
    if object_type not in HANDLED_OBJECTS:
        header["state"] = "ignored"
        header["ignore_reason"] = f"Salesforce {object_type or 'records'} are not read."
    return header


def pull_event_id(record):
    """The inbox id of a pulled record version: a record pulled twice at the
    same ``SystemModstamp`` is stored once."""
    return f"{object_type_of(record)}:{record.get('Id')}@{record.get('SystemModstamp') or ''}"


def as_bool(value):
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() == "true"


def as_amount(value):
    """A decimal string of an amount sent as text (SOAP) or kept as its JSON
    literal (the pull parses numbers as strings); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | float):
        raise TranslationError(f"Amount {value!r} is not exact")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise TranslationError(f"Amount {value!r} is not a number") from exc
    if not amount.is_finite():
        raise TranslationError(f"Amount {value!r} is not a number")
    return format(amount, "f")


def _value(record, name):
    value = record.get(name) if name else None
    if isinstance(value, str):
        value = value.strip()
    return value or None


def _address(record):
    street = (_value(record, "BillingStreet") or "").splitlines()
    address = {
        "line1": street[0].strip() if street else None,
        "line2": ", ".join(line.strip() for line in street[1:] if line.strip()) or None,
        "city": _value(record, "BillingCity"),
        "postal_code": _value(record, "BillingPostalCode"),
    }
    country = _value(record, "BillingCountryCode") or _value(record, "BillingCountry")
    if country and len(country) == 2:
        address["country"] = country.upper()
    elif country:
        address["country_name"] = country
    return {key: value for key, value in address.items() if value}


def _message(event_id, suffix, event_type, record, livemode, data, native=False):
    occurred_at = record_version(record)
    message = {
        "id": f"{event_id}:{suffix}",
        "type": event_type,
        "occurred_at": (occurred_at or datetime.now(UTC).replace(tzinfo=None)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
        "schema_version": SCHEMA_VERSION,
        "livemode": livemode,
        "data": data,
    }
    if native:
        message["native"] = True
    return message


def account_messages(event_id, record, config, livemode=False):
    """The messages of an Account: link, customer.upserted, complete."""
    account_id = _value(record, "Id")
    if not account_id:
        raise TranslationError("The Account has no Id.")
    messages = []
    billing_id = _value(record, config.billing_id_field)
    if billing_id:
        messages.append(
            _message(
                event_id,
                "link",
                LINK_TYPE,
                record,
                livemode,
                {"account_id": account_id, "billing_customer_id": str(billing_id)},
                native=True,
            )
        )
    data = {"customer_id": account_id, "is_company": True}
    for key, name in (("name", "Name"), ("phone", "Phone"), ("vat", config.vat_field)):
        value = _value(record, name)
        if value:
            data[key] = str(value)
    address = _address(record)
    if address:
        data["address"] = address
    messages.append(_message(event_id, "customer", "customer.upserted", record, livemode, data))
    complete = {"account_id": account_id}
    if _value(record, "OwnerId"):
        complete["owner_id"] = _value(record, "OwnerId")
    if billing_id:
        complete["billing_customer_id"] = str(billing_id)
    messages.append(
        _message(event_id, "complete", COMPLETE_TYPE, record, livemode, complete, native=True)
    )
    return messages


def opportunity_message(event_id, record, config, livemode=False):
    """The booked deal message of an Opportunity (closed-won or not: a deal
    that leaves Closed Won is cancelled)."""
    opportunity_id = _value(record, "Id")
    if not opportunity_id:
        raise TranslationError("The Opportunity has no Id.")
    stage = _value(record, "StageName")
    is_won = as_bool(record["IsWon"]) if "IsWon" in record else stage == "Closed Won"
    try:
        term_months = parse_term_months(_value(record, config.term_field))
    except ValueError as exc:
        raise TranslationError(
            f"Opportunity {opportunity_id}: {exc} ({config.term_field})."
        ) from exc
    data = {
        "opportunity_id": opportunity_id,
        "account_id": _value(record, "AccountId"),
        "name": _value(record, "Name") or opportunity_id,
        "amount": as_amount(record.get("Amount")),
        "currency": _value(record, config.currency_field),
        "close_date": _value(record, "CloseDate"),
        "stage": stage,
        "is_won": is_won,
        "plan": _value(record, config.plan_field),
        "term_months": term_months,
    }
    return _message(event_id, "deal", DEAL_TYPE, record, livemode, data, native=True)


def deletion_message(event_id, record, livemode=False):
    """The message of a deleted Account or Opportunity. A deleted Account
    names the Account that absorbed it in a merge (``MasterRecordId``; only
    Leads, Contacts and Accounts are merged in Salesforce)."""
    record_id = _value(record, "Id")
    object_type = object_type_of(record)
    if not record_id:
        raise TranslationError(f"The deleted {object_type} has no Id.")
    if object_type == ACCOUNT:
        data = {"account_id": record_id, "master_id": _value(record, "MasterRecordId")}
        event_type = ACCOUNT_DELETED_TYPE
    else:
        data, event_type = {"opportunity_id": record_id}, DEAL_DELETED_TYPE
    return _message(event_id, "deleted", event_type, record, livemode, data, native=True)


def record_messages(event_id, record, config, livemode=False):
    object_type = object_type_of(record)
    if object_type in HANDLED_OBJECTS and is_deleted(record):
        return [deletion_message(event_id, record, livemode)]
    if object_type == ACCOUNT:
        return account_messages(event_id, record, config, livemode)
    if object_type == OPPORTUNITY:
        return [opportunity_message(event_id, record, config, livemode)]
    return [
        {
            "id": f"{event_id}:ignored",
            "type": IGNORED_TYPE,
            "ignore_reason": f"Salesforce {object_type or 'records'} are not read.",
        }
    ]


def soql_query(object_type, config, since):
    """The SOQL of the records of ``object_type`` changed after ``since``."""
    base = ACCOUNT_FIELDS if object_type == ACCOUNT else OPPORTUNITY_FIELDS
    names = list(base)
    for name in config.custom_fields(object_type):
        if not check_api_name(name):
            raise TranslationError(f"{name!r} is not a Salesforce field API name.")
        if name not in names:
            names.append(name)
    query = f"SELECT {', '.join(names)} FROM {object_type}"
    if since:
        query += f" WHERE SystemModstamp > {format_sf_timestamp(since)}"
    return query + " ORDER BY SystemModstamp, Id"
