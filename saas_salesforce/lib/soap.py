# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Salesforce Outbound Messages (pure Python): parse the SOAP request safely,
answer the acknowledgement or a SOAP fault.

The request shape is the ``notifications`` call of the Outbound Messaging WSDL
(Salesforce SOAP API Developer Guide, "Understanding the Outbound Messaging
WSDL")::

    <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
     <soapenv:Body>
      <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
       <OrganizationId/> <ActionId/> <SessionId xsi:nil="true"/>
       <EnterpriseUrl/> <PartnerUrl/>
       <Notification>            (1 to 100)
        <Id>04l...</Id>
        <sObject xsi:type="sf:Account" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
         <sf:Id>001...</sf:Id> <sf:Name>...</sf:Name> ...
        </sObject>
       </Notification>
      </notifications>
     </soapenv:Body>
    </soapenv:Envelope>

The answer Salesforce waits for is ``notificationsResponse`` with
``<Ack>true</Ack>``; anything else (a fault, a non-2xx status) makes it
deliver the message again later.

SOAP 1.1 forbids a document type declaration in a message, so a request
carrying one (the way to an entity expansion bomb or an external entity) is
refused; the parser itself never resolves entities nor reads the network.
"""

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
OUTBOUND_NS = "http://soap.sforce.com/2005/09/outbound"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
MAX_NOTIFICATIONS = 100


class SoapError(Exception):
    """The request is not a well-formed Outbound Message (HTTP 400)."""


@dataclass
class Notification:
    id: str
    object_type: str
    record: dict


@dataclass
class OutboundMessage:
    organization_id: str
    action_id: str
    enterprise_url: str = ""
    partner_url: str = ""
    notifications: list = field(default_factory=list)


def _parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def _local(tag):
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(element, name):
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element, name):
    child = _child(element, name)
    if child is None or child.get(f"{{{XSI_NS}}}nil") == "true":
        return ""
    return (child.text or "").strip()


def _sobject_record(sobject):
    """The sObject as the REST API shows a record: ``attributes.type`` and one
    key per field sent (text values; empty or nil fields are None)."""
    xsi_type = sobject.get(f"{{{XSI_NS}}}type") or ""
    object_type = xsi_type.rpartition(":")[2]
    if not object_type:
        raise SoapError("An sObject has no xsi:type.")
    record = {"attributes": {"type": object_type}}
    for child in sobject:
        name = _local(child.tag)
        if not name:
            continue
        if len(child):
            raise SoapError(f"Field {name} of the {object_type} holds nested elements.")
        nil = child.get(f"{{{XSI_NS}}}nil") == "true"
        record[name] = None if nil else (child.text or "")
    return object_type, record


def parse_outbound_message(raw, max_bytes=None):
    """Parse ``raw`` (bytes) into an :class:`OutboundMessage`; raise
    :class:`SoapError` when it is not one."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise SoapError(f"The message exceeds {max_bytes} bytes.")
    try:
        root = etree.fromstring(raw, parser=_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise SoapError(f"The body is not well-formed XML: {exc}") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise SoapError("A SOAP message may not carry a document type declaration.")
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise SoapError("The body is not a SOAP 1.1 envelope.")
    body = root.find(f"{{{SOAP_ENV}}}Body")
    notifications = body.find(f"{{{OUTBOUND_NS}}}notifications") if body is not None else None
    if notifications is None:
        raise SoapError("The envelope holds no Outbound Message notifications.")
    message = OutboundMessage(
        organization_id=_text(notifications, "OrganizationId"),
        action_id=_text(notifications, "ActionId"),
        enterprise_url=_text(notifications, "EnterpriseUrl"),
        partner_url=_text(notifications, "PartnerUrl"),
    )
    if not message.organization_id:
        raise SoapError("OrganizationId is missing.")
    for element in notifications:
        if _local(element.tag) != "Notification":
            continue
        notification_id = _text(element, "Id")
        sobject = _child(element, "sObject")
        if not notification_id or sobject is None:
            raise SoapError("A Notification lacks its Id or its sObject.")
        object_type, record = _sobject_record(sobject)
        message.notifications.append(Notification(notification_id, object_type, record))
    if not message.notifications:
        raise SoapError("The message holds no Notification.")
    if len(message.notifications) > MAX_NOTIFICATIONS:
        raise SoapError(f"More than {MAX_NOTIFICATIONS} notifications in one message.")
    return message


def same_organization(expected, received):
    """Salesforce ids come in a 15-character case-sensitive form and an
    18-character form (the 15 plus a checksum): compare the first 15."""
    expected, received = (expected or "").strip(), (received or "").strip()
    return bool(expected and received) and expected[:15] == received[:15]


def ack_response():
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"><soapenv:Body>'
        f'<notificationsResponse xmlns="{OUTBOUND_NS}"><Ack>true</Ack></notificationsResponse>'
        "</soapenv:Body></soapenv:Envelope>"
    )


def fault_response(message, client=True):
    """A SOAP 1.1 fault: ``soapenv:Client`` for what the sender must fix,
    ``soapenv:Server`` for what may pass on a later delivery."""
    code = "soapenv:Client" if client else "soapenv:Server"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"><soapenv:Body><soapenv:Fault>'
        f"<faultcode>{code}</faultcode><faultstring>{escape(message)}</faultstring>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
