"""``manage.py ingest_email [--store ID]``: read one RFC 822 message from stdin (a mail server's
pipe, e.g. Postfix ``pipe`` or an alias ``|manage.py ingest_email``) and feed it to its store.

Exit codes follow sysexits.h, because a mail server bounces on anything but 0 and 75:
  0   accepted: ingested, or kept in quarantine when no store's mailbox matched a recipient;
  65  EX_DATAERR: the input is not an email (the mail server bounces it);
  75  EX_TEMPFAIL: a transient error (the database is down, an unknown --store while the
      configuration is being fixed): the mail server keeps the message and tries again later.
"""

from __future__ import annotations

import base64
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from integrations.email.parse import EmailParseError, parse_email
from integrations.email.routing import quarantine, store_for_recipients
from integrations.email.routing import recipients as recipient_addresses
from integrations.models import PayloadStatus
from tickets.models import Store

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75
MAX_BYTES = 60 * 1024 * 1024


class Command(BaseCommand):
    help = _(
        "Read one email from stdin and ingest it into the store its recipient belongs to (or --store). "
        "Mail that matches no store is quarantined. Exit 0: accepted or quarantined; 65: not an email "
        "(bounce); 75: temporary failure, e.g. the database is down (the mail server retries)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--store", type=int, help=_("The store's id; default: found from the recipients."))

    def handle(self, *args, **options) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise CommandError(
                _("The email is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20}, returncode=EX_DATAERR
            )
        try:
            record = parse_email(raw)
        except EmailParseError as error:
            raise CommandError(str(error), returncode=EX_DATAERR) from error
        try:
            self._ingest(raw, record.external_id, options.get("store"))
        except (OperationalError, InterfaceError) as error:
            raise CommandError(
                _("Temporary failure, the mail server should retry: %(error)s") % {"error": error},
                returncode=EX_TEMPFAIL,
            ) from error

    def _ingest(self, raw: bytes, message_id: str, store_id: int | None) -> None:
        from integrations.sync import ingest_raw

        if store_id is not None:
            store = Store.objects.filter(pk=store_id).first()
            if store is None:
                raise CommandError(_("No store with id %(id)s.") % {"id": store_id}, returncode=EX_TEMPFAIL)
        else:
            addresses = recipient_addresses(raw)
            store = store_for_recipients(addresses)
            if store is None:
                kept = quarantine(raw, _("No store has a mailbox for %(to)s.") % {"to": ", ".join(addresses) or "-"})
                self.stderr.write(
                    _("Quarantined %(id)s: no store's mailbox among %(to)s.")
                    % {"id": message_id, "to": kept.recipients or "-"}
                )
                return
        row = ingest_raw(store, "email", {"base64": base64.b64encode(raw).decode("ascii")}, external_id=message_id)
        if row.status == PayloadStatus.FAILED:
            # Kept as a failed payload the admin can see and replay: the mail is not lost, no bounce.
            self.stderr.write(
                _("Stored %(id)s for %(store)s, but it failed: %(error)s")
                % {"id": message_id, "store": store, "error": row.error.splitlines()[0] if row.error else ""}
            )
            return
        if self.verbosity > 1:
            self.stdout.write(_("Ingested %(id)s into %(store)s.") % {"id": message_id, "store": store})
