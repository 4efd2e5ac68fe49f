#!/usr/bin/env python
"""Django's command-line entry point for Aftersales."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    # Commands typed on a developer's machine (makemigrations, shell, migrate) run as local plain
    # HTTP when nothing configures the process. A production process sets DJANGO_SECRET_KEY, so it is
    # untouched; the web server and the workers (wsgi.py, celery.py) never take this default, and
    # `check --deploy` fails on it (aftersales.E001).
    if not any(os.environ.get(name) for name in ("DJANGO_SECRET_KEY", "AFTERSALES_LOCAL_HTTP", "DJANGO_DEBUG")):
        os.environ["AFTERSALES_LOCAL_HTTP"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
