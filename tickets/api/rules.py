"""Triage rules through the API: try a message against the rules (``POST /api/rules/try/``), and
list, read, create, change, reorder and delete rules and keyword sets.

Who: reading rules and keyword sets, and trying a message, needs ``tickets.view_rule`` (supervisors:
the rules are the stores' automation, which agents do not see in the UI either); writing needs
``tickets.add_rule`` / ``change_rule`` / ``delete_rule`` (keyword sets are part of the rules and
take the same permissions). Everything is scoped like the rest of the API: a rule or keyword set
of a store you are not a member of is a 404, like a missing one; one for every store (``store``
null) is visible to every caller allowed to read rules.

Writes go through tickets/services/rules.py, as the editor's do, so they are validated by the same
``validate_rule`` / ``validate_keywords`` and audited. A body that breaks this schema is a 400
(``invalid``); a well-formed rule the validation refuses (an unknown keyword set, a macro of another
store, a missing parameter) is a 422 ``rule_invalid`` / ``keyword_set_invalid`` whose ``fields`` carry
the validation's own keys (``conditions.0.sets``, ``actions.1.macro``, ``threshold`` …)."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from ..errors import DomainError
from ..models import KeywordSet, MatchMode, Order, Rule, RuleEvent, Store
from ..rules.keywords import MAX_KEYWORDS, MAX_LENGTH
from ..rules.schema import MAX_ACTIONS, MAX_CONDITIONS, MAX_THRESHOLD
from ..rules.text import LANGUAGES
from ..validators import MAX_ID
from .auth import TokenAuthentication
from .contract import NO_QUERY, QueryContract
from .errors import UnprocessableQuery
from .pagination import KeysetPagination
from .parsers import JSONParser
from .serializers import NO_NUL, NOT_BLANK, StrictBooleanField, StrictCharField, StrictChoiceField, StrictIntegerField
from .views import ContractMixin, ModelPermissions

TEXT_MAX = 20_000  # characters of a tried message's body: more than any buyer writes
SUBJECT_MAX = 998  # RFC 5322's line limit
ORDER_NUMBER_MAX = 64  # Order.number
JSON_DEPTH_MAX = 6  # a condition's or action's JSON: {"type": …, "sets": [...]} is depth 2
JSON_STRING_MAX = 2_000


class OptionalText(StrictCharField):
    """Text that may be blank but holds no NUL (PostgreSQL refuses it). Checked here rather than by a
    validator: drf-spectacular writes a blank-or-pattern field as ``oneOf`` [pattern, empty], which
    "" matches twice, so the schema would call a valid blank value invalid."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if "\x00" in value:
            raise serializers.ValidationError(NO_NUL.message)
        return value


class OptionalTextExtension(OpenApiSerializerFieldExtension):
    target_class = OptionalText

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        # "Not containing NUL" rather than a pattern, which drf-spectacular would wrap in that oneOf.
        schema: dict[str, Any] = {"type": "string", "not": {"pattern": "\\u0000"}}
        if self.target.max_length is not None:
            schema["maxLength"] = self.target.max_length
        return schema


class RuleUnprocessable(UnprocessableQuery):
    """A well-formed rule or keyword set the domain validation refuses: 422 with its field keys and
    the validation's own code (rule_invalid, keyword_set_invalid)."""

    def __init__(self, fields: dict[str, list[str]], code: str = "rule_invalid") -> None:
        super().__init__(fields)
        self.api_code = code


# --- permissions ---------------------------------------------------------------------------------
class RulePermissions(ModelPermissions):
    """Rule permissions for rules and keyword sets alike (reads ``view_rule``; writes add/change/
    delete_rule); trying a message reads the rules, so it needs ``view_rule``."""

    perms_map = {
        **ModelPermissions.perms_map,
        "GET": ["tickets.view_rule"],
        "HEAD": ["tickets.view_rule"],
        "OPTIONS": ["tickets.view_rule"],
        "POST": ["tickets.add_rule"],
        "PUT": ["tickets.change_rule"],
        "PATCH": ["tickets.change_rule"],
        "DELETE": ["tickets.delete_rule"],
    }

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(view, "read_only_post", False):
            return user.has_perm("tickets.view_rule")
        return user.has_perms(self.perms_map.get(request.method, ["tickets.change_rule"]))


