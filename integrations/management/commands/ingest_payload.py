"""``manage.py ingest_payload --store ID --stream STREAM FILE [--dry-run]``: feed a saved platform
answer (a page, a report, a webhook body, an email) through the path a sync takes.

``--dry-run`` writes nothing and prints each normalized record as a JSON line (money as
``{"amount": "12.50", "currency": "USD"}``, times ISO UTC with ``Z``, the record type in ``type``),
and each element that failed as ``{"type": "failure", "error": ...}``; the exit code is 1 when any
failed. Without it the body is stored as a RawPayload and processed, and one summary line printed.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from integrations import registry
from integrations.base import IntegrationError
from integrations.models import PayloadStatus
from integrations.sync import ingest_raw
from tickets.models import Store
from tickets.records import PlatformAmount

TEXT_SUFFIXES = {".xml", ".tsv", ".txt", ".csv"}
MAIL_SUFFIXES = {".eml"}


def read_body(path: Path, *, report_type: str = "") -> Any:
    """A saved answer as the body a RawPayload holds: JSON parsed, text as {"text"}, mail as {"base64"}."""
    data = path.read_bytes()
    name = path.name
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
        name = re.sub(r"\.gz$", "", name)
    suffix = Path(name).suffix.lower()
    if suffix in MAIL_SUFFIXES:
        return {"base64": base64.b64encode(data).decode()}
    text = data.decode("utf-8-sig", errors="replace")
    if suffix not in TEXT_SUFFIXES:
        try:
            return json.loads(text)
        except ValueError as error:
            if suffix == ".json":
                raise CommandError(_("%(file)s is not JSON: %(error)s") % {"file": path, "error": error}) from error
    body: dict[str, Any] = {"text": text}
    if report_type:
        body["report_type"] = report_type
    return body


def plain(value: Any) -> Any:
    """A record as JSON-able data: money as amount + currency, times ISO UTC with Z."""
    if isinstance(value, PlatformAmount):
        data = {"amount": f"{value.amount:f}", "currency": value.currency}
        if value.raw:
            data["raw"] = value.raw
        return data
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def record_line(record: Any) -> str:
    kind = type(record).__name__.removesuffix("Record").lower()
    return json.dumps({"type": kind, **plain(record)}, ensure_ascii=False, sort_keys=False)


class Command(BaseCommand):
    help = _("Feed a saved platform answer (page, report, webhook body, email) through the sync path.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--store", type=int, required=True, help=_("The store's id."))
        parser.add_argument(
            "--stream", required=True, help=_('e.g. "orders", "returns", "webhook:orders/create", "email".')
        )
        parser.add_argument("--dry-run", action="store_true", help=_("Write nothing; print the records as JSON lines."))
        parser.add_argument("--report-type", default="", help=_("The report type of a saved report (Amazon)."))

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": path})
        try:
            store = Store.objects.get(pk=options["store"])
        except Store.DoesNotExist as error:
            raise CommandError(_("No store %(id)s.") % {"id": options["store"]}) from error
        stream = options["stream"]
        body = read_body(path, report_type=options["report_type"])
        if options["dry_run"]:
            self._dry_run(store, stream, body)
            return
        row = ingest_raw(store, stream, body, external_id=f"file:{path.name}"[:191])
        self.stdout.write(
            _("Raw payload %(id)s: %(status)s, %(records)d record(s).%(error)s")
            % {
                "id": row.pk,
                "status": row.status,
                "records": row.records,
                "error": f" {row.error}" if row.error else "",
            }
        )
        if row.status == PayloadStatus.FAILED:
            raise SystemExit(1)

    def _dry_run(self, store: Store, stream: str, body: Any) -> None:
        try:
            records, failures = registry.parser_for(store, stream)(body)
        except (IntegrationError, ValueError) as error:
            failures, records = ((None, str(error)),), ()
        for record in records:
            self.stdout.write(record_line(record))
        for element, error in failures:
            line = {"type": "failure", "error": str(error)}
            if element is not None:
                line["element"] = plain(element)
            self.stdout.write(json.dumps(line, ensure_ascii=False, default=str))
        if failures:
            raise SystemExit(1)
