# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound Message parsing and record translation, without a database."""

import importlib.util
from datetime import datetime
from pathlib import Path

import pytest

from odoo.addons.saas_salesforce.lib.soap import (
    SoapError,
    ack_response,
    fault_response,
    parse_outbound_message,
    same_organization,
)
from odoo.addons.saas_salesforce.lib.translate import (
    FieldConfig,
    TranslationError,
    as_amount,
    deleted_record,
    format_sf_datetime,
    inbox_header,
    parse_sf_timestamp,
    pull_event_id,
    record_messages,
    soql_query,
)
from odoo.addons.saas_sync.lib.schema import validate_event

# The fixtures module is loaded from its file: importing the addon's tests
# package would import Odoo's test framework.
_FIXTURES = Path(__file__).resolve().parents[2] / "saas_salesforce" / "tests" / "soap_fixtures.py"
_spec = importlib.util.spec_from_file_location("salesforce_soap_fixtures", _FIXTURES)
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)
ENTITY_BOMB, EXTERNAL_ENTITY, ORG_ID = (
    fixtures.ENTITY_BOMB,
    fixtures.EXTERNAL_ENTITY,
    fixtures.ORG_ID,
)
account, opportunity = fixtures.account, fixtures.opportunity
outbound_message, rest_record = fixtures.outbound_message, fixtures.rest_record

CONFIG = FieldConfig(
    vat_field="VAT_Number__c", billing_id_field="Stripe_Customer_Id__c", plan_field="Plan__c"
)


def test_parse_several_notifications():
    body = outbound_message(
        [
            ("04l000000000001AAA", "Account", account("001A", VAT_Number__c="FR40303265045")),
            ("04l000000000002AAA", "Opportunity", opportunity("006A", "001A", Plan__c=None)),
        ]
    )
    message = parse_outbound_message(body)
    assert message.organization_id == ORG_ID
    assert message.action_id == "04k5e000000ABCDAAA"
    assert message.partner_url.endswith("/services/Soap/u/62.0/00D5e000000ABCD")
    assert [n.id for n in message.notifications] == ["04l000000000001AAA", "04l000000000002AAA"]
    first, second = message.notifications
    assert first.object_type == "Account"
    assert first.record["attributes"] == {"type": "Account"}
    assert first.record["BillingStreet"] == "12 Rue de la Paix\nBuilding B"
    assert first.record["VAT_Number__c"] == "FR40303265045"
    assert second.record["Plan__c"] is None
    assert second.record["Amount"] == "12000.00"


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"<not-closed", "well-formed"),
        (b"", "well-formed"),
        (b"<a/>", "SOAP 1.1 envelope"),
        # libxml2 stops the expansion itself; a DTD without expansion is refused after.
        (ENTITY_BOMB, "document type declaration|amplification"),
        (EXTERNAL_ENTITY, "document type declaration"),
        (
            outbound_message([("04l1", "Account", account("001A"))]).replace(
                b"<OrganizationId>" + ORG_ID.encode() + b"</OrganizationId>", b""
            ),
            "OrganizationId",
        ),
        (outbound_message([]), "no Notification"),
    ],
)
def test_refused_bodies(body, reason):
    with pytest.raises(SoapError, match=reason):
        parse_outbound_message(body)


def test_size_limit():
    body = outbound_message([("04l1", "Account", account("001A"))])
    with pytest.raises(SoapError, match="exceeds"):
        parse_outbound_message(body, max_bytes=len(body) - 1)
    assert parse_outbound_message(body, max_bytes=len(body)).notifications


def test_more_than_100_notifications_refused():
    body = outbound_message([(f"04l{i}", "Account", account(f"001{i}")) for i in range(101)])
    with pytest.raises(SoapError, match="More than 100"):
        parse_outbound_message(body)


def test_same_organization_15_and_18_characters():
    assert same_organization("00D5e000000ABCD", "00D5e000000ABCDEAU")
    assert not same_organization("00D5e000000ABCD", "00D5e000000ABCE")
    assert not same_organization("00d5e000000abcd", "00D5e000000ABCD")  # case-sensitive
    assert not same_organization("", "00D5e000000ABCD")


def test_answers():
    assert "<Ack>true</Ack>" in ack_response()
    assert "notificationsResponse" in ack_response()
    fault = fault_response("bad <token> & more")
    assert "<faultcode>soapenv:Client</faultcode>" in fault
    assert "bad &lt;token&gt; &amp; more" in fault
    assert "soapenv:Server" in fault_response("later", client=False)


def test_account_translation_is_canonical():
    record = rest_record(
        "Account", account("001A", VAT_Number__c="FR40303265045", Stripe_Customer_Id__c="cus_1")
    )
    link, customer, complete = record_messages("evt1", record, CONFIG)
    assert link["type"] == "salesforce.account.link" and link["native"]
    assert link["data"] == {"account_id": "001A", "billing_customer_id": "cus_1"}
    validate_event(customer)
    assert customer["occurred_at"] == "2026-01-05T10:00:00Z"
    assert customer["data"] == {
        "customer_id": "001A",
        "is_company": True,
        "name": "Acme Corp",
        "vat": "FR40303265045",
        "address": {
            "line1": "12 Rue de la Paix",
            "line2": "Building B",
            "city": "Paris",
            "postal_code": "75002",
            "country_name": "France",
        },
    }
    assert complete["data"] == {
        "account_id": "001A",
        "owner_id": "0055e000000OWNERAAA",
        "billing_customer_id": "cus_1",
    }


