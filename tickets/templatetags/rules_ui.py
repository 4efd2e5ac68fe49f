"""Template filters of the rule pages: a rule's conditions and actions said in one short line each."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from ..rules.params import OP_SYMBOLS

register = template.Library()


def _value(param, value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if param is not None and param.kind == "op":
        return OP_SYMBOLS.get(value, str(value))
    if param is not None and param.choices and not isinstance(value, list | tuple):
        return str(dict(param.choices).get(value, value))
    if isinstance(value, list | tuple):
        labels = dict(param.choices) if param is not None and param.choices else {}
        return ", ".join(str(labels.get(v, v)) for v in value)
    return str(value)


@register.filter
def condition_summary(condition) -> str:
    """``{"type": "order_total", "op": "gt", "amount": "200", "currency": "EUR"}`` → "Order total: > 200 EUR"."""
    from ..rules.conditions import CONDITIONS

    if not isinstance(condition, dict):
        return ""
    spec = CONDITIONS.get(condition.get("type", ""))
    label = str(spec.label) if spec else condition.get("type", "?")
    params = {p.name: p for p in spec.params} if spec else {}
    parts = [
        _value(params.get(name), value)
        for name, value in condition.items()
        if name not in ("type", "not")
        and value not in ("", None, [], False)
        and not (name in params and not params[name].required and value == params[name].default)
    ]
    if condition.get("type") == "text" and condition.get("sets"):
        # The list's most common condition in a few words: the sets it looks for.
        joiner = " + " if condition.get("match") == "all" else " / "
        text = _("words: %(sets)s") % {"sets": joiner.join(str(name) for name in condition["sets"])}
    else:
        text = f"{label}: {' '.join(parts)}" if parts else label
    return _("not %(condition)s") % {"condition": text} if condition.get("not") else text


@register.filter
def action_summary(action) -> str:
    from ..rules.actions import describe

    return describe(action) if isinstance(action, dict) else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
