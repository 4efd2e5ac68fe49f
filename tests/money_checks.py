"""Shared checks of the money tests: an API client for a user, and the money module's warnings."""

from __future__ import annotations

import logging

from rest_framework.test import APIClient


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def money_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "tickets.money" and r.levelno == logging.WARNING]