class ApiView(ContractMixin):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [RulePermissions]
    parser_classes = [JSONParser]  # conditions and actions are lists of objects: a form cannot carry them


# --- JSON of conditions and actions --------------------------------------------------------------
def json_problems(value: Any, depth: int = 0) -> list[str]:
    """What PostgreSQL or a sane rule cannot hold in a condition's or action's JSON: NUL and lone
    surrogates in text (jsonb refuses them), very deep nesting, very long strings."""
    if depth > JSON_DEPTH_MAX:
        return [_("Nested too deeply.")]
    if isinstance(value, str):
        if "\x00" in value:
            return [_("Null characters are not allowed.")]
        if len(value) > JSON_STRING_MAX:
            return [_("Enter at most %(count)s characters.") % {"count": JSON_STRING_MAX}]
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return [_("Enter valid text.")]
        return []
    if isinstance(value, dict):
        return [
            problem
            for key, item in value.items()
            for problem in json_problems(key, depth + 1) + json_problems(item, depth + 1)
        ]
    if isinstance(value, list):
        return [problem for item in value for problem in json_problems(item, depth + 1)]
    return []


def _type_names(registry: str) -> list[str]:
    """The condition or action types the engine knows: the schema's enum and the 400 check."""
    from ..rules.actions import ACTIONS
    from ..rules.conditions import CONDITIONS

    return sorted(CONDITIONS if registry == "conditions" else ACTIONS)


def step_schema(registry: str) -> dict[str, Any]:
    """A condition or action: its ``type`` from the registry, then that type's own parameters, which
    the rule validation checks (422 with keys such as ``conditions.0.sets``)."""
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string", "enum": _type_names(registry)}},
        "additionalProperties": True,
    }


class StepField(serializers.DictField):
    """One condition or action: an object with a ``type`` and that type's parameters (README)."""

    registry = "conditions"

    def to_internal_value(self, data: Any) -> dict:
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("Expected an object."))
        kind = data.get("type")
        if not isinstance(kind, str):
            raise serializers.ValidationError({"type": [_("This field is required and is text.")]})
        names = _type_names(self.registry)
        if kind not in names:
            raise serializers.ValidationError(
                {"type": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(names)}]}
            )
        return dict(data)


@extend_schema_field(step_schema("conditions"))
class ConditionField(StepField):
    registry = "conditions"


@extend_schema_field(step_schema("actions"))
class ActionField(StepField):
    registry = "actions"


def check_steps(data: dict[str, Any]) -> None:
    """422 for what jsonb cannot store inside the well-formed conditions and actions."""
    errors: dict[str, list[str]] = {}
    for field in ("conditions", "actions"):
        for index, step in enumerate(data.get(field) or []):
            problems = json_problems(step)
            if problems:
                errors[f"{field}.{index}"] = problems[:1]
    if errors:
        raise RuleUnprocessable(errors)


# --- store scoping --------------------------------------------------------------------------------
def member_store(user, store_id: int | None) -> Store | None:
    """The store with this id if the caller is a member of it; a 422 otherwise (missing and another
    store's look alike)."""
    if store_id is None:
        return None
    store = Store.objects.visible_to(user).filter(pk=store_id).first()
    if store is None:
        raise UnprocessableQuery({"store": [_("Not a store you are a member of.")]})
    return store


