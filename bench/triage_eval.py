"""Benchmark: how well the default triage rules classify the labelled corpus, per field and per language.

Runs every message of ``tests/fixtures/triage/corpus.jsonl`` through the rules engine's ``preview``
(``tickets/rules/evaluation.py``) as a new ticket's first message: the ``ticket_created`` rules,
then the ``message_received`` ones. By default the rules are the shipped defaults built unsaved
from ``tickets/rules/defaults.py`` with their keyword sets compiled in memory: no database is read
or written. ``--db`` reads the enabled default rules and keyword sets installed in DATABASE_URL's
database instead (after ``migrate``: what a store runs, edits included).

Prints one JSON object per line: ``{"name": "overall", …}`` then one ``{"name": "language", "language": "de", …}``
per language, each with ``messages`` and the accuracy of ``type``, ``reason``, ``tags`` (the set of
default tags, exact) and ``type_and_reason``; then ``{"name": "speed", "messages_per_s": …}``.
``--verbose`` adds one ``{"name": "miss", …}`` per message with a wrong field (expected, got, subject).
Targets: type and reason at least 90% overall, and at least 85% in every language.

Run: ``.venv/bin/python bench/triage_eval.py [--verbose] [--db] [--corpus PATH]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

import django  # noqa: E402

django.setup()

from tickets.rules import evaluation  # noqa: E402
from tickets.rules.facts import Facts  # noqa: E402

TARGET_OVERALL = 0.90
TARGET_LANGUAGE = 0.85


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(evaluation.CORPUS))
    parser.add_argument("--db", action="store_true", help="Use the rules and keyword sets installed in the database.")
    parser.add_argument("--verbose", action="store_true", help="List every message with a wrong field.")
    args = parser.parse_args()

    entries = evaluation.load_corpus(args.corpus)
    if args.db:
        rules, facts_class = evaluation.database_rules(), Facts
    else:
        rules, facts_class = evaluation.offline_rules(), evaluation.OfflineFacts
    evaluation.classify(entries[0], rules, facts_class=facts_class)  # load the language model once, untimed
    started = time.perf_counter()
    report = evaluation.evaluate_corpus(entries, rules, facts_class=facts_class)
    seconds = time.perf_counter() - started

    overall = report.overall.as_dict()
    overall["meets_target"] = all(report.overall.accuracy(f) >= TARGET_OVERALL for f in ("type", "reason"))
    print(json.dumps({"name": "overall", "rules": len(rules), "source": "db" if args.db else "defaults", **overall}))
    for language, scores in report.by_language.items():
        row = scores.as_dict()
        row["meets_target"] = all(scores.accuracy(f) >= TARGET_LANGUAGE for f in ("type", "reason"))
        print(json.dumps({"name": "language", "language": language, **row}))
    print(
        json.dumps(
            {
                "name": "speed",
                "messages": len(entries),
                "seconds": round(seconds, 3),
                "messages_per_s": round(len(entries) / seconds, 1) if seconds else None,
            }
        )
    )
    if args.verbose:
        for result in report.misses:
            wrong = [f for f in evaluation.FIELDS if not result.ok(f)]
            print(
                json.dumps(
                    {
                        "name": "miss",
                        "id": result.entry["id"],
                        "wrong": wrong,
                        "expected": result.expected,
                        "got": result.got,
                        "language": result.language,
                        "subject": result.entry.get("subject", ""),
                    },
                    ensure_ascii=False,
                )
            )


if __name__ == "__main__":
    main()