def test_account_without_billing_id_has_no_link():
    messages = record_messages("evt1", rest_record("Account", account("001A")), CONFIG)
    assert [m["type"] for m in messages] == ["customer.upserted", "salesforce.account.complete"]


def test_opportunity_translation():
    (deal,) = record_messages(
        "evt2", rest_record("Opportunity", opportunity("006A", "001A", Plan__c="pro")), CONFIG
    )
    assert deal["type"] == "salesforce.opportunity"
    assert deal["data"]["amount"] == "12000.00"
    assert deal["data"]["is_won"] is True
    assert deal["data"]["plan"] == "pro"
    (lost,) = record_messages(
        "evt3",
        rest_record(
            "Opportunity", opportunity("006B", "001A", IsWon=False, StageName="Closed Lost")
        ),
        CONFIG,
    )
    assert lost["data"]["is_won"] is False


def test_amounts_exact():
    assert as_amount("12000.10") == "12000.10"
    assert as_amount(12000) == "12000"
    assert as_amount(None) is None
    with pytest.raises(TranslationError):
        as_amount(0.1)
    with pytest.raises(TranslationError):
        as_amount("NaN")
    with pytest.raises(TranslationError):
        as_amount("12 EUR")


def test_timestamps_of_both_apis():
    expected = datetime(2026, 1, 5, 10, 0)
    assert parse_sf_timestamp("2026-01-05T10:00:00.000Z") == expected
    assert parse_sf_timestamp("2026-01-05T10:00:00.000+0000") == expected
    assert parse_sf_timestamp("2026-01-05T11:00:00.000+0100") == expected
    with pytest.raises(TranslationError):
        parse_sf_timestamp("yesterday")


def test_headers_and_ids():
    record = rest_record("Account", account("001A"))
    header = inbox_header("04l1", record, datetime(2026, 2, 1), False)
    assert header["type"] == "salesforce.account"
    assert header["occurred_at"] == datetime(2026, 1, 5, 10, 0)
    assert "state" not in header
    assert pull_event_id(record) == "Account:001A@2026-01-05T10:00:00.000Z"
    lead = inbox_header(
        "04l2", {"attributes": {"type": "Lead"}, "Id": "00Q1"}, datetime(2026, 2, 1), False
    )
    assert lead["state"] == "ignored" and "Lead" in lead["ignore_reason"]


def test_soql():
    query = soql_query("Account", CONFIG, datetime(2026, 1, 5, 9, 55))
    assert query.startswith("SELECT Id, Name,")
    assert "VAT_Number__c" in query and "Stripe_Customer_Id__c" in query
    assert query.endswith(
        "FROM Account WHERE SystemModstamp > 2026-01-05T09:55:00Z ORDER BY SystemModstamp, Id"
    )
    assert "WHERE" not in soql_query("Opportunity", CONFIG, None)
    with pytest.raises(TranslationError):
        soql_query("Account", FieldConfig(vat_field="Name FROM User --"), None)


def test_deleted_records():
    # queryAll returns the Recycle Bin's records with IsDeleted true; a merged
    # Account names its master (MasterRecordId).
    merged = rest_record(
        "Account",
        account("001M", "2026-02-01T10:00:00.000+0000", IsDeleted=True, MasterRecordId="001K"),
    )
    header = inbox_header("Account:001M@x", merged, datetime(2026, 2, 2), False)
    assert header["type"] == "salesforce.account.deleted" and "state" not in header
    [message] = record_messages("e1", merged, CONFIG)
    assert (message["type"], message["native"]) == ("salesforce.account.deleted", True)
    assert message["data"] == {"account_id": "001M", "master_id": "001K"}
    assert message["occurred_at"] == "2026-02-01T10:00:00Z"
    deleted = rest_record("Opportunity", opportunity("006D", "001M", IsDeleted=True))
    [message] = record_messages("e2", deleted, CONFIG)
    assert (message["type"], message["data"]) == (
        "salesforce.opportunity.deleted",
        {"opportunity_id": "006D"},
    )
    # a live record (IsDeleted false, as queryAll sends it) is translated as before
    live = rest_record("Opportunity", opportunity("006L", "001M", IsDeleted=False))
    assert record_messages("e3", live, CONFIG)[0]["type"] == "salesforce.opportunity"
    with pytest.raises(TranslationError):
        record_messages("e4", rest_record("Opportunity", {"Id": "", "IsDeleted": True}), CONFIG)
    for object_type in ("Account", "Opportunity"):
        assert "IsDeleted" in soql_query(object_type, CONFIG, None)
    assert "MasterRecordId" in soql_query("Account", CONFIG, None)


def test_deleted_record_of_get_deleted():
    record = deleted_record(
        "Opportunity", {"id": "006P", "deletedDate": "2026-03-21T08:00:00.000+0000"}
    )
    assert pull_event_id(record) == "Opportunity:006P@2026-03-21T08:00:00.000+0000"
    [message] = record_messages("e", record, CONFIG)
    assert message["type"] == "salesforce.opportunity.deleted"
    assert message["occurred_at"] == "2026-03-21T08:00:00Z"
    with pytest.raises(TranslationError):
        deleted_record("Opportunity", {"deletedDate": "2026-03-21T08:00:00.000+0000"})
    assert format_sf_datetime(datetime(2026, 3, 21, 8, 5, 9)) == "2026-03-21T08:05:09+00:00"