# --- try ------------------------------------------------------------------------------------------
class RuleTryRequestSerializer(serializers.Serializer):
    text = StrictCharField(
        max_length=TEXT_MAX,
        trim_whitespace=False,
        validators=[NOT_BLANK],
        help_text=gettext_lazy("The message's body as plain text, quoted history and signature included."),
    )
    subject = OptionalText(
        required=False,
        allow_blank=True,
        max_length=SUBJECT_MAX,
        trim_whitespace=False,
        help_text=gettext_lazy("The message's subject."),
    )
    store = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text=gettext_lazy(
            "Try as a message to this store of yours: its rules and the global ones. Left out: the order's "
            "store, or only the rules for every store."
        ),
    )
    order = OptionalText(
        required=False,
        allow_blank=True,
        max_length=ORDER_NUMBER_MAX,
        help_text=gettext_lazy(
            "A platform order number, looked up in the store (or in all your stores when no store is given): "
            "the order conditions then read it."
        ),
    )

    class Meta:
        ref_name = "RuleTryRequest"


class RuleBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    event = serializers.ChoiceField(choices=RuleEvent.choices)
    store = serializers.IntegerField(allow_null=True, source="store_id", help_text=gettext_lazy("Null: every store."))

    class Meta:
        ref_name = "RuleBrief"


class ConditionResultSerializer(serializers.Serializer):
    condition = serializers.DictField(help_text=gettext_lazy("The condition as the rule stores it."))
    result = serializers.BooleanField(help_text=gettext_lazy('Whether it holds (after its own "not").'))
    why = serializers.CharField(help_text=gettext_lazy("The evidence, in the caller's language."))

    class Meta:
        ref_name = "RuleConditionResult"


class ActionPlanSerializer(serializers.Serializer):
    action = serializers.DictField(help_text=gettext_lazy("The action as the rule stores it."))
    description = serializers.CharField(help_text=gettext_lazy("What it would do, in the caller's language."))

    class Meta:
        ref_name = "RuleActionPlan"


class MatchedRuleSerializer(serializers.Serializer):
    rule = RuleBriefSerializer()
    conditions = ConditionResultSerializer(many=True)
    actions = ActionPlanSerializer(many=True)

    class Meta:
        ref_name = "RuleMatch"


class ReplySerializer(serializers.Serializer):
    macro = serializers.IntegerField(help_text=gettext_lazy("The macro's id."))
    language = serializers.CharField(
        allow_blank=True, help_text=gettext_lazy("The variant's language (ISO 639-1); empty: the macro has no text.")
    )
    body = serializers.CharField(
        allow_blank=True,
        help_text=gettext_lazy(
            "The reply in the buyer's language; placeholders a pasted message cannot fill (the buyer's name, "
            "the order) are left in."
        ),
    )

    class Meta:
        ref_name = "RuleReply"


class RemovedSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=gettext_lazy("quoted_reply, signature or footer."))
    text = serializers.CharField()

    class Meta:
        ref_name = "RuleRemovedText"


class CleanedTextSerializer(serializers.Serializer):
    cleaned = serializers.CharField(
        allow_blank=True,
        help_text=gettext_lazy("The body the rules read: quoted history, signature and footers removed."),
    )
    removed = RemovedSerializer(many=True, help_text=gettext_lazy("What was removed, in order."))

    class Meta:
        ref_name = "RuleCleanedText"


class RuleTryResultSerializer(serializers.Serializer):
    language = serializers.CharField(allow_blank=True, help_text=gettext_lazy("ISO 639-1; empty when unknown."))
    type = serializers.CharField(allow_blank=True, help_text=gettext_lazy("The ticket type the rules would set."))
    reason = serializers.CharField(allow_blank=True, help_text=gettext_lazy("The reason the rules would set."))
    tags = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("The tags the ticket would have.")
    )
    priority = serializers.CharField(allow_blank=True)
    reply = ReplySerializer(allow_null=True, help_text=gettext_lazy("The automatic reply, or null when none is sent."))
    matched = MatchedRuleSerializer(many=True, help_text=gettext_lazy("The rules that match, in the order they run."))
    text = CleanedTextSerializer()

    class Meta:
        ref_name = "RuleTryResult"


