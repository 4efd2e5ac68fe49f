"""The rule editor's form ↔ JSON conversion (tickets/views/rule_form.py), with the real registries."""

from __future__ import annotations

from django.http import QueryDict

from tickets.rules.actions import ACTIONS
from tickets.rules.conditions import CONDITIONS
from tickets.views import rule_form


def form(pairs: list[tuple[str, str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in pairs:
        data.appendlist(key, value)
    return data


def base(*extra: tuple[str, str]) -> QueryDict:
    return form([("name", " Refunds "), ("event", "message_received"), ("enabled", "on"), *extra])


def parse(data):
    return rule_form.parse(data, CONDITIONS, ACTIONS)


def test_rows_are_read_in_the_order_of_their_keys_not_their_numbers():
    draft = parse(
        base(
            ("conditions", "c5"),
            ("conditions", "c1"),
            ("c5-type", "has_order"),
            ("c1-type", "withdrawal"),
            ("actions", "a0"),
            ("a0-type", "add_tags"),
            ("a0-p-tags", "refund, vip"),
        )
    )
    assert [c["type"] for c in draft.conditions] == ["has_order", "withdrawal"]
    assert draft.actions == [{"type": "add_tags", "tags": ["refund", "vip"]}]
    assert draft.keys == {"conditions": ["c5", "c1"], "actions": ["a0"]}
    assert draft.fields["name"] == "Refunds" and draft.fields["enabled"] is True
    assert draft.fields["stop_after_match"] is False


def test_a_negated_condition_carries_not_and_its_keyword_sets():
    draft = parse(
        base(
            ("conditions", "c0"),
            ("c0-type", "text"),
            ("c0-not", "on"),
            ("c0-p-sets", "refund_words"),
            ("c0-p-sets", "return_words"),
            ("c0-p-match", "all"),
        )
    )
    assert draft.conditions == [{"type": "text", "sets": ["refund_words", "return_words"], "match": "all", "not": True}]


def test_optional_params_left_empty_are_left_out_and_required_ones_stay_for_the_validator():
    draft = parse(base(("conditions", "c0"), ("c0-type", "order_total"), ("c0-p-op", "gt"), ("c0-p-amount", "")))
    condition = draft.conditions[0]
    assert condition["op"] == "gt"
    assert "amount" in condition and condition["amount"] == ""


def test_comma_lists_split_on_full_width_and_ideographic_commas_too():
    assert rule_form.split_list("退款，退货、 refund ,, refund\nvip") == ["退款", "退货", "refund", "vip"]


def test_store_ids_and_person_ids_become_numbers_and_words_stay_for_the_validator():
    draft = parse(
        base(
            ("conditions", "c0"),
            ("c0-type", "store"),
            ("c0-p-stores", "3"),
            ("c0-p-stores", "4"),
            ("actions", "a0"),
            ("a0-type", "assign_user"),
            ("a0-p-user", "abc"),
        )
    )
    assert draft.conditions[0]["stores"] == [3, 4]
    assert draft.actions[0]["user"] == "abc"


def test_threshold_counts_only_for_a_time_based_event():
    assert parse(base(("threshold", "5"))).fields["threshold"] is None
    data = form([("name", "x"), ("event", "buyer_silent"), ("threshold", "3")])
    assert parse(data).fields["threshold"] == 3


def test_keys_that_are_not_row_keys_are_ignored():
    draft = parse(base(("conditions", "a1"), ("conditions", "../x"), ("conditions", "c2"), ("conditions", "c2")))
    assert draft.keys["conditions"] == ["c2"]


def test_validation_errors_land_on_the_field_of_their_row():
    items = [{"type": "has_order"}, {"type": "text", "sets": ["gone"]}]
    errors = {"conditions.1.sets": ["Unknown keyword set “gone”."], "conditions.0": ["Bad."], "name": ["Give a name."]}
    rows = rule_form.rows_for("conditions", items, CONDITIONS, {"keyword_sets": [("refund_words", "Refund")]}, errors)
    assert rows[0].errors == ["Bad."]
    sets = next(w for w in rows[1].widgets if w.param == "sets")
    assert sets.errors == ["Unknown keyword set “gone”."]
    # The set no longer offered stays visible and ticked, so saving does not drop it silently.
    assert ("gone", "gone") in sets.options and sets.selected == {"gone"}
    assert rule_form.field_errors(errors) == {"name": ["Give a name."]}


def test_list_level_errors_stay_with_the_rule():
    errors = {"actions": ["Add at least one action."], "actions.0.tags": ["x"]}
    assert rule_form.field_errors(errors) == {"actions": ["Add at least one action."]}


def test_an_unknown_type_is_said_on_its_row():
    rows = rule_form.rows_for("actions", [{"type": "launch_rocket"}], ACTIONS, {})
    assert "launch_rocket" in rows[0].errors[0]


def test_a_rule_survives_the_round_trip_through_the_form():
    conditions = [
        {"type": "text", "sets": ["refund_words"], "match": "any", "where": "body", "main": True},
        {"type": "order_total", "op": "gte", "amount": "200.00", "currency": "EUR", "not": True},
        {"type": "language", "values": ["de", "zh"]},
        {"type": "sku", "skus": ["PHONE-*", "ABC-1"]},
    ]
    actions = [{"type": "add_tags", "tags": ["refund-eligible"]}, {"type": "set_priority", "value": "high"}]
    pairs = [("name", "Round trip"), ("event", "message_received")]
    for section, items, registry in (("conditions", conditions, CONDITIONS), ("actions", actions, ACTIONS)):
        for row in rule_form.rows_for(section, items, registry, {"keyword_sets": [("refund_words", "R")]}):
            pairs += [(section, row.key), (f"{row.key}-type", row.type)]
            if row.negate:
                pairs.append((f"{row.key}-not", "on"))
            for w in row.widgets:
                if w.multiple:
                    pairs += [(w.name, v) for v in sorted(w.selected)]
                elif w.value:
                    pairs.append((w.name, w.value))
    draft = parse(form(pairs))
    assert draft.conditions[0] == conditions[0]
    assert draft.conditions[1] == conditions[1]
    assert sorted(draft.conditions[2]["values"]) == ["de", "zh"]
    assert draft.conditions[3] == conditions[3]
    assert draft.actions == actions


def test_a_new_row_gets_the_first_free_key():
    assert rule_form.next_key("conditions", ["c0", "c2"]) == "c1"
    assert rule_form.next_key("actions", []) == "a0"


def test_keyword_rows_drop_blank_ones_and_keep_their_order():
    data = form(
        [
            ("keywords", "k2"),
            ("keywords", "k0"),
            ("keywords", "k1"),
            ("k2-text", " Rückerstattung "),
            ("k2-lang", "de"),
            ("k2-mode", "prefix"),
            ("k0-text", "退款"),
            ("k0-lang", "zh"),
            ("k0-mode", "substring"),
            ("k1-text", "  "),
        ]
    )
    keywords, keys = rule_form.parse_keywords(data)
    assert keywords == [
        {"text": "Rückerstattung", "lang": "de", "mode": "prefix"},
        {"text": "退款", "lang": "zh", "mode": "substring"},
    ]
    assert keys == ["k2", "k0"]
    rows = rule_form.keyword_rows(keywords, {"keywords.1.mode": ["Choose a mode."]}, keys)
    assert rows[1].errors == {"mode": ["Choose a mode."]} and rows[0].errors == {}
