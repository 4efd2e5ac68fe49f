"""The rule editor's form ↔ a rule's JSON: the rule's own fields plus rows of conditions and actions,
each row a type and the fields of that type's params (tickets/rules/params.py).

Pure: no database. A row is named by a key the page chose (``c3``, ``a7``), not by its index, so rows
can be added, removed and moved in the browser without renumbering; the order of the hidden
``conditions`` / ``actions`` inputs is the rule's order. Field names: ``c3-type``, ``c3-not``,
``c3-p-<param>``. Errors from ``schema.validate_rule`` (``"conditions.0.sets"``) are mapped back to
the row they belong to by that order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ..models.rules import TIME_EVENTS
from ..validators import small_int

RULE_FIELDS = ("name", "description", "store", "event", "threshold", "stop_after_match", "enabled")
LIST_KINDS = frozenset({"keyword_sets", "choices", "stores"})  # checkboxes: several values
COMMA_KINDS = frozenset({"tags", "strings"})  # typed as a comma-separated list
ID_KINDS = frozenset({"macro", "team", "user", "policy"})  # one id from a select
SECTIONS = {"conditions": "c", "actions": "a"}  # the list's name → its row keys' prefix
_KEY = re.compile(r"^[ca][0-9]{1,6}$")


@dataclass
class Draft:
    """What the form says: the rule's fields as the service takes them, and the row keys in order."""

    fields: dict[str, Any]
    conditions: list[dict]
    actions: list[dict]
    keys: dict[str, list[str]]  # "conditions" → ["c0", "c3"], "actions" → ["a1"]


def parse(data: Mapping, conditions: Mapping, actions: Mapping) -> Draft:
    """The draft rule in a POSTed form (a QueryDict). ``conditions`` / ``actions``: the registries
    (name → ConditionType / ActionType). Values the form cannot convert (a word in a number field)
    are passed on as typed, so the one validator (schema.validate_rule) names the field."""
    fields: dict[str, Any] = {
        "name": data.get("name", "").strip(),
        "description": data.get("description", "").strip(),
        "store": _id(data.get("store", "")),
        "event": data.get("event", ""),
        "threshold": _int(data.get("threshold", "")),
        "stop_after_match": _checked(data, "stop_after_match"),
        "enabled": _checked(data, "enabled"),
    }
    if fields["event"] not in TIME_EVENTS:
        fields["threshold"] = None  # the field is hidden, not emptied, when the event changes
    keys = {section: _keys(data, section) for section in SECTIONS}
    return Draft(
        fields=fields,
        conditions=[_item(data, key, conditions, negatable=True) for key in keys["conditions"]],
        actions=[_item(data, key, actions, negatable=False) for key in keys["actions"]],
        keys=keys,
    )


