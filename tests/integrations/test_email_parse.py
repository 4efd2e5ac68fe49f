"""The email parser against a corpus of inline RFC 822 messages: charsets, encoded headers, bodies,
attachments, threading headers, automated mail and broken input."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from integrations.email.parse import EmailParseError, normalize_message_id, parse_email
from integrations.email.routing import recipients

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def mail(*headers: str, body: bytes = b"Hello", content_type: str = "text/plain; charset=utf-8") -> bytes:
    base = [
        "From: Jane Buyer <Jane@Example.com>",
        "To: support@shop.test",
        "Subject: Where is my parcel?",
        "Date: Tue, 01 Dec 2026 10:00:00 +0100",
        "Message-ID: <abc123@example.com>",
        "MIME-Version: 1.0",
        f"Content-Type: {content_type}",
    ]
    names = {h.split(":", 1)[0].lower() for h in headers}
    lines = [h for h in base if h.split(":", 1)[0].lower() not in names] + [h for h in headers if h.split(":", 1)[1]]
    return "\r\n".join(lines).encode() + b"\r\n\r\n" + body


# --- charsets -----------------------------------------------------------------------------------


def test_iso_8859_1_german_umlauts_are_decoded():
    raw = mail(
        content_type="text/plain; charset=iso-8859-1", body="Grüße aus München, Größe passt nicht.".encode("latin-1")
    )
    assert "Grüße aus München, Größe passt nicht." in parse_email(raw).body_html


def test_windows_1252_quotes_and_euro_are_decoded():
    raw = mail(content_type="text/plain; charset=windows-1252", body="“Refund” of 20 €".encode("cp1252"))
    assert "“Refund” of 20 €" in parse_email(raw).body_html


def test_shift_jis_japanese_body_is_decoded():
    text = "注文した商品がまだ届いていません。"
    raw = mail(content_type="text/plain; charset=shift_jis", body=text.encode("shift_jis"))
    assert text in parse_email(raw).body_html


def test_iso_2022_jp_japanese_body_is_decoded():
    text = "返品をお願いします"
    raw = mail(content_type="text/plain; charset=iso-2022-jp", body=text.encode("iso2022_jp"))
    assert text in parse_email(raw).body_html


def test_gbk_chinese_body_labelled_gb2312_is_decoded():
    text = "我的包裹还没有到，请帮忙查一下。镕"  # 镕 is in GBK, not in GB2312
    raw = mail(content_type="text/plain; charset=gb2312", body=text.encode("gbk"))
    assert text in parse_email(raw).body_html


def test_missing_charset_reads_utf8():
    raw = mail(content_type="text/plain", body="Größe 40 statt 42".encode())
    assert "Größe 40 statt 42" in parse_email(raw).body_html


def test_missing_charset_falls_back_to_windows_1252_for_non_utf8_bytes():
    raw = mail(content_type="text/plain", body="Größe".encode("cp1252"))
    assert "Größe" in parse_email(raw).body_html


def test_unknown_charset_is_read_without_failing():
    raw = mail(content_type="text/plain; charset=x-made-up-charset", body=b"Plain words \xff here")
    body = parse_email(raw).body_html
    assert "Plain words" in body and "here" in body


def test_rfc2047_base64_subject_is_decoded():
    subject = base64.b64encode("商品が届きません".encode()).decode()
    raw = mail(f"Subject: =?UTF-8?B?{subject}?=")
    assert parse_email(raw).subject == "商品が届きません"


def test_rfc2047_q_encoded_subject_and_sender_name_are_decoded():
    raw = mail(
        "Subject: =?ISO-8859-1?Q?R=FCcksendung_f=FCr_Bestellung?=",
        "From: =?iso-8859-1?q?J=FCrgen_M=FCller?= <juergen@example.de>",
    )
    record = parse_email(raw)
    assert record.subject == "Rücksendung für Bestellung"
    assert (record.sender_name, record.sender_address) == ("Jürgen Müller", "juergen@example.de")


def test_iso_2022_jp_encoded_subject_is_decoded():
    encoded = base64.b64encode("返品について".encode("iso2022_jp")).decode()
    raw = mail(f"Subject: =?ISO-2022-JP?B?{encoded}?=")
    assert parse_email(raw).subject == "返品について"


def test_folded_subject_is_one_line():
    raw = mail("Subject: A very long subject\r\n that was folded")
    assert parse_email(raw).subject == "A very long subject that was folded"


# --- bodies -------------------------------------------------------------------------------------


def test_html_only_mail_keeps_its_html():
    raw = mail(content_type="text/html; charset=utf-8", body=b"<p>The <b>zip</b> broke</p>")
    assert parse_email(raw).body_html == "<p>The <b>zip</b> broke</p>"


def test_text_only_mail_becomes_escaped_paragraphs():
    raw = mail(body=b"Line one\r\nline <two>\r\n\r\nSecond paragraph & more")
    assert parse_email(raw).body_html == "<p>Line one<br>line &lt;two&gt;</p><p>Second paragraph &amp; more</p>"


def test_multipart_alternative_prefers_html():
    boundary = "ALT"
    body = (
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain version\r\n"
        f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html version</p>\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    record = parse_email(mail(content_type=f'multipart/alternative; boundary="{boundary}"', body=body))
    assert "html version" in record.body_html and "plain version" not in record.body_html


def _with_attachments() -> bytes:
    boundary = "MIX"
    png = base64.encodebytes(PNG).decode()
    pdf = base64.encodebytes(PDF).decode()
    body = (
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPhotos attached.\r\n"
        f"--{boundary}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        f'Content-Disposition: attachment; filename="damage.png"\r\n\r\n{png}\r\n'
        f"--{boundary}\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: attachment; filename*=UTF-8''Rechnung%20M%C3%BCller.pdf\r\n\r\n{pdf}\r\n"
        f"--{boundary}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <logo@x>\r\n"
        f'Content-Disposition: inline; filename="logo.png"\r\n\r\n{png}\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    return mail(content_type=f'multipart/mixed; boundary="{boundary}"', body=body)


def test_image_and_pdf_attachments_are_kept_with_their_bytes():
    found = {a.filename: a for a in parse_email(_with_attachments()).attachments}
    assert found["damage.png"].content == PNG and found["damage.png"].content_type == "image/png"
    assert (
        found["Rechnung Müller.pdf"].content == PDF and found["Rechnung Müller.pdf"].content_type == "application/pdf"
    )


def test_inline_image_with_content_id_is_not_an_attachment():
    assert "logo.png" not in {a.filename for a in parse_email(_with_attachments()).attachments}


def test_attachment_over_20_mb_is_skipped(monkeypatch):
    from integrations.email import parse

    monkeypatch.setattr(parse, "MAX_ATTACHMENT_BYTES", len(PNG) - 1)
    assert "damage.png" not in {a.filename for a in parse_email(_with_attachments()).attachments}


def test_attachment_file_name_loses_its_path():
    body = (
        b"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n"
        b'--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="..\\\\..\\\\evil.pdf"\r\n\r\n'
        b"%PDF\r\n--B--\r\n"
    )
    record = parse_email(mail(content_type='multipart/mixed; boundary="B"', body=body))
    assert [a.filename for a in record.attachments] == ["evil.pdf"]


# --- ids, threading, dates, language ------------------------------------------------------------


def test_message_id_keeps_angle_brackets():
    assert parse_email(mail()).external_id == "<abc123@example.com>"


def test_in_reply_to_and_references_are_normalized_ids_in_order():
    raw = mail("In-Reply-To: <b@shop.test> (Jane's message)", "References: <a@shop.test>\r\n <b@shop.test>")
    record = parse_email(raw)
    assert record.in_reply_to == "<b@shop.test>"
    assert record.references == ("<a@shop.test>", "<b@shop.test>")


def test_missing_message_id_gets_a_stable_id_from_the_bytes():
    raw = mail("Message-ID:")
    first, again = parse_email(raw).external_id, parse_email(raw).external_id
    assert first == again and first.startswith("<sha256.") and first.endswith(">")
    assert parse_email(raw + b" changed").external_id != first


def test_overlong_message_id_is_hashed_the_same_way_everywhere():
    long_id = "<" + "x" * 300 + "@example.com>"
    assert parse_email(mail(f"Message-ID: {long_id}")).external_id == normalize_message_id(long_id)
    assert parse_email(mail(f"In-Reply-To: {long_id}")).in_reply_to == normalize_message_id(long_id)
    assert len(normalize_message_id(long_id)) <= 191


def test_date_becomes_aware_utc():
    assert parse_email(mail()).sent_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_garbage_date_becomes_now():
    before = datetime.now(UTC)
    sent = parse_email(mail("Date: the day after tomorrow")).sent_at
    assert before <= sent <= datetime.now(UTC)


def test_missing_date_becomes_now():
    before = datetime.now(UTC)
    assert parse_email(mail("Date:")).sent_at >= before


def test_far_future_date_becomes_now():
    sent = parse_email(mail("Date: Fri, 01 Jan 2100 00:00:00 +0000")).sent_at
    assert sent < datetime.now(UTC) + timedelta(minutes=1)


def test_content_language_is_the_language_hint():
    assert parse_email(mail("Content-Language: de-DE, en")).language == "de-DE"


def test_sender_address_is_lower_case_and_becomes_the_buyer():
    record = parse_email(mail())
    assert (record.sender_name, record.sender_address) == ("Jane Buyer", "jane@example.com")
    assert record.buyer.email == "jane@example.com" and record.buyer.name == "Jane Buyer"


def test_recipients_list_delivered_to_first_then_to_and_cc():
    raw = mail("Delivered-To: support+returns@shop.test", "To: Shop <Support@Shop.test>", "Cc: other@elsewhere.test")
    assert recipients(raw) == ["support+returns@shop.test", "support@shop.test", "other@elsewhere.test"]
    assert parse_email(raw).recipient_address == "support+returns@shop.test"


def test_amazon_order_number_in_subject_is_the_order_number():
    raw = mail("Subject: Inquiry from Amazon customer Erika (Order: 302-1234567-7654321)")
    assert parse_email(raw).order_number == "302-1234567-7654321"


def test_subject_without_order_number_has_none():
    assert parse_email(mail("Subject: Order 12-34 please")).order_number == ""


def test_channel_is_email():
    assert parse_email(mail()).channel == "email"


# --- automated mail -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated",
        "X-Autoreply: yes",
        "X-Autorespond: Out of office",
        "Precedence: auto_reply",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "Return-Path: <>",
        "From: MAILER-DAEMON@mx.example.com",
        "From: Mail Delivery System <postmaster@example.com>",
    ],
)
def test_automated_mail_is_flagged(header):
    assert parse_email(mail(header)).automated is True


def test_auto_submitted_no_is_a_person():
    assert parse_email(mail("Auto-Submitted: no")).automated is False


def test_ordinary_mail_is_not_automated():
    assert parse_email(mail("Return-Path: <jane@example.com>", "Precedence: first-class")).automated is False


def test_delivery_status_report_is_a_bounce():
    body = (
        b"--R\r\nContent-Type: text/plain\r\n\r\nDelivery to the following recipient failed.\r\n"
        b"--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
        b"Final-Recipient: rfc822; gone@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        b"--R--\r\n"
    )
    raw = mail(
        "From: Jane <jane@example.com>",
        content_type='multipart/report; report-type=delivery-status; boundary="R"',
        body=body,
    )
    record = parse_email(raw)
    assert record.automated is True and "Delivery to the following recipient failed" in record.body_html


# --- unreadable input ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"\r\n\r\njust a body with no headers"])
def test_unreadable_input_raises_email_parse_error(raw):
    with pytest.raises(EmailParseError):
        parse_email(raw)


def test_email_parse_error_is_a_value_error():
    assert issubclass(EmailParseError, ValueError)


def test_eight_bit_utf8_subject_without_encoding_is_read():
    raw = mail().replace(b"Subject: Where is my parcel?", "Subject: Rückgabe".encode())
    assert parse_email(raw).subject == "Rückgabe"


def test_rfc2047_encoded_attachment_name_is_decoded():
    body = (
        b"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n"
        b'--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="=?UTF-8?B?'
        + base64.b64encode("Rechnung Müller.pdf".encode())
        + b'?="\r\n\r\n%PDF\r\n--B--\r\n'
    )
    record = parse_email(mail(content_type='multipart/mixed; boundary="B"', body=body))
    assert [a.filename for a in record.attachments] == ["Rechnung Müller.pdf"]


def test_a_from_without_an_address_falls_back_to_sender():
    raw = mail("From: <>", "Sender: Jane <jane@example.com>")
    assert parse_email(raw).sender_address == "jane@example.com"


def test_encoded_words_split_inside_a_character_are_joined_before_decoding():
    first, second = "山".encode()[:2], "山".encode()[2:] + "田".encode()
    words = " ".join(f"=?utf-8?b?{base64.b64encode(part).decode()}?=" for part in (first, second))
    assert parse_email(mail(f"Subject: {words} san")).subject == "山田 san"
