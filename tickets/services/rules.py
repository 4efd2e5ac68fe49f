"""The writers of triage rules and keyword sets: create, change, enable, reorder, delete.

Each checks who may (supervisors and admins own rules: ``tickets.add_rule`` and friends; a rule
of one store needs membership of that store, a rule for every store a superuser or a member of
every store), validates (``schema.validate_rule``, ``keywords.validate_keywords``) so bad input saves
nothing and says why per field, writes an audit event, and invalidates the rule caches of every
process (``rules.cache.bump``).

Positions count within an event. A store's rules run interleaved with the rules for every store
in position order, so moving a rule reorders it within that list and renumbers the event.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..errors import DomainError, NotFound, PermissionDenied
from ..locks import lock
from ..models import KeywordSet, Rule, Store
from ..permissions import ensure_member, may_change_global, require
from ..rules import cache
from ..rules.schema import RuleInvalid, nul_errors, validate_rule
from . import audit

UNSET: Any = object()
EDITABLE = ("name", "description", "event", "threshold", "conditions", "actions", "stop_after_match", "enabled")
KEYWORD_SET_NAME_MAX = 60


class KeywordSetInvalid(RuleInvalid):
    code = "keyword_set_invalid"


def _refuse_nul(**values: Any) -> None:
    found = nul_errors(**values)
    if found:
        raise RuleInvalid(found)


def _record_changes(actor, action: str, obj, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Audit the fields that changed (nothing when none did)."""
    changed = [k for k in after if after[k] != before.get(k)]
    if changed:
        audit.record(
            actor=actor,
            action=action,
            obj=obj,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
        )


def _may_own(actor, store: Store | None, perm: str) -> None:
    """Supervisors and admins own rules; one store's rules need its membership, every store's
    (the shipped defaults among them) a superuser or someone who is a member of every store: a
    supervisor of one store must not change what the others run."""
    require(actor, perm)
    if store is None:
        if not may_change_global(actor):
            raise PermissionDenied(
                _("Only an administrator or a member of every store changes what applies to every store.")
            )
        return
    ensure_member(actor, store.pk)


def _may_own_row(actor, row, perm: str) -> None:
    """Another store's rule is not found (ids tell nothing); one's own needs the permission."""
    if row.store_id is not None:
        ensure_member(actor, row.store_id)
    _may_own(actor, row.store, perm)


def _snapshot(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "description": rule.description,
        "store": rule.store_id,
        "event": rule.event,
        "threshold": rule.threshold,
        "conditions": rule.conditions,
        "actions": rule.actions,
        "position": rule.position,
        "stop_after_match": rule.stop_after_match,
        "enabled": rule.enabled,
    }


def _next_position(event: str) -> int:
    return (Rule.objects.filter(event=event).aggregate(top=Max("position"))["top"] or 0) + 1


def create_rule(
    *,
    actor,
    name: str,
    event: str,
    actions: list,
    conditions: list | None = None,
    threshold: int | None = None,
    store: Store | None = None,
    description: str = "",
    stop_after_match: bool = False,
    enabled: bool = True,
) -> Rule:
    """A new rule at the end of its event's list."""
    _may_own(actor, store, "tickets.add_rule")
    _refuse_nul(description=description)
    clean = validate_rule(
        name=name,
        event=event,
        conditions=conditions or [],
        actions=actions,
        threshold=threshold,
        store=store,
        user=actor,
    )
    with transaction.atomic():
        rule = Rule.objects.create(
            name=clean.name,
            description=(description or "").strip(),
            store=store,
            event=clean.event,
            threshold=clean.threshold,
            conditions=clean.conditions,
            actions=clean.actions,
            position=_next_position(clean.event),
            stop_after_match=bool(stop_after_match),
            enabled=bool(enabled),
            created_by=actor,
            updated_by=actor,
        )
        audit.record(actor=actor, action="rule.created", obj=rule, after=_snapshot(rule))
        cache.bump()
    return rule