def _keys(data: Mapping, section: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    raw = getlist(section) if getlist else data.get(section, [])
    seen: list[str] = []
    for key in raw:
        if _KEY.match(key) and key[0] == SECTIONS[section] and key not in seen:
            seen.append(key)
    return seen


def _item(data: Mapping, key: str, registry: Mapping, *, negatable: bool) -> dict:
    kind = data.get(f"{key}-type", "")
    item: dict[str, Any] = {"type": kind}
    spec = registry.get(kind)
    for param in spec.params if spec else ():
        value = read_param(data, f"{key}-p-{param.name}", param.kind)
        if (_empty(value) or value is False) and not param.required:
            continue
        item[param.name] = value
    if negatable and _checked(data, f"{key}-not"):
        item["not"] = True
    return item


def read_param(data: Mapping, name: str, kind: str) -> Any:
    """One param's value from the form, in the JSON's type."""
    if kind in LIST_KINDS:
        getlist = getattr(data, "getlist", None)
        values = [v for v in (getlist(name) if getlist else data.get(name, [])) if v != ""]
        return [_int(v) for v in values] if kind == "stores" else values
    raw = data.get(name, "")
    if kind in COMMA_KINDS:
        return split_list(raw)
    if kind == "bool":
        return raw in ("on", "true", "1")
    if kind in ID_KINDS or kind == "int":
        return _int(raw)
    if kind == "money":
        return raw.strip().replace(" ", "")
    return raw.strip() if isinstance(raw, str) else raw


def split_list(raw: str) -> list[str]:
    """ "a, b,,c" → ["a", "b", "c"]; full-width and ideographic commas count too (CJK keyboards)."""
    parts = re.split(r"[,，、;\n]", raw or "")
    out: list[str] = []
    for part in parts:
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


def _checked(data: Mapping, name: str) -> bool:
    return data.get(name, "") in ("on", "true", "1")


def _id(raw: str) -> int | None:
    value = _int(raw)
    return value if isinstance(value, int) else None


def _int(raw: Any) -> Any:
    if raw is None or raw == "":
        return None
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    number = small_int(text)
    return number if number is not None else text


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


# --- Rendering: rows and their fields -------------------------------------------------------------


@dataclass
class Widget:
    """One param's field as the template draws it."""

    name: str  # the form field's name
    param: str  # the param's name (for ids and error keys)
    kind: str
    label: str
    help: str
    required: bool
    value: str = ""  # text, int, money, comma lists, the selected value of a select
    selected: frozenset[str] = frozenset()  # checkboxes
    options: Sequence[tuple[str, str]] = ()
    errors: list[str] = field(default_factory=list)
    default: Any = None

    @property
    def blank(self) -> bool:
        """An empty first option: "choose…" when required, "—" when leaving it out means nothing."""
        return self.required or self.default in (None, "")

    @property
    def input_id(self) -> str:
        return f"f-{self.name}"

    @property
    def multiple(self) -> bool:
        return self.kind in LIST_KINDS

    @property
    def select(self) -> bool:
        return self.kind in ("choice", "op", "currency") or self.kind in ID_KINDS


@dataclass
class Row:
    key: str
    section: str  # "conditions" | "actions"
    type: str
    negate: bool
    widgets: list[Widget]
    errors: list[str] = field(default_factory=list)  # the row's own: its type, its "not"

    @property
    def prefix(self) -> str:
        return self.key


def widgets_for(spec, key: str, values: Mapping, options: Mapping[str, Sequence[tuple[str, str]]], errors=None):
    """The fields of one row's params, filled with ``values`` (the row's JSON)."""
    errors = errors or {}
    out = []
    for param in spec.params if spec else ():
        value = values.get(param.name, param.default)
        widget = Widget(
            name=f"{key}-p-{param.name}",
            param=param.name,
            kind=param.kind,
            label=str(param.label),
            help=str(param.help or ""),
            required=param.required,
            errors=list(errors.get(param.name, ())),
            default=param.default,
        )
        if param.kind in ("choice", "choices", "op"):
            widget.options = [(str(v), str(label)) for v, label in param.choices or ()]
        elif param.kind in options:
            widget.options = list(options[param.kind])
        if param.kind in LIST_KINDS:
            listed = value if isinstance(value, list | tuple) else []
            widget.selected = frozenset(str(v) for v in listed)
            known = {v for v, _label in widget.options}
            # A value no longer offered (a set since deleted) stays visible, so saving does not drop it silently.
            widget.options = list(widget.options) + [(str(v), str(v)) for v in listed if str(v) not in known]
            if param.kind == "keyword_sets":
                # Many sets scroll in their box: the ticked ones first, so what the rule uses shows.
                widget.options = sorted(widget.options, key=lambda option: option[0] not in widget.selected)
        elif param.kind in COMMA_KINDS:
            widget.value = ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value or "")
        elif param.kind == "bool":
            widget.value = "on" if value else ""
        else:
            widget.value = "" if value is None else str(value)
            if widget.select and widget.value and widget.value not in {v for v, _label in widget.options}:
                widget.options = list(widget.options) + [(widget.value, widget.value)]
        out.append(widget)
    return out