def try_payload(outcome: Any) -> dict[str, Any]:
    """The engine's Outcome as the API answers it."""
    prepared = outcome.text
    reply = outcome.reply
    return {
        "language": outcome.language or "",
        "type": outcome.type or "",
        "reason": outcome.reason or "",
        "tags": list(outcome.tags),
        "priority": outcome.priority or "",
        "reply": ({"macro": reply["macro"], "language": reply["language"], "body": reply["body"]} if reply else None),
        "matched": [
            {
                "rule": result.rule,
                "conditions": [
                    {"condition": item.condition, "result": bool(item.result), "why": str(item.why)}
                    for item in result.conditions
                ],
                "actions": [{"action": plan.action, "description": str(plan.description)} for plan in result.actions],
            }
            for result in outcome.results
            if result.matched
        ],
        "text": {
            "cleaned": prepared.body,
            "removed": [{"kind": item.kind, "text": item.text} for item in prepared.removed],
        },
    }


def find_order(user, number: str, store: Store | None) -> Order:
    orders = Order.objects.visible_to(user).filter(number=number).select_related("store")
    if store is not None:
        orders = orders.filter(store=store)
    found = list(orders[:2])
    if not found:
        raise UnprocessableQuery({"order": [_("No order with this number in your stores.")]})
    if len(found) > 1:
        raise UnprocessableQuery({"order": [_("Orders of several of your stores have this number: give the store.")]})
    return found[0]


def tried_rules(store: Store | None) -> list[Rule]:
    """The enabled rules a new message runs, as the runner runs them: ticket created, then message
    received, each in its order. The store's own and the ones for every store only, and the store
    is one of the caller's (member_store), so every rule here is one the caller may see."""
    from ..rules import engine

    store_id = store.pk if store is not None else None
    return [
        rule
        for event in (RuleEvent.TICKET_CREATED, RuleEvent.MESSAGE_RECEIVED)
        for rule in engine.rules_for(event, store_id)
    ]


@extend_schema(
    summary="Try a message against the rules",
    description=(
        "What the enabled rules (ticket created, then message received) would do with this message, "
        "writing nothing: the language found, the type, reason, tags and priority they would leave, the "
        "automatic reply they would send, each matching rule with the evidence of each condition and what "
        "each action would do, and the text the rules read. Only your stores' rules and the global ones."
    ),
    request=RuleTryRequestSerializer,
    responses={200: RuleTryResultSerializer},
)
class RuleTryView(ApiView, APIView):
    read_only_post = True
    # 415: a body that is not JSON; 422: a store or order that is not yours.
    refusals = (400, 401, 403, 406, 415, 422)

    def post(self, request: Request) -> Response:
        body = RuleTryRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        store = member_store(request.user, data.get("store"))
        order = find_order(request.user, data["order"], store) if data.get("order") else None
        if order is not None and store is None:
            store = order.store
        from ..rules import engine  # late: the engine loads its language models on first use

        outcome = engine.try_message(
            text=data["text"], subject=data.get("subject", ""), store=store, order=order, rules=tried_rules(store)
        )
        payload = try_payload(outcome)
        for match in payload["matched"]:
            match["rule"] = RuleBriefSerializer(match["rule"]).data
        return Response(RuleTryResultSerializer(payload).data)


# --- rules ----------------------------------------------------------------------------------------
class RuleCursor(KeysetPagination):
    ordering = ("id", "id")


class KeywordSetCursor(KeysetPagination):
    ordering = ("name", "id")


