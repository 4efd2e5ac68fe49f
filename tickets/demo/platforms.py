"""What ids, links, carriers and tracking numbers look like on each demo platform.

Pure functions of a ``random.Random``, so the demo plan stays deterministic.
"""

from __future__ import annotations

import random
import string

from ..models import Fulfilment

_DIGITS = string.digits
_UPPER = string.ascii_uppercase


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(_DIGITS, k=n))


def _alnum(rng: random.Random, n: int, alphabet: str = _UPPER + _DIGITS) -> str:
    return "".join(rng.choices(alphabet, k=n))


# --- orders -------------------------------------------------------------------------------------


def shopify_order_id(rng: random.Random) -> int:
    return rng.randrange(5_600_000_000_000, 6_400_000_000_000)


def amazon_order_id(rng: random.Random) -> str:
    return f"{rng.choice(('302', '303', '304', '305', '306', '028'))}-{_digits(rng, 7)}-{_digits(rng, 7)}"


def ebay_order_id(rng: random.Random) -> str:
    return f"{rng.randrange(10, 28)}-{_digits(rng, 5)}-{_digits(rng, 5)}"


def order_url(platform: str, external_id: str) -> str:
    if platform == "shopify":
        return f"https://admin.shopify.com/store/acme-outdoor/orders/{external_id.rsplit('/', 1)[-1]}"
    if platform == "amazon":
        return f"https://sellercentral.amazon.de/orders-v3/order/{external_id}"
    return f"https://www.ebay.co.uk/mesh/ord/details?orderid={external_id}"


def line_id(rng: random.Random, platform: str) -> str:
    if platform == "shopify":
        return f"gid://shopify/LineItem/{rng.randrange(14_000_000_000_000, 16_999_999_999_999)}"
    if platform == "amazon":
        return _digits(rng, 14)
    return f"{rng.randrange(10_000_000_000, 40_000_000_000)}"


# --- shipping -----------------------------------------------------------------------------------

# Carriers per store: (name, weight), domestic and cross-border.
_CARRIERS = {
    "shopify": ((("USPS", 5), ("UPS", 3), ("FedEx", 2)), (("DHL Express", 3), ("UPS", 2), ("FedEx", 1))),
    "amazon_fba": ((("DHL", 5), ("Amazon Logistics", 4), ("Hermes", 1)), (("DHL", 1),)),
    "amazon_mfn": ((("DHL", 5), ("DPD", 3), ("GLS", 2)), (("DHL", 3), ("DPD", 1))),
    "ebay": ((("Royal Mail", 6), ("Evri", 3), ("DPD", 1)), (("Royal Mail", 2), ("DHL Express", 1))),
}
_DOMESTIC = {"shopify": ("US",), "amazon": ("DE",), "ebay": ("GB",)}


def pick_carrier(rng: random.Random, store_key: str, fulfilment: str, country: str) -> str:
    key = store_key
    if store_key == "amazon":
        key = "amazon_fba" if fulfilment == Fulfilment.FBA else "amazon_mfn"
    domestic, cross_border = _CARRIERS[key]
    options = domestic if country in _DOMESTIC[store_key] else cross_border
    return rng.choices([name for name, _ in options], weights=[w for _, w in options])[0]


def tracking_number(rng: random.Random, carrier: str) -> str:
    if carrier == "USPS":
        return f"9400{_digits(rng, 18)}"
    if carrier == "UPS":
        return f"1Z{_alnum(rng, 6)}03{_digits(rng, 8)}"
    if carrier == "FedEx":
        return _digits(rng, 12)
    if carrier == "DHL Express":
        return _digits(rng, 10)
    if carrier == "DHL":
        return f"00340434{_digits(rng, 12)}"
    if carrier == "Amazon Logistics":
        return f"DE{_digits(rng, 10)}"
    if carrier == "Hermes":
        return f"H10{_digits(rng, 17)}"
    if carrier == "DPD":
        return f"0{_digits(rng, 13)}"
    if carrier == "GLS":
        return _digits(rng, 11)
    if carrier == "Royal Mail":
        return f"{_alnum(rng, 2, _UPPER)}{_digits(rng, 9)}GB"
    if carrier == "Evri":
        return f"H{_alnum(rng, 2, _UPPER)}{_digits(rng, 13)}"
    return _alnum(rng, 12)


# --- messages and refunds -------------------------------------------------------------------------


def message_id(rng: random.Random, platform: str, email: str) -> str:
    """A platform message id: a mail Message-ID for the Shopify store's mailbox, else the platform's."""
    if platform == "shopify":
        domain = email.rsplit("@", 1)[-1]
        return f"<{_alnum(rng, 24, string.ascii_letters + _DIGITS)}@{domain}>"
    if platform == "amazon":
        return f"amzn1.bsm.{_alnum(rng, 32, string.hexdigits[:16])}"
    return _digits(rng, 12)


def refund_id(rng: random.Random, platform: str) -> str:
    if platform == "shopify":
        return f"gid://shopify/Refund/{rng.randrange(900_000_000_000, 999_999_999_999)}"
    if platform == "amazon":
        return f"amzn1.refund.{_alnum(rng, 20, string.hexdigits[:16])}"
    return f"5{_digits(rng, 11)}"


RETURN_ADDRESSES = {
    "shopify": "Acme Outdoor Returns\n2150 Commerce Way, Suite B\nReno, NV 89502\nUnited States",
    "amazon": "Acme Outdoor GmbH – Retourenabteilung\nLagerstraße 12\n04129 Leipzig\nDeutschland",
    "ebay": "Acme Outdoor Returns\nUnit 4, Meridian Business Park\nLeicester LE19 1WX\nUnited Kingdom",
}
