"""Text preparation for triage: what buyers really send, cleaned, with language, negation and withdrawals."""

import pytest

from tickets.rules.keywords import Hit
from tickets.rules.text import (
    detect_language,
    fold,
    html_to_text,
    is_negated,
    main_request,
    prepare,
)


def removed_kinds(prepared):
    return [r.kind for r in prepared.removed]


# --- normalising -------------------------------------------------------------------------------------


def test_prepare_applies_nfkc_and_casefold_to_the_matched_text():
    p = prepare("ＲＥＦＵＮＤ Request", "Die STRAßE ist ﬁne")
    assert p.subject == "REFUND Request"
    assert p.norm_subject == "refund request"
    assert p.norm_body == "die strasse ist fine"


def test_prepare_records_the_normalise_step_first():
    assert prepare("", "hello there").steps[0] == ("normalise", "NFKC + casefold")


def test_fold_strips_latin_accents_keeping_positions():
    assert fold("remboursé łódź ångrar") == "rembourse lodz angrar"
    assert len(fold("żółć")) == len("żółć")


def test_fold_leaves_cjk_hangul_and_thai_alone():
    text = "退款 返品 환불 คืนเงิน"
    assert fold(text) == text


# --- HTML ---------------------------------------------------------------------------------------------


def test_html_to_text_turns_blocks_into_lines_and_unescapes_entities():
    assert html_to_text("<p>Fish &amp; chips</p><div>second<br>third</div>") == "Fish & chips\nsecond\nthird"


def test_html_to_text_turns_blockquote_into_quoted_lines():
    text = html_to_text("<p>New</p><blockquote><p>old one</p><p>old two</p></blockquote>")
    assert text == "New\n> old one\n> old two"


def test_html_blockquote_is_removed_as_quoted_reply():
    p = prepare("", html_to_text("<p>Please refund me.</p><blockquote><p>Your order has shipped</p></blockquote>"))
    assert p.body == "Please refund me."
    assert removed_kinds(p) == ["quoted_reply"]


# --- quoted replies -----------------------------------------------------------------------------------

QUOTED_HEADERS = {
    "en": "On Mon, Dec 1, 2026 at 10:00 AM Shop Support <support@shop.example> wrote:",
    "en-wrapped": "On Mon, Dec 1, 2026 at 10:00 AM Shop Support <support@shop.example>\nwrote:",
    "de": "Am 01.12.2026 um 10:00 schrieb Shop Support <support@shop.example>:",
    "de-outlook-web": "Am Mo., 1. Dez. 2026 um 10:00 Uhr schrieb Shop <support@shop.example>:",
    "fr": "Le lun. 1 déc. 2026 à 10:00, Shop Support <support@shop.example> a écrit :",
    "es": "El lun, 1 dic 2026 a las 10:00, Shop Support (<support@shop.example>) escribió:",
    "it": "Il giorno lun 1 dic 2026 alle ore 10:00 Shop Support <support@shop.example> ha scritto:",
    "nl": "Op ma 1 dec. 2026 om 10:00 schreef Shop Support <support@shop.example>:",
    "pt": "Em seg., 1 de dez. de 2026 às 10:00, Shop Support <support@shop.example> escreveu:",
    "pl": "W dniu 1.12.2026 o 10:00 Shop Support <support@shop.example> napisał(a):",
    "sv": "Den mån 1 dec. 2026 kl 10:00 skrev Shop Support <support@shop.example>:",
    "zh": "Shop Support <support@shop.example> 于2026年12月1日周一 上午10:00写道：",
    "ja": "2026年12月1日(月) 10:00 Shop Support <support@shop.example>:",
    "ja-message": "2026/12/01 10:00、Shop Supportのメッセージ:",
    "ko": "2026년 12월 1일 (월) 오전 10:00, Shop Support <support@shop.example>님이 작성:",
}


@pytest.mark.parametrize("style", sorted(QUOTED_HEADERS))
def test_quoted_reply_after_a_reply_header_is_removed(style):
    body = (
        f"I want to return the shoes.\n\n{QUOTED_HEADERS[style]}\nThank you for your order 12345.\nWe have shipped it."
    )
    p = prepare("", body)
    assert p.body == "I want to return the shoes."
    assert removed_kinds(p) == ["quoted_reply"]
    assert "shipped" in p.removed[0].text


