"""IMAP polling against the sandbox mail server over real sockets, with IMAPClient: pages, the UID
cursor, UIDVALIDITY changes, read-only fetching, logins; and the sandbox server's own answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from integrations.base import PermanentError
from integrations.email.adapter import EmailAdapter
from integrations.models import MailboxConnection
from integrations.sandbox.core import World
from integrations.sandbox.mail import MailServer, credentials
from tickets.models import Mailbox

ADDRESS = "support@acme.shopify.sandbox.test"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def server():
    world = World()
    mail = MailServer(world).start()
    yield mail
    mail.stop()


def message(n: int, *, message_id: bool = True) -> bytes:
    lines = [f"From: Buyer {n} <buyer{n}@example.com>", f"To: {ADDRESS}", f"Subject: Question {n}"]
    if message_id:
        lines.append(f"Message-ID: <m{n}@example.com>")
    return ("\r\n".join(lines) + f"\r\n\r\nBody {n}\r\n").encode()


def adapter_for(server: MailServer, *, password: str = "sandbox", folder: str = "INBOX", page_size: int = 50):
    # Unsaved rows: the adapter reads only their fields, and this test needs no database.
    mailbox = Mailbox(pk=7, address=ADDRESS)
    connection = MailboxConnection(
        mailbox=mailbox,
        host="127.0.0.1",
        port=server.imap_port,
        use_ssl=False,
        username=ADDRESS,
        credentials={"password": password},
        folder=folder,
    )
    return EmailAdapter(mailbox, connection, page_size=page_size)


def pull_all(adapter: EmailAdapter, cursor: dict) -> tuple[list, dict, int]:
    records, pages = [], 0
    while True:
        page = adapter.pull("mailbox:7", cursor, now=NOW)
        pages += 1
        records.extend(page.records)
        cursor = page.cursor
        if not page.has_more:
            return records, cursor, pages


def test_pulling_120_messages_in_pages_returns_each_once(server):
    for n in range(120):
        server.deliver(ADDRESS, message(n))
    records, cursor, pages = pull_all(adapter_for(server), {})
    ids = [r.external_id for r in records]
    assert pages == 3
    assert sorted(ids) == sorted(f"<m{n}@example.com>" for n in range(120)) and len(set(ids)) == 120
    assert cursor == {"uidvalidity": server.folder(ADDRESS).uidvalidity, "last_uid": 120}


def test_first_page_has_more_and_stops_at_page_size(server):
    for n in range(60):
        server.deliver(ADDRESS, message(n))
    page = adapter_for(server).pull("mailbox:7", {}, now=NOW)
    assert page.has_more is True and len(page.records) == 50 and page.cursor["last_uid"] == 50


def test_cursor_resumes_after_the_last_uid(server):
    for n in range(5):
        server.deliver(ADDRESS, message(n))
    adapter = adapter_for(server)
    _records, cursor, _pages = pull_all(adapter, {})
    server.deliver(ADDRESS, message(5))
    server.deliver(ADDRESS, message(6))
    page = adapter.pull("mailbox:7", cursor, now=NOW)
    assert [r.external_id for r in page.records] == ["<m5@example.com>", "<m6@example.com>"]
    assert page.cursor["last_uid"] == 7


def test_a_page_stops_before_its_bytes_exceed_the_budget(server, monkeypatch):
    from integrations.email import adapter as email_adapter

    for n in range(5):
        server.deliver(ADDRESS, message(n))
    monkeypatch.setattr(email_adapter, "PAGE_BYTES", 2 * len(message(0)) + 10)
    page = adapter_for(server).pull("mailbox:7", {}, now=NOW)
    assert len(page.records) == 2 and page.has_more is True and page.cursor["last_uid"] == 2


def test_nothing_new_returns_an_empty_page_and_keeps_the_cursor(server):
    # "UID 4:*" names the highest UID (3) when none is above 3: the adapter must not fetch it again.
    for n in range(3):
        server.deliver(ADDRESS, message(n))
    adapter = adapter_for(server)
    _records, cursor, _pages = pull_all(adapter, {})
    page = adapter.pull("mailbox:7", cursor, now=NOW)
    assert page.records == () and page.raw == () and page.cursor == cursor and page.has_more is False


def test_uidvalidity_change_restarts_from_the_first_uid(server):
    for n in range(4):
        server.deliver(ADDRESS, message(n))
    adapter = adapter_for(server)
    _records, cursor, _pages = pull_all(adapter, {})
    server.renumber(ADDRESS, uidvalidity=cursor["uidvalidity"] + 1)
    records, new_cursor, _pages = pull_all(adapter, cursor)
    assert len(records) == 4
    assert new_cursor == {"uidvalidity": cursor["uidvalidity"] + 1, "last_uid": 4}


def test_each_raw_page_is_one_message_as_base64_named_by_its_message_id(server):
    server.deliver(ADDRESS, message(1))
    server.deliver(ADDRESS, message(2, message_id=False))
    adapter = adapter_for(server)
    page = adapter.pull("mailbox:7", {}, now=NOW)
    assert page.raw[0].external_id == "<m1@example.com>"
    assert page.raw[1].external_id == page.records[1].external_id.strip() != ""
    records, failures = adapter.parse("mailbox:7", page.raw[0].body)
    assert failures == () and records[0].subject == "Question 1"


def test_unparsable_message_is_a_failure_and_the_cursor_moves_past_it(server):
    server.deliver(ADDRESS, b"\r\n\r\nno headers at all")
    server.deliver(ADDRESS, message(2))
    page = adapter_for(server).pull("mailbox:7", {}, now=NOW)
    assert [r.external_id for r in page.records] == ["<m2@example.com>"]
    assert len(page.failures) == 1 and page.failures[0][0]["uid"] == 1 and "base64" in page.failures[0][0]
    assert page.cursor["last_uid"] == 2


def test_polling_does_not_mark_messages_seen(server):
    server.deliver(ADDRESS, message(1))
    pull_all(adapter_for(server), {})
    assert server.folder(ADDRESS).messages[0].flags == set()


def test_wrong_password_is_a_permanent_error(server):
    with pytest.raises(PermanentError):
        adapter_for(server, password="wrong").pull("mailbox:7", {}, now=NOW)


def test_missing_folder_is_a_permanent_error(server):
    with pytest.raises(PermanentError):
        adapter_for(server, folder="Archive/2019").test_connection()


def test_test_connection_says_how_many_messages_the_folder_holds(server):
    for n in range(3):
        server.deliver(ADDRESS, message(n))
    assert "3" in adapter_for(server).test_connection()


def test_adapter_streams_name_the_mailbox(server):
    assert adapter_for(server).streams == ("mailbox:7",)


# --- the sandbox server itself, through IMAPClient ------------------------------------------------


def test_sandbox_imap_refuses_a_wrong_password(server):
    client = IMAPClient("127.0.0.1", port=server.imap_port, ssl=False, timeout=5)
    with pytest.raises(LoginError):
        client.login(ADDRESS, "nope")


def test_sandbox_imap_fetch_of_body_in_read_write_mode_sets_seen(server):
    server.deliver(ADDRESS, message(1))
    client = IMAPClient("127.0.0.1", port=server.imap_port, ssl=False, timeout=5)
    client.login(ADDRESS, credentials(ADDRESS)["password"])
    client.select_folder("INBOX")
    data = client.fetch([1], ["BODY[]", "FLAGS", "INTERNALDATE", "RFC822.SIZE"])
    client.logout()
    assert data[1][b"BODY[]"] == message(1) and data[1][b"RFC822.SIZE"] == len(message(1))
    assert server.folder(ADDRESS).messages[0].flags == {"\\Seen"}


def test_sandbox_imap_answers_id_and_search_all(server):
    for n in range(3):
        server.deliver(ADDRESS, message(n))
    client = IMAPClient("127.0.0.1", port=server.imap_port, ssl=False, timeout=5)
    client.login(ADDRESS, "sandbox")
    assert client.id_({"name": "test"})
    client.select_folder("INBOX", readonly=True)
    assert client.search("ALL") == [1, 2, 3]
    assert client.noop()
    client.logout()


def test_sandbox_mailboxes_are_separate_per_address(server):
    server.deliver("other@shop.test", message(1))
    client = IMAPClient("127.0.0.1", port=server.imap_port, ssl=False, timeout=5)
    client.login(ADDRESS, "sandbox")
    assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] == 0
    client.logout()


@pytest.mark.django_db
def test_sync_stream_pulls_the_mailbox_into_tickets_once(server):
    from integrations.sync import sync_stream
    from tests import factories
    from tickets.models import Message

    store = factories.StoreFactory(platform="email", name="Acme mail")
    mailbox = Mailbox.objects.create(store=store, address=ADDRESS)
    MailboxConnection.objects.create(
        mailbox=mailbox,
        host="127.0.0.1",
        port=server.imap_port,
        use_ssl=False,
        username=ADDRESS,
        credentials=credentials(ADDRESS),
    )
    for n in range(3):
        server.deliver(ADDRESS, message(n))
    sync_stream(store.pk, f"mailbox:{mailbox.pk}")
    sync_stream(store.pk, f"mailbox:{mailbox.pk}")
    assert sorted(Message.objects.filter(store=store).values_list("platform_message_id", flat=True)) == [
        f"<m{n}@example.com>" for n in range(3)
    ]