def update_rule(*, actor, rule: Rule, store: Store | None = UNSET, **changes: Any) -> Rule:
    """Change a rule's fields (any of EDITABLE, and ``store``); validated as a whole."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    _may_own_row(actor, rule, "tickets.change_rule")
    _refuse_nul(description=changes.get("description", ""))
    new_store = rule.store if store is UNSET else store
    if store is not UNSET and (store.pk if store else None) != rule.store_id:
        _may_own(actor, new_store, "tickets.change_rule")
    with transaction.atomic():
        locked = lock(Rule, rule.pk)
        before = _snapshot(locked)
        merged = {name: changes.get(name, getattr(locked, name)) for name in EDITABLE}
        clean = validate_rule(
            name=merged["name"],
            event=merged["event"],
            conditions=merged["conditions"],
            actions=merged["actions"],
            threshold=merged["threshold"],
            store=new_store,
            user=actor,
        )
        moved_event = clean.event != locked.event
        locked.name = clean.name
        locked.description = (merged["description"] or "").strip()
        locked.store = new_store
        locked.event = clean.event
        locked.threshold = clean.threshold
        locked.conditions = clean.conditions
        locked.actions = clean.actions
        locked.stop_after_match = bool(merged["stop_after_match"])
        locked.enabled = bool(merged["enabled"])
        locked.updated_by = actor
        if moved_event:
            locked.position = _next_position(clean.event)
        locked.save()
        _record_changes(actor, "rule.updated", locked, before, _snapshot(locked))
        cache.bump()
    return locked


def set_rule_enabled(*, actor, rule: Rule, enabled: bool) -> Rule:
    _may_own_row(actor, rule, "tickets.change_rule")
    with transaction.atomic():
        locked = lock(Rule, rule.pk)
        if locked.enabled == bool(enabled):
            return locked
        locked.enabled = bool(enabled)
        locked.updated_by = actor
        locked.save(update_fields=["enabled", "updated_by", "updated_at"])
        audit.record(
            actor=actor,
            action="rule.enabled" if enabled else "rule.disabled",
            obj=locked,
            before={"enabled": not enabled},
            after={"enabled": bool(enabled)},
        )
        cache.bump()
    return locked


def rules_in_order(event: str, store_id: int | None) -> list[Rule]:
    """The rules that run for a store on an event, in their order (its own and every store's);
    ``store_id=None``: the rules for every store only."""
    scope = Q(store__isnull=True) if store_id is None else Q(store__isnull=True) | Q(store_id=store_id)
    rows = Rule.objects.filter(scope, event=event)
    return list(rows.order_by("position", "id"))


def move_rule(*, actor, rule: Rule, direction: str | None = None, to: int | None = None) -> Rule:
    """Move a rule one up or down, or ``to`` an index (0 = first) in the list it runs in: its
    store's rules and those for every store (a rule for every store: among those only)."""
    if (direction is None) == (to is None) or direction not in (None, "up", "down"):
        raise DomainError(_("Move a rule up, down or to a place in the list."))
    _may_own_row(actor, rule, "tickets.change_rule")
    with transaction.atomic():
        full = list(Rule.objects.select_for_update().filter(event=rule.event).order_by("position", "id"))
        me = next((r for r in full if r.pk == rule.pk), None)
        if me is None:
            raise NotFound()
        scope = {me.store_id, None}
        view = [r for r in full if r.store_id in scope]
        index = view.index(me)
        if direction == "up":
            target = index - 1
        elif direction == "down":
            target = index + 1
        else:
            if isinstance(to, bool) or not isinstance(to, int):
                raise DomainError(_("A place in the list is a whole number."))
            target = to
        target = max(0, min(len(view) - 1, target))
        if target == index:
            return me
        view.remove(me)
        view.insert(target, me)
        full.remove(me)
        if target + 1 < len(view):
            full.insert(full.index(view[target + 1]), me)
        else:
            full.insert(full.index(view[target - 1]) + 1, me)
        before = me.position
        changed = []
        for number, row in enumerate(full, start=1):
            if row.position != number:
                row.position = number
                changed.append(row)
        Rule.objects.bulk_update(changed, ["position"])
        audit.record(
            actor=actor,
            action="rule.moved",
            obj=me,
            before={"position": before, "index": index},
            after={"position": me.position, "index": target},
        )
        cache.bump()
    rule.position = me.position
    return me


def delete_rule(*, actor, rule: Rule) -> None:
    """Delete a rule (its runs go with it). A shipped default is disabled instead, never deleted,
    so an upgrade's data migration does not bring it back by surprise."""
    _may_own_row(actor, rule, "tickets.delete_rule")
    if rule.is_default:
        raise DomainError(_("A shipped rule cannot be deleted; disable it instead."))
    with transaction.atomic():
        locked = lock(Rule, rule.pk)
        audit.record(actor=actor, action="rule.deleted", obj=locked, before=_snapshot(locked))
        locked.delete()
        cache.bump()


def save_keyword_set(
    *,
    actor,
    name: str,
    keywords: Any,
    store: Store | None = None,
    label: str = "",
    description: str = "",
    enabled: bool = True,
    keyword_set: KeywordSet | None = None,
) -> KeywordSet:
    """Create a keyword set, or change ``keyword_set`` (its name and store stay: rules name it).
    A store's set of the same name as a global one replaces it for that store."""
    from ..rules.keywords import KeywordsInvalid, validate_keywords

    if keyword_set is not None:
        _may_own_row(actor, keyword_set, "tickets.change_rule")
        name, store = keyword_set.name, keyword_set.store
    else:
        _may_own(actor, store, "tickets.add_rule")
    errors: dict[str, list[str]] = {}
    name = (name or "").strip() if isinstance(name, str) else ""
    try:
        validate_slug(name)
        if len(name) > KEYWORD_SET_NAME_MAX:
            raise ValidationError("too long")
    except ValidationError:
        errors["name"] = [
            _("A name is up to %(max)d letters, digits, hyphens or underscores, such as refund_words.")
            % {"max": KEYWORD_SET_NAME_MAX}
        ]
    if keyword_set is None and "name" not in errors and KeywordSet.objects.filter(name=name, store=store).exists():
        errors["name"] = [_("There is already a keyword set with this name here.")]
    if len(label or "") > 120:
        errors["label"] = [_("At most %(max)d characters.") % {"max": 120}]
    errors.update(nul_errors(label=label, description=description))
    clean: list[dict] = []
    try:
        clean = validate_keywords(keywords)
    except KeywordsInvalid as invalid:
        for key, messages in invalid.errors.items():
            errors.setdefault(key, []).extend(str(m) for m in messages)
    if errors:
        raise KeywordSetInvalid(errors)
    with transaction.atomic():
        if keyword_set is None:
            row = KeywordSet.objects.create(
                name=name,
                store=store,
                label=(label or "").strip(),
                description=(description or "").strip(),
                keywords=clean,
                enabled=bool(enabled),
                updated_by=actor,
            )
            audit.record(
                actor=actor,
                action="keyword_set.created",
                obj=row,
                after={"name": name, "store": row.store_id, "keywords": clean, "enabled": row.enabled},
            )
        else:
            row = lock(KeywordSet, keyword_set.pk)
            before = {
                "label": row.label,
                "description": row.description,
                "keywords": row.keywords,
                "enabled": row.enabled,
            }
            row.label = (label or "").strip()
            row.description = (description or "").strip()
            row.keywords = clean
            row.enabled = bool(enabled)
            row.updated_by = actor
            row.save()
            after = {
                "label": row.label,
                "description": row.description,
                "keywords": row.keywords,
                "enabled": row.enabled,
            }
            _record_changes(actor, "keyword_set.updated", row, before, after)
        cache.bump()
    return row


class KeywordSetInUse(DomainError):
    code = "keyword_set_in_use"
    default_message = gettext_lazy("Rules still name this keyword set; change them first.")


def rules_naming(keyword_set: KeywordSet) -> list[Rule]:
    """The rules whose text conditions would read this set: its store's (or every store's, for a
    set for every store) that name it, unless their store has its own set of that name."""
    rules = Rule.objects.all() if keyword_set.store_id is None else Rule.objects.filter(store_id=keyword_set.store_id)
    if keyword_set.store_id is None:
        overridden = KeywordSet.objects.filter(name=keyword_set.name, store__isnull=False).values("store_id")
        rules = rules.exclude(store_id__in=overridden)
    return [
        rule
        for rule in rules.only("id", "name", "conditions")
        if any(
            isinstance(condition, dict) and keyword_set.name in (condition.get("sets") or ())
            for condition in (rule.conditions or ())
        )
    ]


def delete_keyword_set(*, actor, keyword_set: KeywordSet) -> None:
    """Delete a keyword set no rule names, audited; the rule caches of every process reset."""
    _may_own_row(actor, keyword_set, "tickets.delete_rule")
    with transaction.atomic():
        locked = lock(KeywordSet, keyword_set.pk)
        if rules_naming(locked):
            raise KeywordSetInUse()
        audit.record(
            actor=actor,
            action="keyword_set.deleted",
            obj=locked,
            before={"name": locked.name, "store": locked.store_id, "keywords": locked.keywords},
        )
        locked.delete()
    cache.bump()
