"""The parameter spec shared by conditions, actions, rule validation and the editor's form builder.

A condition or action type names its parameters once (``Param``); ``schema.validate_rule`` checks
a rule's JSON against them and the editor builds its fields from them, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Every kind a parameter may have; schema.py checks each of them, the editor renders each of them.
KINDS = (
    "keyword_sets",  # list of keyword set names (a store's set overrides the global one of that name)
    "choice",  # one of ``choices``
    "choices",  # non-empty list, each one of ``choices``
    "text",  # free text (a note, an escalation message)
    "int",  # whole number >= 0
    "money",  # plain decimal string such as "200.00" (its currency is the sibling "currency" param)
    "currency",  # ISO 4217 code
    "op",  # comparison: gt, gte, lt, lte
    "tags",  # list of tag slugs
    "stores",  # list of store ids
    "macro",  # a macro id
    "team",  # a team id
    "user",  # a user id (a member of the rule's store)
    "policy",  # an SLA policy id
    "strings",  # non-empty list of free strings (SKUs, categories)
    "bool",  # true/false (a condition's "main")
)

OPS: tuple[tuple[str, Promise], ...] = (
    ("gt", _("more than")),
    ("gte", _("at least")),
    ("lt", _("less than")),
    ("lte", _("at most")),
)
OP_SYMBOLS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def compare(op: str, left, right) -> bool:
    if op == "gt":
        return left > right
    if op == "gte":
        return left >= right
    if op == "lt":
        return left < right
    if op == "lte":
        return left <= right
    raise ValueError(f"unknown comparison {op!r}")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    label: Promise | str
    required: bool = True
    choices: Sequence[tuple[str, Promise | str]] | None = None  # for choice / choices / op
    help: Promise | str = ""
    default: Any = None  # the value used when an optional param is left out

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown param kind {self.kind!r}")
        if self.kind == "op" and self.choices is None:
            object.__setattr__(self, "choices", OPS)

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(value for value, _label in (self.choices or ()))


@dataclass(frozen=True)
class ConditionType:
    name: str
    label: Promise | str
    params: tuple[Param, ...]
    # evaluate(facts, params) -> (result, why); ``why`` is translated, with the evidence.
    evaluate: Callable[[Any, dict], tuple[bool, str]]
    # Relative cost, lower first: the engine evaluates a rule's cheap conditions before its text ones.
    cost: int = 1
    help: Promise | str = ""


@dataclass(frozen=True)
class ActionType:
    name: str
    label: Promise | str
    params: tuple[Param, ...]
    describe: Callable[[dict], str]
    apply: Callable[..., str] | None = None
    help: Promise | str = ""
