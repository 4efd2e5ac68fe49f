"""Keyword sets: validation of what a supervisor types, matching modes, negation flags and the cache."""

import pytest

from tickets.errors import DomainError
from tickets.models import KeywordSet
from tickets.rules import keywords
from tickets.rules.keywords import KeywordsInvalid, compile_set, compiled, validate_keywords
from tickets.rules.text import prepare


def kw(text, lang="", mode="word"):
    return {"text": text, "lang": lang, "mode": mode}


def find(keyword_list, body, subject=""):
    return compile_set("test", keyword_list).find(prepare(subject, body))


def found(keyword_list, body, subject=""):
    return [h.keyword for h in find(keyword_list, body, subject) if not h.negated]


# --- validation ---------------------------------------------------------------------------------------


def test_validate_keywords_normalises_text_and_language():
    assert validate_keywords([{"text": "  Money   back ", "lang": "EN", "mode": "word"}]) == [kw("Money back", "en")]


def test_validate_keywords_removes_duplicates_keeping_the_first():
    result = validate_keywords([kw("Refund", "en"), kw("refund", "en"), kw("refund", "de")])
    assert result == [kw("Refund", "en"), kw("refund", "de")]


def test_validate_keywords_treats_accented_and_plain_spelling_as_duplicates():
    assert validate_keywords([kw("remboursé", "fr"), kw("rembourse", "fr")]) == [kw("remboursé", "fr")]


def test_validate_keywords_defaults_to_any_language_and_word_mode():
    assert validate_keywords([{"text": "refund"}]) == [kw("refund", "", "word")]


def test_validate_keywords_defaults_cjk_keywords_to_substring():
    assert validate_keywords([{"text": "退款", "lang": "zh"}]) == [kw("退款", "zh", "substring")]


def test_keywords_invalid_is_a_domain_error():
    assert issubclass(KeywordsInvalid, DomainError)


def errors_of(value):
    with pytest.raises(KeywordsInvalid) as caught:
        validate_keywords(value)
    return caught.value.errors


def test_a_keyword_with_an_unknown_mode_is_refused_with_its_index():
    assert list(errors_of([kw("refund"), kw("rma", mode="regex")])) == ["keywords.1.mode"]


def test_a_keyword_in_an_unserved_language_is_refused():
    assert list(errors_of([kw("возврат", "ru")])) == ["keywords.0.lang"]


def test_an_empty_keyword_is_refused():
    assert list(errors_of([kw("   ")])) == ["keywords.0.text"]


def test_a_keyword_longer_than_80_characters_is_refused():
    assert list(errors_of([kw("x" * 81)])) == ["keywords.0.text"]


def test_a_keyword_of_80_characters_is_accepted():
    assert validate_keywords([kw("x" * 80)])[0]["text"] == "x" * 80


def test_a_keyword_with_control_characters_is_refused():
    assert list(errors_of([kw("ref\x00und")])) == ["keywords.0.text"]


def test_a_keyword_that_is_not_an_object_is_refused():
    assert list(errors_of(["refund"])) == ["keywords.0"]


def test_keywords_must_be_a_list():
    assert list(errors_of("refund")) == ["keywords"]


def test_more_than_500_keywords_are_refused():
    assert "keywords" in errors_of([kw(f"word{i}") for i in range(501)])


def test_500_keywords_are_accepted():
    assert len(validate_keywords([kw(f"word{i}") for i in range(500)])) == 500


def test_every_invalid_keyword_is_reported_at_once():
    errors = errors_of([kw(""), kw("ok"), kw("x", "xx", "bad")])
    assert sorted(errors) == ["keywords.0.text", "keywords.2.lang", "keywords.2.mode"]
    assert all(isinstance(m, str) and m for messages in errors.values() for m in messages)


# --- matching -----------------------------------------------------------------------------------------


def test_word_mode_matches_whole_words_only():
    assert found([kw("refund")], "Refund please") == ["refund"]
    assert found([kw("refund")], "The refundable deposit") == []


def test_word_mode_matches_phrases_across_line_breaks_and_spaces():
    assert found([kw("money back")], "I want my money\n  back") == ["money back"]


def test_prefix_mode_matches_german_compounds():
    assert found([kw("Rückerstattung", "de", "prefix")], "Mein Rückerstattungsantrag wurde ignoriert") == [
        "Rückerstattung"
    ]


def test_prefix_mode_needs_a_word_start():
    assert found([kw("erstattung", "de", "prefix")], "Meine Rückerstattung") == []


def test_substring_mode_matches_chinese_inside_a_sentence():
    assert found([kw("退款", "zh", "substring")], "我想申请退款谢谢") == ["退款"]


def test_substring_mode_matches_japanese_with_particles():
    assert found([kw("返品", "ja", "substring")], "この商品を返品したいです") == ["返品"]


def test_substring_mode_matches_korean_with_particles():
    assert found([kw("환불", "ko", "substring")], "환불을 요청합니다") == ["환불"]


def test_substring_mode_matches_thai_without_spaces():
    assert found([kw("คืนเงิน", "th", "substring")], "ต้องการขอคืนเงินค่ะ") == ["คืนเงิน"]


def test_matching_ignores_case_and_width():
    assert found([kw("refund")], "ＲＥＦＵＮＤ please") == ["refund"]


def test_a_keyword_with_accents_matches_the_buyers_plain_spelling():
    assert found([kw("remboursé", "fr")], "je veux etre rembourse") == ["remboursé"]