@pytest.mark.parametrize(
    "separator",
    [
        "-----Original Message-----",
        "----- Ursprüngliche Nachricht -----",
        "-------- Message d'origine --------",
        "---------- Forwarded message ---------",
        "-- Original message --",
        "----- 原始邮件 -----",
    ],
)
def test_history_after_an_original_message_separator_is_removed(separator):
    p = prepare("", f"Where is my parcel?\n\n{separator}\nFrom: shop\nYour parcel has been dispatched.")
    assert p.body == "Where is my parcel?"
    assert p.removed[0].kind == "quoted_reply"


def test_outlook_header_block_is_removed_with_everything_after_it():
    body = (
        "The jacket is too small, I would like to exchange it.\n\n"
        "________________________________\n"
        "From: Shop Support <support@shop.example>\n"
        "Sent: Monday, December 1, 2026 10:00 AM\n"
        "To: Jane Buyer <jane@example.com>\n"
        "Subject: Your order\n\n"
        "Thank you for shopping with us."
    )
    p = prepare("", body)
    assert p.body == "The jacket is too small, I would like to exchange it."
    assert "________________________________" in p.removed[0].text


def test_german_outlook_header_block_is_removed():
    body = "Bitte um Umtausch.\n\nVon: Shop <support@shop.example>\nGesendet: Montag, 1. Dezember 2026 10:00\nAn: Anna\nBetreff: Ihre Bestellung\n\nVielen Dank."
    assert prepare("", body).body == "Bitte um Umtausch."


def test_quoted_lines_are_removed_but_bottom_posted_text_is_kept():
    body = "On Mon, Dec 1, 2026 Shop <s@shop.example> wrote:\n> Did the parcel arrive?\n> Regards\n\nNo, it never arrived. Please send it again."
    p = prepare("", body)
    assert p.body == "No, it never arrived. Please send it again."


def test_interleaved_quoted_lines_are_removed():
    p = prepare("", "> What size do you need?\nSize M please.\n> And the colour?\nBlue.")
    assert p.body == "Size M please.\nBlue."
    assert removed_kinds(p) == ["quoted_reply", "quoted_reply"]


def test_a_message_that_is_only_a_quote_is_kept():
    p = prepare("", "-----Original Message-----\nI want a refund")
    assert "I want a refund" in p.body


def test_amazon_relay_keeps_only_the_buyers_message():
    body = (
        "Order ID 302-1234567-7654321:\n1 of Running Shoes\n\n"
        "------------- Begin message -------------\n\n"
        "The shoes arrived damaged, I want a refund.\n\n"
        "------------- End message -------------\n\n"
        "For Your Information: To help arbitrate disputes and preserve trust and safety, we retain messages.\n\n"
        "Was this email helpful?\nCopyright 2026 Amazon.com, Inc."
    )
    p = prepare("", body)
    assert p.body == "The shoes arrived damaged, I want a refund."
    assert set(removed_kinds(p)) == {"footer"}


def test_amazon_relay_footer_and_original_message_are_removed():
    body = (
        "Hello, the parcel is still not here.\n\n"
        "Was this email helpful? Yes | No\n"
        "Report questionable activity\n\n"
        "-- Original message --\nTo: Acme Store (Amazon Seller)\nYour order has shipped."
    )
    p = prepare("", body)
    assert p.body == "Hello, the parcel is still not here."


def test_removals_are_listed_as_steps_with_line_counts():
    p = prepare("", "Refund please.\n\nOn Mon, Dec 1, 2026 Shop <s@shop.example> wrote:\n> one\n> two")
    kind, description = p.steps[1]
    assert kind == "quoted_reply"
    assert description.startswith("removed 3 lines: On Mon, Dec 1")


# --- signatures and footers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "signature",
    [
        "-- \nJane Buyer\n+44 20 1234 5678",
        "Sent from my iPhone",
        "Gesendet von meinem iPhone",
        "Envoyé de mon iPhone",
        "Enviado desde mi iPhone",
        "Inviato da iPhone",
        "Verzonden vanaf mijn iPhone",
        "Skickat från min iPhone",
        "iPhoneから送信",
        "Get Outlook for Android",
    ],
)
def test_signature_marker_and_what_follows_are_removed(signature):
    p = prepare("", f"The item is broken.\n\n{signature}")
    assert p.body == "The item is broken."
    assert removed_kinds(p) == ["signature"]


