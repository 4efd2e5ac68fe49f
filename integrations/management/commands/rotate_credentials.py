"""``manage.py rotate_credentials``: re-encrypt every stored credential under the first key."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.translation import gettext as _

from integrations.crypto import rotate
from integrations.models import MailboxConnection, StoreConnection


class Command(BaseCommand):
    help = _(
        "Re-encrypt every store and mailbox connection's credentials under the first key of "
        "AFTERSALES_CREDENTIAL_KEYS, so the older keys can be dropped."
    )

    def handle(self, *args, **options) -> None:
        # One transaction: a row no key can read stops the command and leaves every row as it was.
        # The tokens are rotated as stored (MultiFernet.rotate), never decrypted into Python dicts.
        with transaction.atomic():
            stores = _rotate_table(StoreConnection)
            mailboxes = _rotate_table(MailboxConnection)
        self.stdout.write(
            _("Re-encrypted %(stores)d store connection(s) and %(mailboxes)d mailbox connection(s).")
            % {"stores": stores, "mailboxes": mailboxes}
        )


def _rotate_table(model) -> int:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = quote(model._meta.get_field("credentials").column)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM {table} ORDER BY id{lock}")  # noqa: S608 - names quoted
        rows = [(pk, token) for pk, token in cursor.fetchall() if token]
        for pk, token in rows:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [rotate(token), pk])  # noqa: S608
    return len(rows)