def test_a_plain_keyword_matches_the_buyers_accented_spelling():
    assert found([kw("reembolso", "es"), kw("devolucion", "es")], "Quiero la devolución") == ["devolucion"]


def test_german_sharp_s_matches_ss():
    assert found([kw("Größe", "de")], "Die Grösse passt nicht") == ["Größe"]


def test_polish_letters_fold_to_plain_spelling():
    assert found([kw("zwrot pieniędzy", "pl")], "prosze o zwrot pieniedzy") == ["zwrot pieniędzy"]


def test_hits_report_positions_in_the_normalised_text():
    p = prepare("", "Bitte Rückerstattung")
    (hit,) = compile_set("s", [kw("rückerstattung", "de")]).find(p)
    assert p.norm_body[hit.start : hit.end] == "rückerstattung"


def test_hits_in_the_subject_and_body_are_told_apart():
    hits = find([kw("refund")], "please refund", subject="Refund")
    assert [(h.field, h.start) for h in hits] == [("subject", 0), ("body", 7)]


def test_a_keyword_never_matches_across_subject_and_body():
    assert found([kw("money back")], "back please", subject="Money") == []


def test_negated_hits_are_flagged_not_dropped():
    hits = find([kw("refund", "en")], "I do not want a refund, just a new one")
    assert [(h.keyword, h.negated) for h in hits] == [("refund", True)]


def test_negated_chinese_hit_is_flagged():
    (hit,) = find([kw("退款", "zh", "substring")], "我不要退款，请补发")
    assert hit.negated


def test_negated_korean_hit_is_flagged():
    (hit,) = find([kw("환불", "ko", "substring")], "환불 안 해도 돼요. 교환해 주세요")
    assert hit.negated


def test_negated_thai_hit_is_flagged():
    (hit,) = find([kw("คืนเงิน", "th", "substring")], "ไม่ต้องการคืนเงิน")
    assert hit.negated


def test_negated_german_compound_is_flagged():
    (hit,) = find([kw("Umtausch", "de", "prefix")], "Bitte keinen Umtauschartikel schicken")
    assert hit.negated


def test_mixed_language_message_hits_keywords_of_both_languages():
    sets = [kw("refund", "en"), kw("退款", "zh", "substring")]
    assert sorted(found(sets, "Hello, 我要退款 please refund")) == ["refund", "退款"]


def test_the_longer_keyword_wins_at_the_same_position():
    assert found([kw("return"), kw("return label")], "please send a return label") == ["return label"]


def test_every_occurrence_is_a_hit():
    assert found([kw("refund")], "refund, refund, refund") == ["refund"] * 3


def test_modes_in_one_set_all_match():
    keyword_list = [kw("refund", "en"), kw("Erstattung", "de", "prefix"), kw("退款", "zh", "substring")]
    assert found(keyword_list, "refund Erstattungsantrag 退款") == ["refund", "Erstattung", "退款"]


def test_keywords_with_regex_characters_are_literal():
    assert found([kw("c++ (book)")], "the c++ (book) is torn") == ["c++ (book)"]
    assert found([kw("a.b")], "axb") == []


def test_keyword_without_letters_matches():
    assert found([kw("?!")], "where is it ?!") == ["?!"]


def test_an_empty_set_finds_nothing():
    assert compile_set("empty", []).find(prepare("", "refund")) == []


def test_invalid_entries_stored_in_the_database_are_skipped_when_compiling():
    compiled_set = compile_set("s", [kw("refund"), {"text": ""}, "junk", kw("rma", mode="regex")])
    assert compiled_set.size == 1


def test_quoted_history_is_not_matched():
    body = "Where is my parcel?\n\nOn Mon, Dec 1, 2026 Shop <s@shop.example> wrote:\n> Your refund was issued"
    assert found([kw("refund")], body) == []


# --- the cache ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_compiled_keeps_one_compiled_set_per_saved_version():
    keywords.clear_cache()
    row = KeywordSet.objects.create(name="refund_words", keywords=[kw("refund")])
    assert compiled(row) is compiled(row)


@pytest.mark.django_db
def test_compiled_recompiles_after_the_set_is_saved_again():
    keywords.clear_cache()
    row = KeywordSet.objects.create(name="refund_words", keywords=[kw("refund")])
    first = compiled(row)
    row.keywords = [kw("money back")]
    row.save()
    second = compiled(row)
    assert second is not first
    assert [h.keyword for h in second.find(prepare("", "money back please"))] == ["money back"]


def test_compiled_handles_an_unsaved_set():
    row = KeywordSet(name="draft", keywords=[kw("refund")])
    assert compiled(row).find(prepare("", "refund"))[0].keyword == "refund"


def test_a_phrase_matches_with_extra_spaces_before_its_longest_word():
    assert found([kw("where is my order")], "hi,   where    is  my order?") == ["where is my order"]


def test_a_phrase_does_not_match_when_a_word_differs():
    assert found([kw("where is my order")], "where was my order") == []


def test_a_prefix_phrase_matches_the_start_of_its_last_word():
    assert found([kw("money back", "en", "prefix")], "money backwards") == ["money back"]


def test_a_keyword_starting_with_a_symbol_matches():
    assert found([kw("#rma")], "my #rma number") == ["#rma"]


def test_hits_of_one_keyword_at_many_places_are_all_found():
    hits = find([kw("paket ist weg", "de")], "Mein Paket ist weg. Das zweite Paket ist weg.")
    assert [h.start for h in hits] == [5, 31]