@pytest.mark.parametrize(
    "closing",
    [
        "Mit freundlichen Grüßen\nHans Müller\nMusterstraße 1\n12345 Berlin",
        "Best regards,\nJohn Smith",
        "Kind regards, John Smith",
        "Cordialement,\nMarie Dupont",
        "Saludos,\nAna",
        "Cordiali saluti\nMarco Rossi",
        "Met vriendelijke groet,\nJan de Vries",
        "Atenciosamente,\nJoão Silva",
        "Pozdrawiam\nJan Kowalski",
        "Med vänliga hälsningar\nAnna Svensson",
        "よろしくお願いします。\n山田太郎",
        "Thanks,\nJohn",
    ],
)
def test_closing_and_name_at_the_end_are_removed(closing):
    p = prepare("", f"The parcel never arrived.\n\n{closing}")
    assert p.body == "The parcel never arrived."
    assert removed_kinds(p) == ["signature"]


def test_thanks_followed_by_a_question_is_not_a_signature():
    p = prepare("", "The parcel never arrived.\nThanks\nCan you refund me?")
    assert "Can you refund me?" in p.body


def test_thanks_with_a_request_on_its_line_is_kept():
    assert "please refund me" in prepare("", "Parcel lost.\nThanks, please refund me").body


def test_closing_in_the_middle_of_a_long_message_is_kept():
    middle = "Best regards\n" + "\n".join(f"Line {i} of my long complaint about the order." for i in range(10))
    assert "Line 9" in prepare("", "Hello\n" + middle).body


@pytest.mark.parametrize(
    "footer",
    [
        "CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and intended solely for the addressee.",
        "This email is confidential and may be privileged. If you are not the intended recipient, delete it.",
        "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind, löschen Sie sie.",
        "Ce message et toutes les pièces jointes sont confidentiels et établis à l'intention exclusive de son destinataire.",
        "Este mensaje es confidencial y está dirigido exclusivamente a su destinatario.",
        "Questo messaggio è riservato ed è destinato esclusivamente al destinatario.",
        "To unsubscribe from these emails, click here: https://example.com/u",
        "Geschäftsführer: Max Mustermann | Amtsgericht Berlin HRB 12345",
    ],
)
def test_legal_footers_are_removed(footer):
    p = prepare("", f"My order arrived damaged.\n\n{footer}")
    assert p.body == "My order arrived damaged."
    assert removed_kinds(p) == ["footer"]


def test_a_buyer_asking_to_unsubscribe_is_not_a_footer():
    p = prepare("", "Please unsubscribe me from your newsletter and refund my last order.")
    assert p.removed == ()


def test_signature_before_quoted_reply_are_both_removed():
    body = "Size too small, exchange please.\n\nBest regards\nJohn\n\nSent from my iPhone\n\nOn Mon, Dec 1, 2026 Shop <s@shop.example> wrote:\n> Thanks for your order"
    p = prepare("", body)
    assert p.body == "Size too small, exchange please."
    assert removed_kinds(p) == ["quoted_reply", "signature", "signature"]


# --- negation -----------------------------------------------------------------------------------------


def negated(text, keyword, lang=""):
    norm = text.casefold()
    start = norm.index(keyword)
    return is_negated(norm, start, lang, start + len(keyword))


