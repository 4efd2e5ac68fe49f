"""Settings, read from the environment (12-factor). Every variable is documented in README.md.

With nothing set, Aftersales runs on the embedded default: SQLite and a Celery broker on the
filesystem, both under ``var/``. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
Production is the default: it needs ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``, and debug is off
unless ``DJANGO_DEBUG=1``. ``AFTERSALES_LOCAL_HTTP=1`` (``make run`` sets it) serves plain HTTP on this
machine instead, still without debug; ``check --deploy`` fails on it, on SQLite and on the filesystem broker.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- The production switches -------------------------------------------------------------------
# Debug pages show code, settings and the URL list: only when asked for.
DEBUG = env_bool("DJANGO_DEBUG", False)
# Plain HTTP on this machine (make run): no HTTPS redirect, no secure-only cookies, no HSTS, local host
# names, a development key; the product's own error pages still, as debug stays off. Debug implies it
# unless it is set to 0; `check --deploy` fails on it (aftersales/checks.py).
LOCAL_HTTP = env_bool("AFTERSALES_LOCAL_HTTP", DEBUG)
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not LOCAL_HTTP:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set (50 or more random characters). To try Aftersales on this "
            "machine over plain HTTP instead, set AFTERSALES_LOCAL_HTTP=1 (make run does)."
        )
    # The prefix makes Django's own deploy check (security.W009) call it insecure as well.
    SECRET_KEY = "django-insecure-dev-only-key-8c1f0a6e2b7d4e59a3c6b1d0f2e8a7c4"
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if LOCAL_HTTP else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# --- Where the embedded default keeps its files ------------------------------------------------
# Importing the settings creates nothing: only the embedded default's folders in use (SQLite,
# filesystem broker, beat schedule) are made when Django starts (aftersales/apps.py); with
# PostgreSQL and Redis, nothing is written here, so a read-only image works.
VAR_DIR = Path(env("AFTERSALES_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "aftersales.apps.AftersalesConfig",
    "tickets",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "aftersales.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in user's own language and time zone (after Locale- and AuthenticationMiddleware).
    "tickets.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------------
# The URL holds the password: it stays out of the settings (lowercase is not a setting), and
# DEFAULT_EXCEPTION_REPORTER_FILTER below hides it wherever else it shows.
_database_url = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'aftersales.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside a writer, IMMEDIATE
    # takes the write lock at BEGIN so two writers queue instead of failing mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when there is one, else files every process shares ---------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth --------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username + address first
    "tickets.auth.Backend",  # ModelBackend, the permissions in one query
]
# Brute force: after this many failed logins for one username from one address, that pair is
# locked for the cool-off; the same user elsewhere, or another user here, is not.
AXES_FAILURE_LIMIT = env_int("AFTERSALES_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AFTERSALES_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# In production whitenoise serves what collectstatic wrote to STATIC_ROOT. Locally, with debug off,
# it serves the source folders as they change, so make run needs no collectstatic.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = LOCAL_HTTP or DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Evidence is private: MEDIA_ROOT is never served as a URL, only through auth-checked views.
MEDIA_ROOT = Path(env("AFTERSALES_MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Evidence uploads: the largest file accepted (counted while it streams in, whatever Content-Length
# says) and the most pixels an image may decode to (a guard against decompression bombs).
EVIDENCE_MAX_BYTES = env_int("AFTERSALES_EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)
EVIDENCE_MAX_IMAGE_PIXELS = env_int("AFTERSALES_EVIDENCE_MAX_PIXELS", 50_000_000)

# --- Security (check --deploy is clean with the production switches, PostgreSQL and Redis) -----
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE_SECONDS", 60 * 60 * 12)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not LOCAL_HTTP)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not LOCAL_HTTP
CSRF_COOKIE_SECURE = not LOCAL_HTTP
# No script reads the CSRF cookie: pages hand HTMX the token (base.html's hx-headers), forms carry it.
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if LOCAL_HTTP else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL_HTTP
SECURE_HSTS_PRELOAD = not LOCAL_HTTP
# Behind the TLS proxy: trust its X-Forwarded-Proto, and take the client address from the
# X-Forwarded-For entry the nearest of TLS_PROXY_COUNT proxies appended (aftersales/security.py).
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
TLS_PROXY_COUNT = env_int("DJANGO_TLS_PROXY_COUNT", 1)
if TLS_PROXY_COUNT < 1:
    raise ImproperlyConfigured("DJANGO_TLS_PROXY_COUNT must be at least 1.")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
AXES_CLIENT_IP_CALLABLE = "aftersales.security.client_ip_address"
# Service URLs carry passwords under names Django's own filter shows (DATABASE_URL in the
# environment, REDIS_URL, CELERY_BROKER_URL, the cache's LOCATION): hide them on debug pages and in mails.
DEFAULT_EXCEPTION_REPORTER_FILTER = "aftersales.security.SecretsHidingFilter"

# --- REST API ----------------------------------------------------------------------------------
# API tokens (django-rest-knox) are stored as a SHA-512 digest and stop working after this TTL.
API_TOKEN_TTL_HOURS = env_int("AFTERSALES_API_TOKEN_TTL_HOURS", 24 * 30)
if API_TOKEN_TTL_HOURS < 1:
    raise ImproperlyConfigured("AFTERSALES_API_TOKEN_TTL_HOURS must be at least 1.")
REST_KNOX = {"TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS), "AUTH_HEADER_PREFIX": "Token"}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tickets.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["tickets.api.filters.ContractFilterBackend"],
    # JSON only: the schema promises JSON, and /api/docs/ is the page for people.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["tickets.api.parsers.JSONParser", "rest_framework.parsers.FormParser"],
    "DEFAULT_SCHEMA_CLASS": "tickets.api.schema.ContractAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "tickets.api.pagination.IdCursor",
    "EXCEPTION_HANDLER": "tickets.api.errors.exception_handler",
    # POST /api/auth/token/ per client address; the API fuzz run raises it for its own server only.
    # Refund requests and decisions per user: far above a person's pace, a brake on a runaway script.
    "DEFAULT_THROTTLE_RATES": {
        "token": env("AFTERSALES_API_TOKEN_RATE", "20/min"),
        "refund_writes": env("AFTERSALES_API_REFUND_WRITE_RATE", "120/min"),
    },
    # Our throttles count clients by aftersales.security.client_ip_address; this keeps any plain DRF
    # throttle from trusting a client's own X-Forwarded-For (it does when NUM_PROXIES is None).
    "NUM_PROXIES": TLS_PROXY_COUNT if BEHIND_TLS_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Aftersales API",
    "DESCRIPTION": "Tickets, orders, refunds and stores of the stores you are a member of.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Ticket and refund both have a "status": name their enums instead of a hash suffix.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.states.TicketStatus",
        "RefundStatusEnum": "tickets.states.RefundStatus",
    },
}

# --- Celery ------------------------------------------------------------------------------------
# Redis hands an unacknowledged (acks_late) message to another worker after this many seconds,
# so every task's time limit, and any countdown, stays below it.
BROKER_VISIBILITY_TIMEOUT = env_int("AFTERSALES_BROKER_VISIBILITY_TIMEOUT", 3600)
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The worker writes a heartbeat this often; /healthz calls a worker dead after STALE seconds.
WORKER_HEARTBEAT_SECONDS = env_int("AFTERSALES_WORKER_HEARTBEAT_SECONDS", 10)
WORKER_STALE_SECONDS = env_int("AFTERSALES_WORKER_STALE_SECONDS", 60)
# Every task is killed before its message could be handed out a second time; the soft limit
# comes first so the task can log and give up cleanly. Tasks may set shorter limits of their own.
CELERY_TASK_TIME_LIMIT = env_int("AFTERSALES_TASK_TIME_LIMIT", min(600, BROKER_VISIBILITY_TIMEOUT // 2))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - max(1, CELERY_TASK_TIME_LIMIT // 10)
if not 1 < CELERY_TASK_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "AFTERSALES_TASK_TIME_LIMIT must be above 1 and below AFTERSALES_BROKER_VISIBILITY_TIMEOUT "
        f"({BROKER_VISIBILITY_TIMEOUT} s), or a slow task is handed to a second worker while it runs."
    )
# Beat sends a canary task to each queue this often; /healthz calls a queue stalled when no canary
# ran on it for QUEUE_STALE_SECONDS, and beat dead when its scheduler has not ticked for BEAT_STALE.
CANARY_SECONDS = env_int("AFTERSALES_CANARY_SECONDS", 15)
QUEUE_STALE_SECONDS = env_int("AFTERSALES_QUEUE_STALE_SECONDS", 60)
BEAT_HEARTBEAT_SECONDS = env_int("AFTERSALES_BEAT_HEARTBEAT_SECONDS", 5)
BEAT_STALE_SECONDS = env_int("AFTERSALES_BEAT_STALE_SECONDS", 60)
if not 0 < CANARY_SECONDS < QUEUE_STALE_SECONDS:
    raise ImproperlyConfigured("AFTERSALES_CANARY_SECONDS must be above 0 and below AFTERSALES_QUEUE_STALE_SECONDS.")
if not 0 < BEAT_HEARTBEAT_SECONDS < BEAT_STALE_SECONDS:
    raise ImproperlyConfigured(
        "AFTERSALES_BEAT_HEARTBEAT_SECONDS must be above 0 and below AFTERSALES_BEAT_STALE_SECONDS."
    )

# --- Domain settings ---------------------------------------------------------------------------
# A resolved ticket with no word from the buyer for this long is closed by the system.
AUTO_CLOSE_RESOLVED_AFTER_HOURS = env_int("AFTERSALES_AUTO_CLOSE_HOURS", 96)

# Triage rules run on the "triage" queue; inline, they run in-process right after the commit that
# raised the event (tests, the demo, a desk with no worker).
AFTERSALES_TRIAGE_INLINE = env_bool("AFTERSALES_TRIAGE_INLINE", False)
# The data migration 0017_default_triage installs the shipped keyword sets, macros and rules
# (tickets/rules/defaults.py). The test suite turns it off so each test starts with no rules.
AFTERSALES_TRIAGE_DEFAULTS = env_bool("AFTERSALES_TRIAGE_DEFAULTS", True)

# The refund report: a month with more refunds than this is exported by a background task (with
# a progress bar) instead of inside the web request.
EXPORT_INLINE_ROWS = env_int("AFTERSALES_EXPORT_INLINE_ROWS", 50_000)

# --- Integrations ---------------------------------------------------------------------------------
# An accepted asynchronous push (an eBay refund PENDING, an Amazon feed in its queue) is asked
# about this often until it settles.
OUTBOX_POLL_SECONDS = env_int("AFTERSALES_OUTBOX_POLL_SECONDS", 60)
# An open inbox asks for new and changed tickets this often (two indexed queries per ask).
INBOX_POLL_SECONDS = env_int("AFTERSALES_INBOX_POLL_SECONDS", 15)
# The inbox's view counts are kept this long per user (0: counted on every page view).
INBOX_COUNTS_SECONDS = env_int("AFTERSALES_INBOX_COUNTS_SECONDS", 20)
# An open ticket page tells who else is on it this often; a typing agent pings at most every
# PRESENCE_TYPING_SECONDS. Both kept in the cache (Redis, or files the processes share), never the database.
PRESENCE_POLL_SECONDS = env_int("AFTERSALES_PRESENCE_POLL_SECONDS", 10)
PRESENCE_TYPING_SECONDS = env_int("AFTERSALES_PRESENCE_TYPING_SECONDS", 3)
# The bell in the top bar asks for its unread count this often.
NOTIFICATION_POLL_SECONDS = env_int("AFTERSALES_NOTIFICATION_POLL_SECONDS", 60)
# Where people open Aftersales, for the links in notification e-mails (e.g. https://desk.example.com).
SITE_URL = env("AFTERSALES_SITE_URL", "http://127.0.0.1:8000" if LOCAL_HTTP else "").rstrip("/")
# The sandbox marketplace (``manage.py sandbox``, started by ``make run``): where it listens, and
# how much faster than real time its scenario runs (its limits, and our quotas for it, scale along).
SANDBOX_HOST = env("AFTERSALES_SANDBOX_HOST", "127.0.0.1")
SANDBOX_PORT = env_int("AFTERSALES_SANDBOX_PORT", 8765)
SANDBOX_IMAP_PORT = env_int("AFTERSALES_SANDBOX_IMAP_PORT", 8143)
SANDBOX_SMTP_PORT = env_int("AFTERSALES_SANDBOX_SMTP_PORT", 8025)
SANDBOX_SPEED = env_int("AFTERSALES_SANDBOX_SPEED", 60)

# Outbound mail (replies to buyers). Locally it goes to the sandbox's mail server, so nothing
# leaves the machine; production sets EMAIL_HOST and friends.
EMAIL_HOST = env("EMAIL_HOST", SANDBOX_HOST if LOCAL_HTTP else "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", SANDBOX_SMTP_PORT if LOCAL_HTTP else 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "support@aftersales.localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
}