def rows_for(
    section: str,
    items: Sequence[dict],
    registry: Mapping,
    options: Mapping,
    errors: Mapping[str, list[str]] | None = None,
    keys: Sequence[str] | None = None,
) -> list[Row]:
    """The rows of ``items`` (a rule's conditions or actions), with the errors whose keys name them."""
    errors = errors or {}
    prefix = SECTIONS[section]
    rows = []
    for index, item in enumerate(items):
        key = keys[index] if keys and index < len(keys) else f"{prefix}{index}"
        kind = item.get("type", "")
        mine = row_errors(errors, section, index)
        own = mine.pop("type", []) + mine.pop("not", []) + mine.pop("", [])
        spec = registry.get(kind)
        if kind and spec is None:
            own.append(_("Unknown type “%(type)s”.") % {"type": kind})
        widgets = widgets_for(spec, key, item, options, mine)
        # An error on a param the type does not have (an extra key) still shows, on the row.
        named = {w.param for w in widgets}
        for name, messages in mine.items():
            if name not in named:
                own.extend(messages)
        rows.append(Row(key, section, kind, bool(item.get("not")), widgets, own))
    return rows


def row_errors(errors: Mapping[str, list[str]], section: str, index: int) -> dict[str, list[str]]:
    """``{"conditions.0.sets": [...], "conditions.0": [...]}`` → ``{"sets": [...], "": [...]}`` for row 0."""
    head = f"{section}.{index}"
    out: dict[str, list[str]] = {}
    for key, messages in errors.items():
        if key == head:
            out.setdefault("", []).extend(messages)
        elif key.startswith(head + "."):
            name = key[len(head) + 1 :].split(".", 1)[0]
            out.setdefault(name, []).extend(messages)
    return out


def field_errors(errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The errors of the rule's own fields (``name``, ``threshold`` …) and of its lists as a whole
    (``conditions``, ``actions``: "add at least one action"); the rows' are shown on the rows."""
    out: dict[str, list[str]] = {}
    for key, messages in errors.items():
        head, _dot, rest = key.partition(".")
        if head in (*SECTIONS, "keywords") and rest:
            continue
        out.setdefault(head or "all", []).extend(messages)
    return out


def next_key(section: str, keys: Sequence[str]) -> str:
    """A key for a new row that none of ``keys`` uses."""
    prefix = SECTIONS[section]
    used = {int(k[1:]) for k in keys if _KEY.match(k)}
    number = 0
    while number in used:
        number += 1
    return f"{prefix}{number}"


# --- keyword sets: one row per keyword ------------------------------------------------------------

_KW_KEY = re.compile(r"^k[0-9]{1,6}$")


def parse_keywords(data: Mapping) -> tuple[list[dict], list[str]]:
    """The keywords of the keyword set form in order, and their row keys; rows left blank are dropped."""
    getlist = getattr(data, "getlist", None)
    keys = [k for k in (getlist("keywords") if getlist else data.get("keywords", [])) if _KW_KEY.match(k)]
    keywords, kept = [], []
    for key in dict.fromkeys(keys):
        text = data.get(f"{key}-text", "").strip()
        if not text:
            continue
        keywords.append(
            {"text": text, "lang": data.get(f"{key}-lang", "").strip(), "mode": data.get(f"{key}-mode", "")}
        )
        kept.append(key)
    return keywords, kept


@dataclass
class KeywordRow:
    key: str
    text: str
    lang: str
    mode: str
    errors: dict[str, list[str]]

    @property
    def all_errors(self) -> list[str]:
        return [m for messages in self.errors.values() for m in messages]


def keyword_rows(
    keywords: Sequence[dict], errors: Mapping[str, list[str]] | None = None, keys=None
) -> list[KeywordRow]:
    errors = errors or {}
    rows = []
    for index, kw in enumerate(keywords):
        key = keys[index] if keys and index < len(keys) else f"k{index}"
        rows.append(
            KeywordRow(
                key,
                str(kw.get("text", "")),
                str(kw.get("lang", "")),
                str(kw.get("mode", "")),
                row_errors(errors, "keywords", index),
            )
        )
    return rows


def next_key_kw(keys: Sequence[str]) -> str:
    used = {int(k[1:]) for k in keys if _KW_KEY.match(k)}
    number = 0
    while number in used:
        number += 1
    return f"k{number}"