@pytest.mark.parametrize(
    ("lang", "text", "keyword"),
    [
        ("en", "I do NOT want a refund", "refund"),
        ("en", "I don't want a refund", "refund"),
        ("en", "I don’t need a replacement", "replacement"),
        ("en", "No refund please, just send it again", "refund"),
        ("en", "I never asked for a return", "return"),
        ("en", "Please fix it without a refund", "refund"),
        ("de", "Ich möchte keine Rückerstattung", "rückerstattung"),
        ("de", "kein Umtausch bitte", "umtausch"),
        ("de", "Ich will das nicht zurückschicken", "zurückschicken"),
        ("de", "Bitte ohne Erstattung reparieren", "erstattung"),
        ("de", "Einen Umtausch möchte ich nicht.", "umtausch"),
        ("fr", "Je ne veux pas de remboursement", "remboursement"),
        ("fr", "Pas de remboursement, merci", "remboursement"),
        ("fr", "Je n'ai jamais demandé un échange", "échange"),
        ("fr", "Réparation sans remboursement", "remboursement"),
        ("es", "No quiero un reembolso", "reembolso"),
        ("es", "Sin reembolso, por favor", "reembolso"),
        ("es", "Nunca pedí una devolución", "devolución"),
        ("it", "Non voglio un rimborso", "rimborso"),
        ("it", "Va bene senza rimborso", "rimborso"),
        ("pt", "Não quero reembolso", "reembolso"),
        ("pt", "Pode ser sem reembolso", "reembolso"),
        ("nl", "Ik wil geen terugbetaling", "terugbetaling"),
        ("nl", "Ik wil het niet retourneren", "retourneren"),
        ("pl", "Nie chcę zwrotu pieniędzy", "zwrotu"),
        ("pl", "Wymiana bez zwrotu pieniędzy", "zwrotu"),
        ("sv", "Jag vill inte ha återbetalning", "återbetalning"),
        ("sv", "Ingen återbetalning tack", "återbetalning"),
        ("sv", "Byte utan återbetalning", "återbetalning"),
        ("ja", "返金は不要です", "返金"),
        ("ja", "返品はいらないです", "返品"),
        ("ja", "交換はしないでください", "交換"),
        ("zh", "我不要退款", "退款"),
        ("zh", "不想退货了", "退货"),
        ("zh", "不用退款，补发就行", "退款"),
        ("zh", "没有退货", "退货"),
        ("zh", "无需退款", "退款"),
        ("zh", "请不退款", "退款"),
        ("ko", "환불 안 해도 돼요", "환불"),
        ("ko", "반품하지 않을게요", "반품"),
        ("ko", "환불 필요 없어요", "환불"),
        ("th", "ไม่ต้องการคืนเงิน", "คืนเงิน"),
    ],
)
def test_negator_near_the_keyword_negates_it(lang, text, keyword):
    assert negated(text, keyword, lang)


@pytest.mark.parametrize(
    ("lang", "text", "keyword"),
    [
        ("en", "I want a refund", "refund"),
        ("en", "Not happy with the shoes, I want a refund", "refund"),
        ("en", "I don't like the colour but I want an exchange", "exchange"),
        ("en", "It has not arrived and I want a refund", "refund"),
        ("en", "Order no 12345 refund please", "refund"),
        ("en", "Not only a refund, also a discount", "refund"),
        ("de", "Nicht angekommen. Ich möchte eine Rückerstattung", "rückerstattung"),
        ("de", "Passt nicht, aber Umtausch wäre toll", "umtausch"),
        ("fr", "Ce n'est pas la bonne taille, je veux un remboursement", "remboursement"),
        ("fr", "Pas reçu mais je veux un remboursement", "remboursement"),
        ("es", "No llegó el paquete. Quiero un reembolso", "reembolso"),
        ("es", "No me queda bien pero quiero un cambio", "cambio"),
        ("it", "Non è arrivato, ma voglio un rimborso", "rimborso"),
        ("pt", "Não chegou, mas quero reembolso", "reembolso"),
        ("nl", "Het past niet maar ik wil ruilen", "ruilen"),
        ("pl", "Nie pasuje, ale chcę zwrot", "zwrot"),
        ("sv", "Passar inte men jag vill ha återbetalning", "återbetalning"),
        ("ja", "サイズが合わないけど、返品したいです", "返品"),
        ("zh", "不想要了，我要退款", "退款"),
        ("zh", "东西不对，请退款", "退款"),
        ("ko", "환불 안내 부탁드립니다", "환불"),
        ("ko", "안녕하세요 환불해 주세요", "환불"),
        ("th", "สินค้าไม่ดี แต่อยากคืนเงิน", "คืนเงิน"),
    ],
)
def test_negator_in_another_clause_does_not_negate(lang, text, keyword):
    assert not negated(text, keyword, lang)


def test_negation_in_one_language_applies_to_a_keyword_in_another():
    assert negated("Ich will kein refund", "refund", "en")


