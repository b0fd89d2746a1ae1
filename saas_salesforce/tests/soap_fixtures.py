# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound Message bodies built from the shape of Salesforce's Outbound
Messaging WSDL (SOAP API Developer Guide, "Understanding the Outbound
Messaging WSDL": ``notifications`` with OrganizationId, ActionId, SessionId,
EnterpriseUrl, PartnerUrl and 1 to 100 ``Notification`` elements, each an
``Id`` and an ``sObject`` typed ``sf:<Object>`` in the enterprise sObject
namespace), and REST API records as the query resource returns them."""

from xml.sax.saxutils import escape

ORG_ID = "00D5e000000ABCDEAU"
ACTION_ID = "04k5e000000ABCDAAA"


def sobject(object_type, fields):
    body = "".join(
        f'<sf:{name} xsi:nil="true"/>'
        if value is None
        else f"<sf:{name}>{escape(str(value))}</sf:{name}>"
        for name, value in fields.items()
    )
    return (
        f'<sObject xsi:type="sf:{object_type}" '
        f'xmlns:sf="urn:sobject.enterprise.soap.sforce.com">{body}</sObject>'
    )


def outbound_message(notifications, org_id=ORG_ID, action_id=ACTION_ID):
    """``notifications``: ``[(notification id, object type, {field: value})]``."""
    items = "".join(
        f"<Notification><Id>{nid}</Id>{sobject(object_type, fields)}</Notification>"
        for nid, object_type, fields in notifications
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body>"
        '<notifications xmlns="http://soap.sforce.com/2005/09/outbound">'
        f"<OrganizationId>{org_id}</OrganizationId>"
        f"<ActionId>{action_id}</ActionId>"
        '<SessionId xsi:nil="true"/>'
        "<EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/62.0/00D5e000000ABCD"
        "</EnterpriseUrl>"
        "<PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/62.0/00D5e000000ABCD"
        "</PartnerUrl>"
        f"{items}"
        "</notifications>"
        "</soapenv:Body>"
        "</soapenv:Envelope>"
    ).encode()


ENTITY_BOMB = (
    '<?xml version="1.0"?>'
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
    '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">'
    "]>"
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
    "<soapenv:Body>"
    '<notifications xmlns="http://soap.sforce.com/2005/09/outbound">'
    f"<OrganizationId>{ORG_ID}</OrganizationId><ActionId>&lol9;</ActionId>"
    "<Notification><Id>04l000000000001AAA</Id>"
    '<sObject xsi:type="sf:Account" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>001000000000001AAA</sf:Id>'
    "<sf:Name>&lol9;</sf:Name></sObject></Notification>"
    "</notifications></soapenv:Body></soapenv:Envelope>"
).encode()

EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
    '<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">'
    f"<OrganizationId>{ORG_ID}</OrganizationId><ActionId>&xxe;</ActionId>"
    "</notifications></soapenv:Body></soapenv:Envelope>"
).encode()


def account(account_id, modstamp="2026-01-05T10:00:00.000Z", **fields):
    values = {
        "Id": account_id,
        "Name": "Acme Corp",
        "BillingStreet": "12 Rue de la Paix\nBuilding B",
        "BillingCity": "Paris",
        "BillingPostalCode": "75002",
        "BillingCountry": "France",
        "OwnerId": "0055e000000OWNERAAA",
        "SystemModstamp": modstamp,
    }
    values.update(fields)
    return values


def opportunity(opportunity_id, account_id, modstamp="2026-01-06T10:00:00.000Z", **fields):
    values = {
        "Id": opportunity_id,
        "Name": "Acme - Pro annual",
        "AccountId": account_id,
        "Amount": "12000.00",
        "CloseDate": "2026-01-06",
        "StageName": "Closed Won",
        "IsClosed": "true",
        "IsWon": "true",
        "SystemModstamp": modstamp,
    }
    values.update(fields)
    return values


def rest_record(object_type, fields):
    """A record as the REST query resource returns it."""
    record = {
        "attributes": {
            "type": object_type,
            "url": f"/services/data/v62.0/sobjects/{object_type}/{fields['Id']}",
        }
    }
    record.update(fields)
    return record
