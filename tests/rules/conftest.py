"""Fixtures of the triage tests: answers read in English.

The data migration's default rules and keyword sets are not installed in the test database
(``AFTERSALES_TRIAGE_DEFAULTS`` is off in tests/conftest.py): each test makes the rules it reads,
and tests/rules/test_triage_corpus.py installs the defaults itself.
"""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield
