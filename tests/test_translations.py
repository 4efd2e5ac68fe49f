"""The Simplified Chinese catalogue is complete, compiled, and keeps every placeholder."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|\{\{\s*\w+\s*\}\}|%s|%d")
ROOT = LOCALE.parents[2]


def catalogue():
    with (LOCALE / "django.po").open("rb") as handle:
        return [m for m in read_po(handle) if m.id]


def test_every_message_is_translated_and_none_is_fuzzy():
    messages = catalogue()
    assert len(messages) > 300
    untranslated = [m.id for m in messages if not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_translations_keep_their_placeholders():
    for message in catalogue():
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), source


def _text(context: str | bytes | None) -> str | None:
    return context.decode() if isinstance(context, bytes) else context  # Babel's .mo reader gives bytes


def test_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = {(_text(m.context), _plain(m.id)): _plain(m.string) for m in read_mo(handle) if m.id}
    # Keyed with the context too: one word ("Received") may mean two things, each translated apart.
    assert compiled == {(m.context, _plain(m.id)): _plain(m.string) for m in catalogue()}


def _plain(value):
    """A plural message's id and forms are lists (from the .mo) or tuples (from the .po)."""
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs gettext's xgettext (make messages)")
def test_catalogue_holds_every_string_the_code_marks(tmp_path):
    """A string marked for translation but missing from the catalogue would show in English."""
    copy = tmp_path / "app"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "tests", "bench", "__pycache__", "*.mo")
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans", "--no-obsolete", "-v0"],
        cwd=copy,
        check=True,
        timeout=120,
    )
    with (copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    missing = wanted - {m.id for m in catalogue()}
    assert not missing, f"run `make messages` and translate: {sorted(missing, key=str)[:10]}"