def test_negation_reaches_six_words_back_only():
    assert negated("I do not really want to get a refund", "refund")
    assert not negated("I did not think that my dear old mother would want a refund", "refund")


# --- withdrawal ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hiermit widerrufe ich den von mir abgeschlossenen Vertrag über den Kauf der folgenden Waren",
        "Hiermit widerrufen wir den von uns abgeschlossenen Vertrag",
        "Widerruf Bestellung 12345",
        "Ich widerrufe meine Bestellung.",
        "I hereby give notice that I withdraw from my contract of sale of the following goods",
        "We hereby give notice that we withdraw from our contract",
        "Je vous notifie par la présente ma rétractation du contrat portant sur la vente du bien ci-dessous",
        "Nous vous notifions par la présente notre rétractation du contrat",
        "Por la presente le comunico que desisto de mi contrato de venta del siguiente bien",
        "Con la presente io notifico il recesso dal mio contratto di vendita dei seguenti beni",
        "Hierbij deel ik u mede dat ik onze overeenkomst betreffende de verkoop van de volgende goederen herroep",
        "Niniejszym informuję o moim odstąpieniu od umowy sprzedaży następujących rzeczy",
        "Jag meddelar härmed att jag frånträder mitt avtal om köp av följande varor",
        "Jag ångrar mitt köp",
        "Pela presente comunico que resolvo o meu contrato de compra e venda do seguinte bem",
        "전자상거래법에 따라 청약철회를 요청합니다",
        "我要申请七天无理由退货",
        "クーリングオフを希望します",
    ],
)
def test_statutory_withdrawal_is_recognised(text):
    assert prepare("", text).withdrawal


def test_withdrawal_in_the_subject_is_recognised():
    assert prepare("Widerruf", "Bestellung 12345").withdrawal


@pytest.mark.parametrize(
    "text",
    [
        "Wie lange ist die Widerrufsfrist?",
        "Please withdraw the money from my card again",
        "Quel est le délai de rétractation ?",
        "Ich möchte nicht widerrufen, nur umtauschen",
    ],
)
def test_questions_about_withdrawal_and_negated_withdrawal_are_not_withdrawals(text):
    assert not prepare("", text).withdrawal


def test_withdrawal_in_quoted_shop_text_does_not_count():
    body = "Where is my parcel?\n\nOn Mon, Dec 1, 2026 Shop <s@shop.example> wrote:\n> Widerruf: Sie haben das Recht …"
    assert not prepare("", body).withdrawal


def test_withdrawal_is_listed_as_a_step():
    p = prepare("", "Hiermit widerrufe ich den Vertrag")
    assert p.steps[-1][0] == "withdrawal"


# --- main request -------------------------------------------------------------------------------------


def hit(field, start, negated=False, length=6):
    return Hit("kw", "en", "word", field, start, start + length, negated)


def test_main_request_is_the_first_intent_in_the_body():
    hits = {"refund": [hit("body", 40)], "exchange": [hit("body", 10)]}
    assert main_request(hits, ["refund", "exchange"]) == "exchange"


def test_main_request_skips_negated_hits():
    hits = {"refund": [hit("body", 5, negated=True)], "reship": [hit("body", 30)]}
    assert main_request(hits, ["refund", "reship"]) == "reship"


def test_main_request_counts_the_subject_before_the_body():
    hits = {"refund": [hit("body", 0)], "return": [hit("subject", 20)]}
    assert main_request(hits, ["refund", "return"]) == "return"


def test_main_request_prefers_the_longer_keyword_at_the_same_place():
    hits = {"refund": [hit("body", 3, length=6)], "partial": [hit("body", 3, length=14)]}
    assert main_request(hits, ["refund", "partial"]) == "partial"


def test_main_request_breaks_ties_by_candidate_order():
    hits = {"a": [hit("body", 3)], "b": [hit("body", 3)]}
    assert main_request(hits, ["b", "a"]) == "b"


def test_main_request_only_considers_candidates():
    hits = {"refund": [hit("body", 0)], "exchange": [hit("body", 50)]}
    assert main_request(hits, ["exchange"]) == "exchange"


def test_main_request_is_none_when_every_hit_is_negated():
    assert main_request({"refund": [hit("body", 0, negated=True)]}, ["refund"]) is None


