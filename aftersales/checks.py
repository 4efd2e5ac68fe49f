"""Deploy checks (`manage.py check --deploy`): the embedded default and plain local HTTP are for trying
Aftersales on one machine, never for production, and say what to set instead."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

# Not Tags.database: Django runs those only when `check --database` names one.
TAG = "aftersales"


@register(TAG, deploy=True)
def local_http_is_off(app_configs=None, **kwargs) -> list[Error]:
    if not settings.LOCAL_HTTP:
        return []
    return [
        Error(
            "AFTERSALES_LOCAL_HTTP is on: plain HTTP with no HTTPS redirect, session and CSRF cookies "
            "sent without TLS, no HSTS, local host names and, without DJANGO_SECRET_KEY, a development key.",
            hint="It is for `make run` on this machine. In production unset AFTERSALES_LOCAL_HTTP and "
            "DJANGO_DEBUG, and set DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.",
            id="aftersales.E001",
        )
    ]


@register(TAG, deploy=True)
def debug_is_off(app_configs=None, **kwargs) -> list[Error]:
    # Django's own security.W018 is only a warning; the debug page lists every URL and settings.
    if not settings.DEBUG:
        return []
    return [
        Error(
            "DJANGO_DEBUG is on: every error shows Django's debug page, with the URL list, the code and the settings.",
            hint="Unset DJANGO_DEBUG in production (it defaults to off).",
            id="aftersales.E004",
        )
    ]


@register(TAG, deploy=True)
def database_is_not_sqlite(app_configs=None, **kwargs) -> list[Error]:
    return [
        Error(
            "SQLite is for trying Aftersales only: select_for_update does nothing on SQLite, so the row "
            "locks that keep two refunds from spending the same money do not hold, and one writer at a "
            "time stalls the web, the workers and beat.",
            hint="Set DATABASE_URL=postgres://user:password@host:5432/aftersales.",
            obj=f"DATABASES[{alias!r}]",
            id="aftersales.E002",
        )
        for alias, database in settings.DATABASES.items()
        if database["ENGINE"] == "django.db.backends.sqlite3"
    ]


@register(TAG, deploy=True)
def broker_is_not_embedded(app_configs=None, **kwargs) -> list[Error]:
    scheme = str(getattr(settings, "CELERY_BROKER_URL", "") or "").partition("://")[0].lower()
    if scheme not in {"filesystem", "memory"}:
        return []
    return [
        Error(
            f"The {scheme} broker gives no redelivery after a crash: a task a worker held when it died "
            "(a sync page, a refund's outbox action) is lost, and workers on other machines never see its queues.",
            hint="Set REDIS_URL=redis://host:6379/0: the Celery broker and the shared cache.",
            id="aftersales.E003",
        )
    ]


@register(TAG, deploy=True)
def credential_keys_are_set(app_configs=None, **kwargs) -> list[Error]:
    # Locally a generated key file in var/ stands in; in production a lost var/ would make every
    # store's credentials unreadable, and a key on disk beside the database protects nothing.
    import os

    if settings.LOCAL_HTTP or os.environ.get("AFTERSALES_CREDENTIAL_KEYS", "").strip():
        return []
    return [
        Error(
            "AFTERSALES_CREDENTIAL_KEYS is not set: store and mailbox credentials cannot be encrypted or read.",
            hint='Set AFTERSALES_CREDENTIAL_KEYS to a Fernet key (python -c "from cryptography.fernet import '
            'Fernet; print(Fernet.generate_key().decode())"); to rotate, put a new key first, run '
            "`manage.py rotate_credentials`, then drop the old one.",
            id="aftersales.E005",
        )
    ]
