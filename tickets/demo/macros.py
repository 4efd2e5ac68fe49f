"""The demo's macros: the replies an after-sales desk sends every day, in the buyers' languages."""

from __future__ import annotations

from collections import Counter

from ..models import Macro, MacroVariant

MACROS: dict[str, dict[str, str]] = {
    "Where is my parcel": {
        "en": "Hi {{customer.first_name}},\n\nthank you for your message. Your order {{order.number}} is with "
        "{{tracking.carrier}}; you can follow it here: {{tracking.url}}\n\nKind regards,\n{{agent.name}}",
        "de": "Hallo {{customer.first_name}},\n\ndanke für Ihre Nachricht. Ihre Bestellung {{order.number}} ist bei "
        "{{tracking.carrier}} unterwegs; hier können Sie sie verfolgen: {{tracking.url}}\n\n"
        "Freundliche Grüße\n{{agent.name}}",
        "fr": "Bonjour {{customer.first_name}},\n\nmerci pour votre message. Votre commande {{order.number}} est "
        "chez {{tracking.carrier}} ; vous pouvez la suivre ici : {{tracking.url}}\n\nCordialement,\n{{agent.name}}",
        "ja": "{{customer.name}} 様\n\nお問い合わせありがとうございます。ご注文 {{order.number}} は "
        "{{tracking.carrier}} にて配送中です。こちらで追跡できます: {{tracking.url}}\n\n{{agent.name}}",
        "zh-hans": "{{customer.name}} 您好：\n\n感谢您的留言。您的订单 {{order.number}} 正由 {{tracking.carrier}} "
        "派送，可在此查询：{{tracking.url}}\n\n{{agent.name}}",
    },
    "Return instructions": {
        "en": "Hi {{customer.first_name}},\n\nyour return {{rma.number}} is approved.\n\n{{rma.instructions}}\n\n"
        "We refund {{order.items}} as soon as the parcel arrives.\n\n{{agent.name}}",
        "de": "Hallo {{customer.first_name}},\n\nIhre Rücksendung {{rma.number}} ist genehmigt.\n\n"
        "{{rma.instructions}}\n\nSobald das Paket ankommt, erstatten wir {{order.items}}.\n\n{{agent.name}}",
    },
    "Refund issued": {
        "en": "Hi {{customer.first_name}},\n\nwe have refunded {{refund.amount}} for order {{order.number}}. "
        "It reaches your account within a few days.\n\n{{agent.name}}",
        "de": "Hallo {{customer.first_name}},\n\nwir haben {{refund.amount}} für Bestellung {{order.number}} "
        "erstattet. Der Betrag ist in wenigen Tagen auf Ihrem Konto.\n\n{{agent.name}}",
        "ja": "{{customer.name}} 様\n\nご注文 {{order.number}} について {{refund.amount}} を返金いたしました。"
        "数日以内に反映されます。\n\n{{agent.name}}",
    },
    "Ask for photos": {
        "en": "Hi {{customer.first_name}},\n\nsorry to hear that. Could you send us two or three photos of the "
        "item and of the parcel? Then we sort it out straight away.\n\n{{agent.name}}",
        "de": "Hallo {{customer.first_name}},\n\ndas tut uns leid. Könnten Sie uns zwei, drei Fotos des Artikels "
        "und des Pakets schicken? Dann kümmern wir uns sofort darum.\n\n{{agent.name}}",
        "fr": "Bonjour {{customer.first_name}},\n\nnous en sommes désolés. Pourriez-vous nous envoyer deux ou trois "
        "photos de l'article et du colis ? Nous réglons cela tout de suite.\n\n{{agent.name}}",
    },
}


def demo_macros(created: Counter[str]) -> None:
    """Create the demo's macros (for every store) that are not there yet."""
    existing = set(Macro.objects.filter(store__isnull=True, name__in=MACROS).values_list("name", flat=True))
    for name, variants in MACROS.items():
        if name in existing:
            continue
        macro = Macro.objects.create(name=name, store=None)
        MacroVariant.objects.bulk_create(
            [MacroVariant(macro=macro, language=language, body=body) for language, body in variants.items()]
        )
        created["macros"] += 1
