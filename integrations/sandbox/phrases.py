"""What the sandbox's buyers write and buy, in several languages (the scenario's text)."""

from __future__ import annotations

import random

LANGUAGES = ("en", "de", "fr", "es", "it", "ja", "zh")

NAMES = {
    "en": ["Emma Johnson", "Liam Smith", "Olivia Brown", "Noah Davis"],
    "de": ["Jürgen Müller", "Anna Schäfer", "Lukas Weiß", "Sophie Groß"],
    "fr": ["Élodie Lefèvre", "Théo Dupont", "Chloé Martin", "Hugo Bernard"],
    "es": ["Lucía García", "Martín López", "Sofía Martínez", "Álvaro Pérez"],
    "it": ["Giulia Rossi", "Luca Bianchi", "Chiara Romano", "Matteo Ricci"],
    "ja": ["佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健太"],
    "zh": ["王芳", "李伟", "张敏", "刘洋"],
}

PRODUCTS = [
    ("TEE-BLK-M", {"en": "Organic cotton T-shirt, black, M", "de": "Bio-Baumwoll-T-Shirt, schwarz, M"}, "19.90"),
    ("SNK-WHT-42", {"en": "Canvas sneakers, white, 42", "ja": "キャンバススニーカー 白 42"}, "64.00"),
    ("MUG-CER-350", {"en": "Ceramic mug 350 ml", "fr": "Mug en céramique 350 ml"}, "12.50"),
    ("BAG-LTH-BRN", {"en": "Leather tote bag, brown", "it": "Borsa tote in pelle, marrone"}, "129.00"),
    ("EAR-BT-PRO", {"en": "Bluetooth earbuds Pro", "zh": "蓝牙耳机 Pro"}, "89.99"),
    ("LMP-DSK-LED", {"en": "LED desk lamp", "es": "Lámpara de escritorio LED"}, "45.00"),
]

# (subject, body) per language; {order} is the order number as the buyer would write it.
MESSAGES = {
    "en": [
        (
            "Where is my order {order}?",
            "Hi, I ordered two weeks ago and the tracking has not moved since Monday. Can you check order {order}?",
        ),
        (
            "Wrong size - order {order}",
            "The shoes in order {order} are too small. How do I return them for a bigger size?",
        ),
        (
            "Item arrived damaged",
            "My parcel for order {order} arrived with a broken mug inside. Photos attached. I would like a refund.",
        ),
    ],
    "de": [
        (
            "Wo bleibt meine Bestellung {order}?",
            "Hallo, meine Bestellung {order} ist immer noch nicht angekommen. Die Sendungsverfolgung zeigt keine Bewegung.",
        ),
        (
            "Rücksendung Bestellung {order}",
            "Das T-Shirt aus Bestellung {order} passt leider nicht. Wie kann ich es zurückschicken? Vielen Dank!",
        ),
    ],
    "fr": [
        (
            "Commande {order} non reçue",
            "Bonjour, je n'ai toujours pas reçu ma commande {order}. Pouvez-vous vérifier le suivi ?",
        ),
        (
            "Article défectueux - {order}",
            "La lampe de la commande {order} ne s'allume pas. Je souhaite un remboursement ou un échange.",
        ),
    ],
    "es": [
        ("¿Dónde está mi pedido {order}?", "Hola, mi pedido {order} lleva diez días sin moverse. ¿Me podéis ayudar?"),
        ("Devolución del pedido {order}", "El bolso del pedido {order} no es como en la foto. Quiero devolverlo."),
    ],
    "it": [
        ("Ordine {order} non arrivato", "Buongiorno, l'ordine {order} risulta consegnato ma non l'ho ricevuto."),
    ],
    "ja": [
        ("注文{order}について", "注文{order}の商品がまだ届いていません。配送状況を確認していただけますか。"),
        (
            "返品したいです（{order}）",
            "注文{order}のスニーカーのサイズが合いませんでした。返品の方法を教えてください。",
        ),
    ],
    "zh": [
        ("订单{order}还没收到", "你好，我的订单{order}已经两周了还没有到，物流一直没有更新，请帮忙查一下。"),
        ("申请退货 {order}", "订单{order}的耳机有一边没有声音，我想退货退款。"),
    ],
}

RETURN_REASONS = ["size", "quality_defect", "not_as_described", "damaged_in_transit", "changed_mind"]


def language(rng: random.Random) -> str:
    return rng.choice(LANGUAGES)


def buyer_name(rng: random.Random, lang: str) -> str:
    return rng.choice(NAMES.get(lang, NAMES["en"]))


def product(rng: random.Random, lang: str) -> tuple[str, str, str]:
    """(sku, title, unit price as a string in a two-decimal currency)."""
    sku, titles, price = rng.choice(PRODUCTS)
    return sku, titles.get(lang, titles["en"]), price


def buyer_message(rng: random.Random, *, order_number: str, lang: str | None = None) -> tuple[str, str, str]:
    """(language, subject, body) of a buyer writing about an order."""
    lang = lang or language(rng)
    subject, body = rng.choice(MESSAGES[lang])
    return lang, subject.format(order=order_number), body.format(order=order_number)
