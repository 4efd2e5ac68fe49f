"""XSS in real Chromium: buyer messages with script, event-handler and javascript: payloads render
inert; SVG and HTML files kept as attachments (as ingest keeps an e-mail's) never run when their
links are opened, they download; uploading an SVG through the form is refused with a clear error."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import Attachment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    "<p>Hello</p><script>alert('script')</script>",
    '<p><img src="x" onerror="alert(\'onerror\')">broken image</p>',
    "<p><a href=\"javascript:alert('href')\">track my parcel</a></p>",
    '<svg onload="alert(\'svg\')"><circle r="5"/></svg><p>svg inline</p>',
    '<p><a href="JaVaScRiPt:alert(1)" onclick="alert(\'click\')">refund link</a></p>',
    "<iframe src=\"javascript:alert('frame')\"></iframe><p>frame</p>",
]
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\'svg file\')"><script>alert("svg script")</script></svg>'
HTML = b"<!doctype html><html><body><script>alert('html file')</script><img src=x onerror=alert('img')></body></html>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def dialogs(page):
    seen = []

    def record(dialog):
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return seen


@pytest.fixture
def ticket(shopify_store):
    made = factories.TicketFactory(store=shopify_store, subject="Parcel problem")
    for body in PAYLOADS:
        # Stored as it came, unsanitized, to show the page itself keeps it inert.
        factories.MessageFactory(ticket=made, body=body)
    return made


def kept_attachment(ticket, *, name: str, content: bytes, content_type: str, sha: str) -> Attachment:
    """The row ingest writes for an e-mail's attachment: whatever the mail said, stored privately."""
    message = factories.MessageFactory(ticket=ticket, body="<p>See attached</p>")
    attachment = Attachment(
        ticket=ticket,
        message=message,
        store=ticket.store,
        original_name=name,
        sha256=sha * 64,
        content_type=content_type,
        size=len(content),
        kind="other",
    )
    attachment.file.save("kept", ContentFile(content), save=True)
    return attachment


def test_buyer_payloads_render_inert(page, agent, ticket, dialogs):
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")
    expect(page.get_by_text("broken image")).to_be_visible()
    page.get_by_text("track my parcel").click()
    page.get_by_text("refund link").click()
    page.wait_for_timeout(300)  # time for anything that would run to run
    assert dialogs == []
    assert page.locator("[onerror], [onload], [onclick]").count() == 0
    assert page.locator("a[href^='javascript:' i], iframe, .msg-body script, .msg-body svg").count() == 0


def test_svg_and_html_attachments_download_instead_of_running(page, agent, ticket, dialogs, live_server):
    svg = kept_attachment(ticket, name="label.svg", content=SVG, content_type="image/svg+xml", sha="a")
    html = kept_attachment(ticket, name="invoice.html", content=HTML, content_type="text/html", sha="b")
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")
    for attachment in (svg, html):
        link = page.locator(".msg-files a", has_text=attachment.original_name)
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == attachment.original_name
    # Opened without the link's download attribute too: the server itself answers with a download.
    url = f"/tickets/{ticket.number}/evidence/file/?id={svg.pk}"
    with page.expect_download() as download:
        page.evaluate("url => { window.location.href = url; }", url)
    assert download.value.suggested_filename == "label.svg"
    page.wait_for_timeout(300)
    assert dialogs == []


def test_an_svg_upload_is_refused_with_a_clear_error(page, agent, ticket, dialogs):
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")
    page.locator("#evidence-file-panel").set_input_files(
        files=[{"name": "photo.svg", "mimeType": "image/svg+xml", "buffer": SVG}]
    )
    page.locator("#evidence").get_by_role("button", name="Upload").click()
    expect(page.locator("#evidence .error")).to_contain_text("SVG image")
    assert not Attachment.objects.filter(ticket=ticket).exists()
    assert dialogs == []
