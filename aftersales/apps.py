"""App config of the project package: registers the deploy checks and makes the embedded default's
folders when Django starts (never when the settings are imported)."""

from __future__ import annotations

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


def make_embedded_folders() -> None:
    """Create only the folders in use: the SQLite file's, the filesystem broker's, beat's schedule's."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) != ":memory:":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    # Beat opens its schedule file before any signal we could hook; a missing folder would stop it.
    schedule = getattr(settings, "CELERY_BEAT_SCHEDULE_FILENAME", "")
    if schedule:
        Path(schedule).parent.mkdir(parents=True, exist_ok=True)


class AftersalesConfig(AppConfig):
    name = "aftersales"
    verbose_name = "Aftersales"

    def ready(self) -> None:
        from aftersales import checks  # noqa: F401  (registers the deploy checks)

        make_embedded_folders()
