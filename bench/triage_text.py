"""Benchmark: triage text preparation and keyword matching (tickets/rules/text.py, keywords.py). Prints JSON lines.

For a few realistic buyer messages (English with a quoted reply and a signature, German, French,
Chinese, Japanese, Korean, Thai) it measures, in CPU milliseconds per message: ``prepare`` less
language detection, language detection (lingua, ≤ 400 characters), and ``find`` of every one of
``--sets`` keyword sets of ``--keywords`` keywords each (a multilingual mix of word, word-start
and substring keywords, as the default sets have) on the prepared text, with the per-message word
index built once. The last line sums them: the text side of one message through the engine.

Run: ``AFTERSALES_LOCAL_HTTP=1 .venv/bin/python bench/triage_text.py [--sets 40] [--keywords 100]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

import django  # noqa: E402

django.setup()

from tickets.rules.keywords import compile_set  # noqa: E402
from tickets.rules.text import PreparedText, detect_language, prepare, warm_up  # noqa: E402

MESSAGES = {
    "en": (
        "Re: Your order 114-2233445",
        "Hello,\n\nI ordered a pair of running shoes two weeks ago and they arrived today, but the left shoe has "
        "a torn seam along the side and the sole is coming off. I do not want a replacement, I would like a "
        "refund please. I have attached photos of the damage. Could you also send me a return label? I am not "
        "sure how to return it through Amazon.\n\nBest regards\nJohn Smith\nSent from my iPhone\n\n"
        "On Mon, Dec 1, 2026 at 10:00 AM Shop <shop@example.com> wrote:\n> Thank you for your order!\n"
        "> Your parcel is on its way.\n",
    ),
    "de": (
        "Rücksendung",
        "Guten Tag,\n\nleider ist die Jacke, die ich am 12. November bestellt habe, zu klein. Ich möchte sie gerne "
        "zurückschicken und bitte um Rückerstattung des Kaufpreises. Einen Umtausch möchte ich nicht. Könnten "
        "Sie mir bitte ein Rücksendeetikett schicken?\n\nMit freundlichen Grüßen\nAnna Schmidt\n",
    ),
    "fr": (
        "Commande abîmée",
        "Bonjour, j'ai reçu ma commande hier mais le colis était écrasé et la lampe est cassée. Je ne veux pas "
        "d'avoir, je souhaite être remboursé ou recevoir une nouvelle lampe. Cordialement,\nMarie Dupont",
    ),
    "zh": (
        "退货",
        "您好，我上周收到的手机壳颜色不对，我订的是黑色，收到的是蓝色。我不要退款，请给我换一个黑色的。谢谢！",
    ),
    "ja": (
        "返品について",
        "注文した靴のサイズが合いませんでした。返品して返金をお願いしたいです。よろしくお願いします。",
    ),
    "ko": ("반품", "안녕하세요, 주문한 신발이 너무 작아요. 반품하고 환불 받고 싶습니다. 감사합니다."),
    "th": ("คืนสินค้า", "สวัสดีครับ รองเท้าที่สั่งเล็กเกินไป ผมต้องการคืนสินค้าและขอคืนเงินครับ"),
}
REAL_WORDS = {
    "en": ["refund", "money back", "return", "send it back", "exchange", "replacement", "broken", "damaged"],
    "de": ["rückerstattung", "geld zurück", "zurückschicken", "umtausch", "kaputt", "beschädigt"],
    "fr": ["remboursement", "rembourser", "retour", "échange", "cassé", "abîmé"],
    "zh": ["退款", "退货", "换货", "破损"],
    "ja": ["返金", "返品", "交換", "破損"],
    "ko": ["환불", "반품", "교환", "파손"],
    "th": ["คืนเงิน", "คืนสินค้า", "เปลี่ยน"],
}
CJK = {"zh", "ja", "ko", "th"}


def keyword_sets(count: int, size: int) -> list:
    rng = random.Random(14)
    letters = "abcdefghijklmnoprstuvwyzäöüéèàç"
    sets = []
    for n in range(count):
        keywords = []
        for lang, words in REAL_WORDS.items():  # each set hits a few real words, as the defaults do
            for word in rng.sample(words, 1):
                keywords.append({"text": word, "lang": lang, "mode": "substring" if lang in CJK else "word"})
        while len(keywords) < size:
            word = "".join(rng.choice(letters) for _ in range(rng.randint(4, 12)))
            if rng.random() < 0.3:
                word += " " + "".join(rng.choice(letters) for _ in range(rng.randint(2, 8)))
            keywords.append({"text": word, "lang": "", "mode": rng.choice(["word", "word", "prefix"])})
        sets.append(compile_set(f"set{n}", keywords))
    return sets


def cpu_ms(fn, repeat: int) -> float:
    started = time.process_time()
    for _ in range(repeat):
        fn()
    return (time.process_time() - started) / repeat * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=40)
    parser.add_argument("--keywords", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    sets = keyword_sets(args.sets, args.keywords)
    warm_up()
    totals = {"prepare_ms": 0.0, "lingua_ms": 0.0, "sets_ms": 0.0}
    for lang, (subject, body) in MESSAGES.items():
        prepared = prepare(subject, body)  # loads the language's model, untimed
        text = prepared.body + "\n" + subject
        lingua = cpu_ms(lambda t=text: detect_language(t), args.repeat)
        # prepare with its language detection, less the detection measured alone
        prep = max(0.0, cpu_ms(lambda s=subject, b=body: prepare(s, b), args.repeat) - lingua)

        def find_all(p=prepared):
            fresh = PreparedText(
                p.subject, p.body, p.norm_subject, p.norm_body, p.removed, p.steps, p.language, p.withdrawal
            )
            for compiled in sets:
                compiled.find(fresh)

        find = cpu_ms(find_all, args.repeat)
        hits = sum(len(c.find(prepared)) for c in sets)
        row = {
            "name": "message",
            "language": lang,
            "detected": prepared.language,
            "chars": len(body),
            "prepare_ms": round(prep, 4),
            "lingua_ms": round(lingua, 4),
            "sets_ms": round(find, 4),
            "sets": len(sets),
            "hits": hits,
        }
        print(json.dumps(row))
        totals["prepare_ms"] += prep
        totals["lingua_ms"] += lingua
        totals["sets_ms"] += find
    n = len(MESSAGES)
    mean = {k: round(v / n, 4) for k, v in totals.items()}
    mean["text_ms_without_lingua"] = round(mean["prepare_ms"] + mean["sets_ms"], 4)
    print(json.dumps({"name": "mean", "sets": len(sets), "keywords_per_set": args.keywords, **mean}))


if __name__ == "__main__":
    main()
