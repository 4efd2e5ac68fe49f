"""Demo buyers: names, e-mail addresses, countries and platform ids that fit the buyer's language."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

# (given name, family name) written as the buyer writes them, and a romanization for e-mail.
_NAMES: dict[str, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = {
    "en": (
        tuple(
            (n, n.lower())
            for n in (
                "Emily",
                "Jacob",
                "Olivia",
                "Michael",
                "Hannah",
                "Ryan",
                "Chloe",
                "Tyler",
                "Megan",
                "Daniel",
                "Sophie",
                "Liam",
                "Grace",
                "Oliver",
                "Jessica",
                "Ethan",
                "Charlotte",
                "Harry",
                "Amelia",
                "Noah",
            )
        ),
        tuple(
            (n, n.lower())
            for n in (
                "Johnson",
                "Miller",
                "Davis",
                "Thompson",
                "Walker",
                "Harris",
                "Clarke",
                "Wright",
                "Robinson",
                "Bennett",
                "Hughes",
                "Turner",
                "Cooper",
                "Brooks",
                "Foster",
                "Murphy",
                "Campbell",
                "Evans",
            )
        ),
    ),
    "de": (
        (
            ("Lena", "lena"),
            ("Jürgen", "juergen"),
            ("Sabine", "sabine"),
            ("Maximilian", "maximilian"),
            ("Katharina", "katharina"),
            ("Thomas", "thomas"),
            ("Anja", "anja"),
            ("Stefan", "stefan"),
            ("Birgit", "birgit"),
            ("Lukas", "lukas"),
            ("Julia", "julia"),
            ("Matthias", "matthias"),
            ("Jörg", "joerg"),
            ("Franziska", "franziska"),
            ("Tobias", "tobias"),
            ("Ute", "ute"),
        ),
        (
            ("Schmidt", "schmidt"),
            ("Müller", "mueller"),
            ("Schneider", "schneider"),
            ("Fischer", "fischer"),
            ("Weißenberger", "weissenberger"),
            ("Becker", "becker"),
            ("Hoffmann", "hoffmann"),
            ("Schäfer", "schaefer"),
            ("Koch", "koch"),
            ("Bauer", "bauer"),
            ("Richter", "richter"),
            ("Klein", "klein"),
            ("Wolf", "wolf"),
            ("Schröder", "schroeder"),
            ("Zimmermann", "zimmermann"),
        ),
    ),
    "fr": (
        (
            ("Camille", "camille"),
            ("Julien", "julien"),
            ("Élodie", "elodie"),
            ("Mathieu", "mathieu"),
            ("Chloé", "chloe"),
            ("Nicolas", "nicolas"),
            ("Manon", "manon"),
            ("Antoine", "antoine"),
            ("Léa", "lea"),
            ("François", "francois"),
            ("Inès", "ines"),
            ("Guillaume", "guillaume"),
        ),
        (
            ("Dubois", "dubois"),
            ("Lefèvre", "lefevre"),
            ("Moreau", "moreau"),
            ("Laurent", "laurent"),
            ("Girard", "girard"),
            ("Rousseau", "rousseau"),
            ("Fontaine", "fontaine"),
            ("Mercier", "mercier"),
            ("Bonnet", "bonnet"),
            ("Lambert", "lambert"),
            ("Faure", "faure"),
            ("Chevalier", "chevalier"),
        ),
    ),
    "es": (
        (
            ("Lucía", "lucia"),
            ("Javier", "javier"),
            ("María", "maria"),
            ("Alejandro", "alejandro"),
            ("Sofía", "sofia"),
            ("Diego", "diego"),
            ("Carmen", "carmen"),
            ("Pablo", "pablo"),
            ("Valentina", "valentina"),
            ("Andrés", "andres"),
            ("Paula", "paula"),
            ("Jorge", "jorge"),
        ),
        (
            ("García", "garcia"),
            ("Martínez", "martinez"),
            ("López", "lopez"),
            ("Sánchez", "sanchez"),
            ("Hernández", "hernandez"),
            ("Ramírez", "ramirez"),
            ("Torres", "torres"),
            ("Flores", "flores"),
            ("Jiménez", "jimenez"),
            ("Ruiz", "ruiz"),
            ("Navarro", "navarro"),
            ("Ortega", "ortega"),
        ),
    ),
    "ja": (
        (
            ("美咲", "misaki"),
            ("翔太", "shota"),
            ("陽菜", "hina"),
            ("大輔", "daisuke"),
            ("さくら", "sakura"),
            ("健一", "kenichi"),
            ("由美", "yumi"),
            ("拓也", "takuya"),
            ("彩花", "ayaka"),
            ("直樹", "naoki"),
        ),
        (
            ("佐藤", "sato"),
            ("鈴木", "suzuki"),
            ("高橋", "takahashi"),
            ("田中", "tanaka"),
            ("伊藤", "ito"),
            ("渡辺", "watanabe"),
            ("山本", "yamamoto"),
            ("中村", "nakamura"),
            ("小林", "kobayashi"),
            ("加藤", "kato"),
        ),
    ),
    "zh-hans": (
        (
            ("芳", "fang"),
            ("伟", "wei"),
            ("静", "jing"),
            ("志强", "zhiqiang"),
            ("晓燕", "xiaoyan"),
            ("俊杰", "junjie"),
            ("美玲", "meiling"),
            ("浩然", "haoran"),
            ("丽娟", "lijuan"),
            ("子涵", "zihan"),
        ),
        (
            ("王", "wang"),
            ("李", "li"),
            ("张", "zhang"),
            ("刘", "liu"),
            ("陈", "chen"),
            ("杨", "yang"),
            ("黄", "huang"),
            ("赵", "zhao"),
            ("周", "zhou"),
            ("林", "lin"),
        ),
    ),
}

# Countries where a buyer writing this language lives, per store (weights).
_COUNTRIES: dict[str, dict[str, tuple[tuple[str, int], ...]]] = {
    "shopify": {
        "en": (("US", 80), ("CA", 10), ("AU", 6), ("GB", 4)),
        "es": (("US", 45), ("MX", 45), ("ES", 10)),
        "fr": (("FR", 60), ("CA", 30), ("BE", 10)),
        "de": (("DE", 70), ("AT", 15), ("CH", 15)),
        "ja": (("JP", 1),),
        "zh-hans": (("CN", 50), ("SG", 35), ("MY", 15)),
    },
    "amazon": {
        "de": (("DE", 85), ("AT", 15)),
        "fr": (("FR", 80), ("BE", 10), ("LU", 10)),
        "es": (("ES", 1),),
        "en": (("IE", 60), ("DE", 40)),
    },
    "ebay": {
        "en": (("GB", 90), ("IE", 10)),
        "de": (("DE", 80), ("AT", 20)),
        "fr": (("FR", 1),),
        "zh-hans": (("GB", 40), ("CN", 40), ("SG", 20)),
        "ja": (("JP", 70), ("GB", 30)),
    },
}

_MAIL_DOMAINS: dict[str, tuple[str, ...]] = {
    "US": ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"),
    "CA": ("gmail.com", "outlook.com", "rogers.com"),
    "AU": ("gmail.com", "bigpond.com", "outlook.com"),
    "GB": ("gmail.com", "btinternet.com", "hotmail.co.uk", "outlook.com", "sky.com"),
    "IE": ("gmail.com", "eircom.net", "hotmail.com"),
    "DE": ("gmx.de", "web.de", "t-online.de", "gmail.com", "posteo.de"),
    "AT": ("gmx.at", "aon.at", "gmail.com"),
    "CH": ("bluewin.ch", "gmx.ch", "gmail.com"),
    "FR": ("orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr"),
    "BE": ("skynet.be", "gmail.com", "telenet.be"),
    "LU": ("pt.lu", "gmail.com"),
    "ES": ("gmail.com", "hotmail.es", "yahoo.es", "telefonica.net"),
    "MX": ("gmail.com", "hotmail.com", "prodigy.net.mx"),
    "JP": ("yahoo.co.jp", "docomo.ne.jp", "gmail.com", "icloud.com", "ezweb.ne.jp"),
    "CN": ("qq.com", "163.com", "126.com", "gmail.com"),
    "SG": ("gmail.com", "singnet.com.sg", "hotmail.com"),
    "MY": ("gmail.com", "yahoo.com.my"),
}


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    language: str
    country: str
    email: str
    platform_customer_id: str

    @property
    def name(self) -> str:
        if self.language in ("ja", "zh-hans"):
            return f"{self.family}{' ' if self.language == 'ja' else ''}{self.given}"
        return f"{self.given} {self.family}"


def weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def make_person(rng: random.Random, *, store_key: str, language: str, country: str | None = None) -> Person:
    """A buyer of a store who writes in ``language``; ``country`` forces where they live."""
    givens, families = _NAMES[language]
    given, given_roman = rng.choice(givens)
    family, family_roman = rng.choice(families)
    country = country or weighted(rng, _COUNTRIES[store_key][language])
    style = rng.randrange(4)
    year = rng.randrange(62, 100) % 100
    local = (
        f"{given_roman}.{family_roman}",
        f"{given_roman[0]}{family_roman}{year:02d}",
        f"{family_roman}.{given_roman}",
        f"{given_roman}{family_roman}{rng.randrange(1, 999)}",
    )[style]
    email = f"{local}@{rng.choice(_MAIL_DOMAINS[country])}"
    if store_key == "amazon":
        # Amazon relays buyer mail through an anonymous address; the real one is never shown.
        relay = "".join(rng.choices(string.ascii_lowercase + string.digits, k=16))
        email = f"{relay}@marketplace.amazon.de"
        platform_id = email
    elif store_key == "ebay":
        platform_id = f"{given_roman[:5]}_{family_roman[:6]}{rng.randrange(10, 99)}"
    else:
        platform_id = f"gid://shopify/Customer/{rng.randrange(6_800_000_000_000, 7_999_999_999_999)}"
    return Person(given, family, language, country, email, platform_id)


def countries_for(store_key: str, language: str) -> tuple[str, ...]:
    return tuple(c for c, _ in _COUNTRIES[store_key].get(language, ()))
