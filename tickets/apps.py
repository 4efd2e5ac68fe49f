"""App config of the after-sales domain."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        # Connects the receivers that revoke API tokens on a password change, before any request
        # (or `manage.py changepassword`) needs them, and the one that copies a user's language and
        # time zone into the session at sign-in.
        from . import middleware  # noqa: F401
        from .api import auth  # noqa: F401

        # Rules and keyword sets are cached per process; any write to them invalidates it.
        from .rules import cache as rules_cache

        rules_cache.connect()

        # The triage rules hear of the domain events (tickets/rules/runner.py).
        from .rules import runner

        runner.connect()
