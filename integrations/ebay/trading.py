"""eBay Trading API pieces: verifying a SOAP platform notification (``MyMessages…`` headers) and
the ``GetMyMessages`` request the body of such a notification must be fetched with.

A platform notification proves itself with ``NotificationSignature`` =
Base64(MD5(Timestamp + DevId + AppId + CertId)), where Timestamp is the ``<Timestamp>`` text of
the notification's body, exactly as sent. eBay gives notifications no id, so a receiver
deduplicates them on the message id plus that timestamp. Replies to a buyer after a sale can
also go through Trading ``AddMemberMessageAAQToPartner`` (``ItemID``, ``RecipientID``); this
project sends them through the Commerce Message API (``client.send_message``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException, ElementTree

from .parse import TRADING_NS, UnreadablePayload, dt

SOAP_NS = "{http://schemas.xmlsoap.org/soap/envelope/}"
MAX_NOTIFICATION_AGE = timedelta(minutes=10)
COMPATIBILITY_LEVEL = "1349"


@dataclass(frozen=True)
class NotificationCheck:
    ok: bool
    reason: str = ""
    timestamp: datetime | None = None
    event: str = ""
    message_ids: tuple[str, ...] = ()


def notification_signature(timestamp: str, *, dev_id: str, app_id: str, cert_id: str) -> str:
    """Base64(MD5(Timestamp + DevId + AppId + CertId)), what eBay puts in NotificationSignature."""
    digest = hashlib.md5(f"{timestamp}{dev_id}{app_id}{cert_id}".encode(), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode()


def verify_notification(
    xml_text: str | bytes,
    *,
    dev_id: str,
    app_id: str,
    cert_id: str,
    now: datetime,
    max_age: timedelta = MAX_NOTIFICATION_AGE,
) -> NotificationCheck:
    """Check a SOAP platform notification's signature (constant time) and its age. Pure: the
    caller decides what to answer; a stale or forged one must write nothing."""
    try:
        root = ElementTree.fromstring(xml_text.encode() if isinstance(xml_text, str) else xml_text)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise UnreadablePayload(f"not XML: {error}") from error
    signature_node = root.find(f"{SOAP_NS}Header/{TRADING_NS}RequesterCredentials/{TRADING_NS}NotificationSignature")
    body = root.find(f"{SOAP_NS}Body")
    answer = next(iter(body), None) if body is not None else None
    stamp_node = answer.find(f"{TRADING_NS}Timestamp") if answer is not None else None
    if signature_node is None or stamp_node is None or not (stamp_node.text or "").strip():
        return NotificationCheck(False, "no signature or no timestamp")
    stamp_text = stamp_node.text.strip()
    event_node = answer.find(f"{TRADING_NS}NotificationEventName")
    event = (event_node.text or "").strip() if event_node is not None else ""
    ids = tuple(
        (node.text or "").strip()
        for node in answer.findall(f"{TRADING_NS}Messages/{TRADING_NS}Message/{TRADING_NS}MessageID")
    )
    expected = notification_signature(stamp_text, dev_id=dev_id, app_id=app_id, cert_id=cert_id)
    given = (signature_node.text or "").strip()
    try:
        stamp = dt(stamp_text)
    except ValueError:
        return NotificationCheck(False, "unreadable timestamp")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return NotificationCheck(False, "bad signature", stamp, event, ids)
    if abs(now - stamp) > max_age:
        return NotificationCheck(False, "stale timestamp", stamp, event, ids)
    return NotificationCheck(True, "", stamp, event, ids)


def get_my_messages_request(message_ids: list[str]) -> str:
    """The ``GetMyMessages`` body that fetches up to 10 messages with their text
    (``ReturnMessages``; ``ReturnHeaders`` carries no Text)."""
    if not 0 < len(message_ids) <= 10:
        raise ValueError("GetMyMessages takes 1 to 10 MessageIDs")
    ids = "".join(f"<MessageID>{escape(m)}</MessageID>" for m in message_ids)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<GetMyMessagesRequest xmlns="urn:ebay:apis:eBLBaseComponents">'
        f"<DetailLevel>ReturnMessages</DetailLevel><MessageIDs>{ids}</MessageIDs>"
        "</GetMyMessagesRequest>"
    )


def trading_headers(call: str, *, token: str, site_id: str = "0") -> dict[str, str]:
    return {
        "X-EBAY-API-IAF-TOKEN": token,
        "X-EBAY-API-CALL-NAME": call,
        "X-EBAY-API-SITEID": site_id,
        "X-EBAY-API-COMPATIBILITY-LEVEL": COMPATIBILITY_LEVEL,
        "Content-Type": "text/xml",
    }