class RuleSerializer(serializers.ModelSerializer):
    store = serializers.IntegerField(source="store_id", allow_null=True, help_text=gettext_lazy("Null: every store."))
    conditions = serializers.ListField(child=ConditionField(), help_text=gettext_lazy("All must hold."))
    actions = serializers.ListField(child=ActionField(), help_text=gettext_lazy("Applied in order."))
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Rule
        ref_name = "Rule"
        fields = [
            "id",
            "name",
            "description",
            "store",
            "event",
            "threshold",
            "conditions",
            "actions",
            "position",
            "stop_after_match",
            "enabled",
            "is_default",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RuleWriteSerializer(serializers.Serializer):
    """A rule as written: PUT sends it whole (what it leaves out takes its default), PATCH some of it."""

    name = StrictCharField(max_length=120, validators=[NOT_BLANK])
    description = OptionalText(required=False, allow_blank=True, max_length=2_000, default="")
    store = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        default=None,
        help_text=gettext_lazy("A store of yours; null or left out: every store (administrators only)."),
    )
    event = StrictChoiceField(choices=RuleEvent.choices)
    threshold = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_THRESHOLD,
        default=None,
        help_text=gettext_lazy("Time-based events only: after this many hours, days or working days."),
    )
    conditions = serializers.ListField(
        child=ConditionField(),
        max_length=MAX_CONDITIONS,
        required=False,
        default=list,
        help_text=gettext_lazy("All must hold."),
    )
    actions = serializers.ListField(
        child=ActionField(), min_length=1, max_length=MAX_ACTIONS, help_text=gettext_lazy("Applied in order.")
    )
    stop_after_match = StrictBooleanField(required=False, default=False)
    enabled = StrictBooleanField(required=False, default=True)

    class Meta:
        ref_name = "RuleWrite"


class RuleMoveSerializer(serializers.Serializer):
    direction = StrictChoiceField(
        choices=[("up", "up"), ("down", "down")], required=False, help_text=gettext_lazy("One place up or down.")
    )
    to = StrictIntegerField(
        required=False,
        min_value=0,
        max_value=100_000,
        help_text=gettext_lazy("The place in the list the rule runs in (its store's and every store's), 0 first."),
    )

    class Meta:
        ref_name = "RuleMove"


