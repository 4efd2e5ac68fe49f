"""Credentials encrypted at rest: Fernet keys from the environment, the first one encrypts.

``AFTERSALES_CREDENTIAL_KEYS`` holds one or more Fernet keys, comma separated. To rotate: put a
new key first, keep the old ones after it, run ``python manage.py rotate_credentials`` (every
row is re-encrypted under the first key), then drop the old keys. Locally, with no key set, a key
is generated once into ``var/credential.key`` so ``make run`` needs no settings; production
refuses to start without the variable (deploy check aftersales.E005).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

ENV = "AFTERSALES_CREDENTIAL_KEYS"


def _local_key_file() -> Path:
    return Path(settings.BASE_DIR) / "var" / "credential.key"


def configured_keys() -> list[bytes]:
    raw = os.environ.get(ENV, "").strip()
    if raw:
        return [key.strip().encode() for key in raw.split(",") if key.strip()]
    if not getattr(settings, "LOCAL_HTTP", False):
        raise ImproperlyConfigured(f"Set {ENV} to one or more Fernet keys (the first encrypts).")
    path = _local_key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(Fernet.generate_key())
    return [path.read_bytes().strip()]


@lru_cache(maxsize=8)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(f"{ENV} holds a key that is not a Fernet key: {error}") from error


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def encrypt(value: dict) -> str:
    return fernet().encrypt(json.dumps(value, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict:
    try:
        return json.loads(fernet().decrypt(token.encode()))
    except InvalidToken as error:
        raise ImproperlyConfigured(
            f"Stored credentials cannot be decrypted with the keys in {ENV}: was a key dropped too early?"
        ) from error


def rotate(token: str) -> str:
    return fernet().rotate(token.encode()).decode()


class EncryptedJSONField(models.TextField):
    """A dict stored as a Fernet token: never filterable, never shown, decrypted where it is used."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return {}
        return decrypt(value)

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        if value in (None, ""):
            return {}
        return decrypt(value)

    def get_prep_value(self, value):
        return encrypt(value or {})
