"""IMAP access to one mailbox with IMAPClient: log in, open the folder read-only, list UIDs after a
cursor and fetch messages with ``BODY.PEEK[]`` (polling never sets \\Seen or changes the mailbox).

Errors become the adapters' errors: a refused login or a missing folder is permanent (a person
must fix the settings); network trouble and server hiccups are retryable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.utils.translation import gettext as _
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from ..base import PermanentError, RetryableError

TIMEOUT_SECONDS = 30
# A message larger than this is not fetched (it fails on its own, the cursor moves on).
MAX_MESSAGE_BYTES = 40 * 1024 * 1024


@dataclass(frozen=True)
class Folder:
    uidvalidity: int
    exists: int


class Mailbox:
    """An open, read-only IMAP folder. Use ``open_mailbox`` to get one."""

    def __init__(self, client: IMAPClient, folder: Folder) -> None:
        self.client = client
        self.folder = folder
        self.calls = 0

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs above ``last_uid``, ascending. ``UID n:*`` also returns the highest UID when none is
        above n (RFC 3501: ``*`` is the largest UID), so the result is filtered."""
        self.calls += 1
        found = self.client.search(["UID", f"{last_uid + 1}:*"])
        return sorted(uid for uid in (int(u) for u in found) if uid > last_uid)

    def sizes(self, uids: list[int]) -> dict[int, int]:
        if not uids:
            return {}
        self.calls += 1
        data = self.client.fetch(uids, ["RFC822.SIZE"])
        return {int(uid): int(item.get(b"RFC822.SIZE", 0)) for uid, item in data.items()}

    def bodies(self, uids: list[int]) -> dict[int, bytes]:
        """Each message's bytes; ``BODY.PEEK[]`` leaves its flags as they were."""
        if not uids:
            return {}
        self.calls += 1
        data = self.client.fetch(uids, ["BODY.PEEK[]"])
        out = {}
        for uid, item in data.items():
            body = item.get(b"BODY[]")
            if isinstance(body, bytes):
                out[int(uid)] = body
        return out


def _password(credentials: dict | None) -> str:
    return str((credentials or {}).get("password") or "")


@contextmanager
def open_mailbox(connection) -> Iterator[Mailbox]:
    """Log in to ``connection`` (a MailboxConnection) and EXAMINE its folder; log out after."""
    try:
        client = IMAPClient(connection.host, port=connection.port, ssl=connection.use_ssl, timeout=TIMEOUT_SECONDS)
    except (OSError, IMAPClientError) as error:
        raise RetryableError(
            _("Cannot reach the IMAP server %(host)s: %(error)s") % {"host": connection.host, "error": error}
        ) from error
    try:
        try:
            client.login(connection.username, _password(connection.credentials))
        except LoginError as error:
            raise PermanentError(
                _("The IMAP server refused the login of %(user)s.") % {"user": connection.username},
                platform_message=str(error),
            ) from error
        try:
            info = client.select_folder(connection.folder, readonly=True)
        except IMAPClientError as error:
            raise PermanentError(
                _("Cannot open the IMAP folder %(folder)s.") % {"folder": connection.folder},
                platform_message=str(error),
            ) from error
        folder = Folder(uidvalidity=int(info.get(b"UIDVALIDITY", 0)), exists=int(info.get(b"EXISTS", 0)))
        yield Mailbox(client, folder)
    except OSError as error:  # timeouts and TLS errors too
        raise RetryableError(_("IMAP connection failed: %(error)s") % {"error": error}) from error
    except IMAPClientError as error:
        raise RetryableError(_("The IMAP server answered an error: %(error)s") % {"error": error}) from error
    finally:
        with suppress(Exception):  # the session is over either way
            client.logout()