@extend_schema_view(
    list=extend_schema(summary="Rules of your stores and for every store", responses={200: RuleSerializer(many=True)}),
    retrieve=extend_schema(summary="A rule", responses={200: RuleSerializer}),
    create=extend_schema(
        summary="Create a rule",
        description="A new rule goes last among its event's rules; move it to run it earlier.",
        request=RuleWriteSerializer,
        responses={201: OpenApiResponse(RuleSerializer, description="The rule, as GET shows it.")},
    ),
    update=extend_schema(summary="Replace a rule", request=RuleWriteSerializer, responses={200: RuleSerializer}),
    partial_update=extend_schema(
        summary="Change some of a rule's fields (e.g. enable or disable it)",
        request=RuleWriteSerializer,
        responses={200: RuleSerializer},
    ),
    destroy=extend_schema(
        summary="Delete a rule",
        description="A shipped default rule is not deleted (422): disable it instead.",
        responses={204: OpenApiResponse(description="Deleted.")},
    ),
)
class RuleViewSet(ApiView, viewsets.ModelViewSet):
    """Rules of your stores and the ones for every store (``store`` null). Reading needs the
    supervisor's rule permissions; writing a store's rule its membership, a rule for every store an
    administrator (superuser). A write is validated like the editor's (422 ``rule_invalid`` with
    messages per field such as ``conditions.0.sets``) and audited."""

    model = Rule
    serializer_class = RuleSerializer
    pagination_class = RuleCursor
    lookup_value_regex = "[0-9]{1,19}"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Rule]:
        return Rule.objects.visible_to(self.request.user).select_related("created_by", "updated_by")

    def query_contract(self) -> QueryContract:
        return self.pagination_class.contract() if self.action == "list" else NO_QUERY

    def error_statuses(self, method: str) -> tuple[int, ...]:
        if self.action == "list":
            return (*self.refusals, 404)  # 404: a cursor that is not ours
        if self.action == "create":
            return (*self.refusals, 415, 422)
        if self.action in ("update", "partial_update", "move"):
            return (*self.refusals, 404, 415, 422)
        if self.action == "destroy":
            return (*self.refusals, 404, 422)
        return (*self.refusals, 404)

    def shown(self, rule: Rule, code: int = status.HTTP_200_OK) -> Response:
        return Response(RuleSerializer(self.get_queryset().get(pk=rule.pk)).data, status=code)

    def written(self, partial: bool) -> dict[str, Any]:
        body = RuleWriteSerializer(data=self.request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        check_steps(data)
        if "store" in data:
            data["store"] = member_store(self.request.user, data["store"])
        return data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.written(partial=False)
        rule = call(services().create_rule, actor=request.user, **data)
        return self.shown(rule, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rule = self.get_object()
        data = self.written(partial=kwargs.get("partial", False))
        if data:
            rule = call(services().update_rule, actor=request.user, rule=rule, **data)
        return self.shown(rule)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rule = self.get_object()
        call(services().delete_rule, actor=request.user, rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Move a rule up, down or to a place among its event's rules",
        description=(
            "Rules of an event run in order; a store's rules run among the ones for every store. Give "
            "``direction`` or ``to`` (both or neither: 422); ``to`` past the end puts it last."
        ),
        request=RuleMoveSerializer,
        responses={200: OpenApiResponse(RuleSerializer, description="The rule with its new position.")},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        rule = self.get_object()
        body = RuleMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if ("direction" in body.validated_data) == ("to" in body.validated_data):
            # Each is optional in the schema, so one without the other is the domain's refusal.
            raise UnprocessableQuery({api_settings.NON_FIELD_ERRORS_KEY: [_("Give either direction or to.")]})
        rule = call(services().move_rule, actor=request.user, rule=rule, **body.validated_data)
        return self.shown(rule)


# --- keyword sets ---------------------------------------------------------------------------------
class KeywordSerializer(serializers.Serializer):
    text = StrictCharField(max_length=MAX_LENGTH, validators=[NOT_BLANK])
    lang = StrictChoiceField(
        choices=[("", "any"), *((code, code) for code in LANGUAGES)],
        required=False,
        default="",
        help_text=gettext_lazy("ISO 639-1 code of a language served; empty or left out: any language."),
    )
    mode = StrictChoiceField(
        choices=MatchMode.choices,
        required=False,
        help_text=gettext_lazy("Left out: substring for Chinese, Japanese, Korean and Thai text, else word."),
    )

    class Meta:
        ref_name = "Keyword"


class KeywordSetSerializer(serializers.ModelSerializer):
    store = serializers.IntegerField(source="store_id", allow_null=True, help_text=gettext_lazy("Null: every store."))
    keywords = KeywordSerializer(many=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = KeywordSet
        ref_name = "KeywordSet"
        fields = [
            "id",
            "name",
            "label",
            "store",
            "description",
            "keywords",
            "enabled",
            "updated_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class KeywordSetWriteSerializer(serializers.Serializer):
    name = StrictCharField(
        max_length=60,
        validators=[RegexValidator(r"^[-a-zA-Z0-9_]+$", message=gettext_lazy("Letters, digits, - and _ only."))],
        help_text=gettext_lazy("What text conditions name in their sets, e.g. refund_words."),
    )
    label = OptionalText(required=False, allow_blank=True, max_length=120, default="")
    store = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        default=None,
        help_text=gettext_lazy("A store of yours (its set overrides the global one of that name); null: every store."),
    )
    description = OptionalText(required=False, allow_blank=True, max_length=2_000, default="")
    keywords = KeywordSerializer(many=True, max_length=MAX_KEYWORDS)
    enabled = StrictBooleanField(required=False, default=True)

    class Meta:
        ref_name = "KeywordSetWrite"


class KeywordSetChangeSerializer(serializers.Serializer):
    """A keyword set as changed: its name and store stay, since rules name it."""

    label = OptionalText(required=False, allow_blank=True, max_length=120, default="")
    description = OptionalText(required=False, allow_blank=True, max_length=2_000, default="")
    keywords = KeywordSerializer(many=True, max_length=MAX_KEYWORDS)
    enabled = StrictBooleanField(required=False, default=True)

    class Meta:
        ref_name = "KeywordSetChange"


@extend_schema_view(
    list=extend_schema(
        summary="Keyword sets of your stores and for every store", responses={200: KeywordSetSerializer(many=True)}
    ),
    retrieve=extend_schema(summary="A keyword set", responses={200: KeywordSetSerializer}),
    create=extend_schema(
        summary="Create a keyword set",
        request=KeywordSetWriteSerializer,
        responses={201: OpenApiResponse(KeywordSetSerializer, description="The set, as GET shows it.")},
    ),
    update=extend_schema(
        summary="Replace a keyword set's label, description, keywords and enabled",
        description="Its name and store stay: rules name it.",
        request=KeywordSetChangeSerializer,
        responses={200: KeywordSetSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some of a keyword set's label, description, keywords and enabled",
        request=KeywordSetChangeSerializer,
        responses={200: KeywordSetSerializer},
    ),
    destroy=extend_schema(
        summary="Delete a keyword set no rule names",
        description="A set some rule's text condition still names is not deleted (422 keyword_set_in_use).",
        responses={204: OpenApiResponse(description="Deleted.")},
    ),
)
class KeywordSetViewSet(ApiView, viewsets.ModelViewSet):
    """The named, multilingual keyword lists the rules' text conditions match. Same permissions as
    rules (a set for every store: administrators); a write is validated (422 ``keyword_set_invalid``
    with messages such as ``keywords.3.mode``) and audited."""

    model = KeywordSet
    serializer_class = KeywordSetSerializer
    pagination_class = KeywordSetCursor
    lookup_value_regex = "[0-9]{1,19}"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[KeywordSet]:
        return KeywordSet.objects.visible_to(self.request.user).select_related("updated_by")

    def query_contract(self) -> QueryContract:
        return self.pagination_class.contract() if self.action == "list" else NO_QUERY

    def error_statuses(self, method: str) -> tuple[int, ...]:
        if self.action == "list":
            return (*self.refusals, 404)
        if self.action == "create":
            return (*self.refusals, 415, 422)
        if self.action in ("update", "partial_update"):
            return (*self.refusals, 404, 415, 422)
        if self.action == "destroy":
            return (*self.refusals, 404, 422)  # 422: a set some rule still names
        return (*self.refusals, 404)

    def shown(self, keyword_set: KeywordSet, code: int = status.HTTP_200_OK) -> Response:
        return Response(KeywordSetSerializer(self.get_queryset().get(pk=keyword_set.pk)).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = KeywordSetWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["keywords"] = [dict(keyword) for keyword in data["keywords"]]
        data["store"] = member_store(request.user, data["store"])
        keyword_set = call(services().save_keyword_set, actor=request.user, **data)
        return self.shown(keyword_set, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        keyword_set = self.get_object()
        partial = kwargs.get("partial", False)
        body = KeywordSetChangeSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = {
            "label": keyword_set.label,
            "description": keyword_set.description,
            "keywords": keyword_set.keywords,
            "enabled": keyword_set.enabled,
            **body.validated_data,
        }
        data["keywords"] = [dict(keyword) for keyword in data["keywords"]]
        keyword_set = call(
            services().save_keyword_set,
            actor=request.user,
            keyword_set=keyword_set,
            name=keyword_set.name,
            store=keyword_set.store,
            **data,
        )
        return self.shown(keyword_set)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        keyword_set = self.get_object()
        delete_keyword_set(actor=request.user, keyword_set=keyword_set)
        return Response(status=status.HTTP_204_NO_CONTENT)


def delete_keyword_set(*, actor, keyword_set: KeywordSet) -> None:
    call(services().delete_keyword_set, actor=actor, keyword_set=keyword_set)


def services() -> Any:
    """tickets/services/rules.py, imported when a write has passed the request checks."""
    from ..services import rules

    return rules


def call(function: Any, *args: Any, **kwargs: Any) -> Any:
    """A service call whose validation errors become a 422 carrying the validation's own keys."""
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            return function(*args, **kwargs)
    except IntegrityError as error:  # two writes raced to the same name: the check passed for both
        message = _("There is one of this name already; choose another name.")
        raise RuleUnprocessable({"name": [message]}, code="name_taken") from error
    except DomainError as error:
        errors = getattr(error, "errors", None)
        if isinstance(errors, dict) and errors:
            fields = {str(key): [str(message) for message in messages] for key, messages in errors.items()}
            raise RuleUnprocessable(fields, code=error.code) from error
        raise
