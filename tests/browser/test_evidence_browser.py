"""Evidence in real Chromium: an agent uploads a photo on the ticket page, sees its thumbnail and
the checklist move; the page stays within a 390 px phone screen."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import Attachment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(color="red", size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def ticket(shopify_store):
    return factories.TicketFactory(store=shopify_store, subject="Teapot arrived cracked", reason="damaged_in_transit")


def test_an_agent_uploads_a_photo_and_sees_its_thumbnail_and_the_checklist_move(page, agent, ticket):
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")
    panel = page.locator("#evidence")
    expect(panel.locator("[data-requirement=photos]")).to_have_class("missing")
    page.locator("#evidence-kind-panel").select_option("photo")
    page.locator("#evidence-file-panel").set_input_files(
        files=[{"name": "crack.png", "mimeType": "image/png", "buffer": png()}]
    )
    panel.get_by_role("button", name="Upload").click()
    thumb = page.locator("#evidence img[alt='crack.png']")
    expect(thumb).to_be_visible()
    expect(page.locator(".toast", has_text="crack.png attached")).to_be_visible()
    expect(thumb).to_have_js_property("complete", True)  # loaded (or failed: then its width is 0)
    assert thumb.evaluate("img => img.naturalWidth") == 320  # our thumbnail, loaded through its scoped URL
    expect(page.locator("#evidence [data-requirement=photos]")).to_have_class("done")
    expect(page.locator("#evidence [data-requirement=unboxing_video]")).to_have_class("missing")
    assert Attachment.objects.get(ticket=ticket).kind == "photo"


def test_the_evidence_panel_fits_a_phone(page, agent, ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tickets.services.evidence import attach_evidence

    name = "a-very-long-file-name-from-a-phone-camera-IMG_20261203_094512_HDR_portrait_mode.png"
    attach_evidence(ticket=ticket, actor=agent, upload=SimpleUploadedFile(name, png()), kind="photo")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")
    expect(page.locator("#evidence img")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
