# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Masking of personal and payment data in payloads.

Everyone but integration administrators sees payloads through
:func:`mask_payload`: emails keep their first letter and domain, tax ids and
payment references their last four characters, and addresses, card details
and bank details are replaced entirely. Keys are matched case-insensitively
wherever they appear in the JSON tree.
"""

import re

EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
HIDDEN = "***"

EMAIL_KEYS = {"email", "receipt_email", "billing_email", "customer_email"}
TAX_ID_KEYS = {"vat", "tax_id", "tax_ids", "customer_tax_ids", "tax_number", "siren", "ein"}
ADDRESS_KEYS = {
    "address",
    "billing_address",
    "shipping",
    "shipping_address",
    "customer_address",
    "customer_shipping",
    "line1",
    "line2",
    "street",
    "street2",
    "city",
    "postal_code",
    "zip",
    "state",
    "phone",
    "customer_phone",
}
CARD_KEYS = {
    "card",
    "card_details",
    "number",
    "last4",
    "fingerprint",
    "exp_month",
    "exp_year",
    "cvc",
    "iban",
    "bank_account",
    "account_number",
    "routing_number",
    "sepa_debit",
    "payment_method_details",
    "billing_details",
}
PAYMENT_REF_KEYS = {
    "payment_reference",
    "payment_method",
    "payment_intent",
    "charge",
    "source",
    "default_payment_method",
    "default_source",
    "balance_transaction",
    "client_secret",
}


def _keep_tail(value, keep=4):
    text = str(value)
    if len(text) <= keep:
        return HIDDEN
    return HIDDEN + text[-keep:]


def mask_email(value):
    if not isinstance(value, str):
        return HIDDEN
    return EMAIL_RE.sub(lambda m: f"{m.group(1)}{HIDDEN}@{m.group(2)}", value)


def _mask_value(key, value):
    lowered = key.lower() if isinstance(key, str) else key
    if value is None or value == "":
        return value
    if lowered in CARD_KEYS or lowered in ADDRESS_KEYS:
        return HIDDEN
    if lowered in EMAIL_KEYS:
        return mask_email(value)
    if lowered in TAX_ID_KEYS or lowered in PAYMENT_REF_KEYS:
        return _mask_reference(value)
    return mask_payload(value)


def _mask_reference(value):
    """Tax ids and payment references: keep the tail of identifiers."""
    if isinstance(value, list):
        return [_mask_reference(item) for item in value]
    if isinstance(value, dict):
        return {
            k: _keep_tail(v) if k in ("id", "value") and v else mask_payload(v)
            for k, v in value.items()
        }
    return _keep_tail(value)


def mask_payload(payload):
    """Return a masked deep copy of a decoded JSON payload."""
    if isinstance(payload, dict):
        return {key: _mask_value(key, value) for key, value in payload.items()}
    if isinstance(payload, list):
        return [mask_payload(item) for item in payload]
    if isinstance(payload, str) and "@" in payload:
        return mask_email(payload)
    return payload
