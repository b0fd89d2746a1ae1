# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from pathlib import Path

from odoo.addons.saas_sync.lib.masking import HIDDEN, mask_email, mask_payload

FIXTURES = Path(__file__).resolve().parents[2] / "saas_stripe" / "tests" / "fixtures"


def test_email_keeps_first_letter_and_domain():
    assert mask_email("jane.doe@example.com") == "j***@example.com"
    assert (
        mask_email("contact: jane@example.com, bob@corp.io")
        == "contact: j***@example.com, b***@corp.io"
    )


def test_nested_personal_data_is_masked():
    payload = {
        "data": {
            "email": "jane@example.com",
            "vat": "BE0477472701",
            "tax_ids": [{"type": "eu_vat", "value": "DE123456789"}],
            "address": {"line1": "1 Main St", "city": "Ghent"},
            "shipping": {"name": "Jane", "address": {"line1": "x"}},
            "card": {"last4": "4242", "brand": "visa"},
            "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
            "note": "call jane@example.com",
            "amount": "12.50",
        }
    }
    masked = mask_payload(payload)["data"]
    assert masked["email"] == "j***@example.com"
    assert masked["vat"] == "***2701"
    assert masked["tax_ids"] == [{"type": "eu_vat", "value": "***6789"}]
    assert masked["address"] == HIDDEN
    assert masked["shipping"] == HIDDEN
    assert masked["card"] == HIDDEN
    assert masked["payment_intent"] == "***tqPa"
    assert masked["note"] == "call j***@example.com"
    assert masked["amount"] == "12.50"
    # The input is left untouched.
    assert payload["data"]["email"] == "jane@example.com"


def test_stripe_fixtures_leak_no_email_or_card():
    fixtures = json.loads((FIXTURES / "fixtures3.json").read_text())
    text = json.dumps(mask_payload(fixtures))
    emails, fingerprints = set(), set()
    for obj in _walk(fixtures):
        if isinstance(obj, dict):
            email = obj.get("email")
            if isinstance(email, str) and "@" in email:
                emails.add(email)
            card = obj.get("card")
            if isinstance(card, dict) and card.get("fingerprint"):
                fingerprints.add(card["fingerprint"])
    # The sample objects have both (payment_method, charge): nothing vacuous.
    assert emails and fingerprints
    for secret in emails | fingerprints:
        assert secret not in text


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)