def test_main_request_over_a_real_message_with_several_intents():
    from tickets.rules.keywords import compile_set

    sets = {
        "refund": compile_set("refund", [{"text": "refund", "lang": "en", "mode": "word"}]),
        "reship": compile_set("reship", [{"text": "send a new one", "lang": "en", "mode": "word"}]),
        "exchange": compile_set("exchange", [{"text": "exchange", "lang": "en", "mode": "word"}]),
    }
    p = prepare("", "It arrived broken. I don't want a refund. Please send a new one, or an exchange.")
    hits = {name: s.find(p) for name, s in sets.items()}
    assert main_request(hits, ["refund", "exchange", "reship"]) == "reship"


# --- language -----------------------------------------------------------------------------------------

SAMPLES = {
    "en": "Hello, the shoes I ordered are too small. I would like to send them back and get my money back.",
    "de": "Hallo, die bestellten Schuhe sind leider zu klein. Ich möchte sie zurückschicken und mein Geld zurück.",
    "fr": "Bonjour, les chaussures que j'ai commandées sont trop petites. Je voudrais les renvoyer et être remboursé.",
    "es": "Hola, los zapatos que pedí son demasiado pequeños. Quisiera devolverlos y recuperar mi dinero.",
    "it": "Buongiorno, le scarpe che ho ordinato sono troppo piccole. Vorrei restituirle e avere il rimborso.",
    "pt": "Olá, os sapatos que encomendei são muito pequenos. Gostaria de devolvê-los e receber o meu dinheiro de volta.",
    "nl": "Hallo, de schoenen die ik heb besteld zijn te klein. Ik wil ze graag terugsturen en mijn geld terugkrijgen.",
    "pl": "Dzień dobry, zamówione buty są za małe. Chciałbym je odesłać i otrzymać zwrot pieniędzy.",
    "sv": "Hej, skorna jag beställde är för små. Jag vill skicka tillbaka dem och få pengarna tillbaka.",
    "ja": "こんにちは。注文した靴が小さすぎました。返品して返金をお願いしたいです。",
    "zh": "你好，我订的鞋子太小了。我想退货并退款。",
    "ko": "안녕하세요, 주문한 신발이 너무 작아요. 반품하고 환불 받고 싶습니다.",
    "th": "สวัสดีครับ รองเท้าที่สั่งเล็กเกินไป ผมต้องการคืนสินค้าและขอคืนเงินครับ",
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_language_is_detected_for_every_served_language(lang):
    assert prepare("", SAMPLES[lang]).language == lang


def test_language_is_unknown_for_too_little_text():
    assert detect_language("ok") == ""
    assert detect_language("12345 #678") == ""


def test_language_ignores_urls_and_order_numbers():
    assert detect_language("https://www.example.com/track?id=1234 Wo ist mein Paket? Bestellung 302-1234567") == "de"


def test_language_is_detected_on_the_cleaned_body_not_the_quote():
    body = "Wo ist mein Paket? Es ist immer noch nicht da.\n\nOn Mon, Dec 1, 2026 Shop <s@shop.example> wrote:\n" + (
        "> Thank you for your order, we will ship it soon and send you the tracking number.\n" * 5
    )
    assert prepare("Re: Your order", body).language == "de"


def test_mixed_language_message_takes_the_language_of_most_of_its_text():
    body = "你好，我买的 iPhone case 颜色不对，我想换货，订单号 12345。"
    assert prepare("", body).language == "zh"


def test_japanese_with_kanji_is_japanese_not_chinese():
    assert detect_language("商品が届きません。至急確認してください。") == "ja"


def test_korean_message_with_english_words_is_korean():
    assert detect_language("Galaxy 케이스 주문했는데 아직 배송이 안 왔어요. refund 가능한가요?") == "ko"


def test_thai_message_is_thai():
    assert detect_language("พัสดุยังไม่มาถึงเลยค่ะ ช่วยตรวจสอบให้หน่อย") == "th"


def test_language_step_is_recorded():
    assert ("language", "de") in prepare("", SAMPLES["de"]).steps


def test_portuguese_no_meaning_in_the_does_not_negate():
    assert not negated("Veio quebrado no transporte, quero reembolso", "reembolso", "pt")
    assert not negated("Veio quebrado no transporte quero reembolso", "reembolso", "pt")


def test_french_ne_plus_negates():
    assert negated("Je ne souhaite plus le remboursement", "remboursement", "fr")


@pytest.mark.parametrize("text", ["Order refund", "Bedankt"])
def test_language_is_unknown_for_a_few_ambiguous_words(text):
    assert detect_language(text) == ""


def test_language_of_a_short_clear_question_is_detected():
    assert detect_language("Waar is mijn bestelling?") == "nl"


@pytest.mark.parametrize(
    ("text", "keyword", "lang"),
    [
        ("Il pacco è tornato perché non ho pagato i dazi doganali", "dazi", "it"),
        ("I have not received my refund yet", "refund", "en"),
        ("Ich habe die Rücksendung nicht bezahlt", "rücksendung", "de"),
    ],
)
def test_a_negator_about_another_verb_does_not_negate_the_keyword(text, keyword, lang):
    assert not negated(text, keyword, lang)


@pytest.mark.parametrize(
    ("text", "keyword", "lang"),
    [
        ("ich will auch nix zurückschicken", "zurückschicken", "de"),
        ("je ne veux rien renvoyer", "renvoyer", "fr"),
        ("Je ne veux pas d'un remboursement", "remboursement", "fr"),
    ],
)
def test_colloquial_and_elided_negations_negate(text, keyword, lang):
    assert negated(text, keyword, lang)


def test_negation_runs_on_over_or():
    assert negated("Not asking for a refund or return or anything", "return", "en")


def test_main_request_reads_a_reply_subject_after_the_body():
    hits = {"return": [Hit("rma", "en", "word", "subject", 4, 7, False, True)], "reship": [hit("body", 30)]}
    assert main_request(hits, ["return", "reship"]) == "reship"


@pytest.mark.parametrize("subject", ["Re: Your return", "AW: Ihre Rücksendung", "Fwd: order", "RE[2]: x", "回复：退货"])
def test_reply_and_forward_subjects_are_recognised(subject):
    assert prepare(subject, "hello").reply_subject


def test_a_subject_mentioning_re_is_not_a_reply():
    assert not prepare("Return request", "hello").reply_subject


def test_hits_in_a_reply_subject_are_marked():
    from tickets.rules.keywords import compile_set

    (hit,) = compile_set("s", [{"text": "rma", "lang": "en", "mode": "word"}]).find(prepare("RE: RMA for tablet", "hi"))
    assert hit.field == "subject" and hit.reply_subject


def test_negation_reaches_over_the_action_asked_for():
    assert negated("Please don't send a replacement, refund me instead", "replacement", "en")


def test_swedish_ni_meaning_you_does_not_negate():
    assert not negated("Bilder bifogade. Kan ni skicka en ny?", "skicka en ny", "sv")


def test_dutch_pas_meaning_only_does_not_negate():
    assert not negated("Ik heb het pas gisteren ontvangen en wil een terugbetaling", "terugbetaling", "nl")


@pytest.mark.parametrize(
    ("lang", "text", "keyword"),
    [
        ("ja", "返金ではなく、もう一度送ってください", "返金"),
        ("ja", "交換じゃなくて返金がいいです", "交換"),
        ("zh", "不是退款，是换货", "退款"),
        ("ko", "환불 말고 교환해 주세요", "환불"),
        ("ko", "환불이 아니라 교환을 원해요", "환불"),
    ],
)
def test_not_x_but_y_negates_x(lang, text, keyword):
    assert negated(text, keyword, lang)


def test_not_x_but_y_leaves_y():
    assert not negated("返金ではなく、交換をお願いします", "交換", "ja")


def test_a_ruled_line_over_a_short_block_at_the_end_is_a_signature():
    p = prepare(
        "",
        "ノートパソコンが起動しません。返金を希望します。\n\n――――――――――\n佐藤 健一\n株式会社サトウ商事 営業部\n〒100-0001",
    )
    assert p.body == "ノートパソコンが起動しません。返金を希望します。"
    assert removed_kinds(p) == ["signature"]


def test_a_ruled_line_over_order_details_is_kept():
    p = prepare("", "Please exchange my order.\n-----\nItem: Shoes\nSize: 42\nReason: too small")
    assert "Reason: too small" in p.body
