"""The demo catalogue: 40 SKUs of an outdoor shop (apparel, footwear, packs, camping, electronics)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..money import Money, currency_exponent

JACKETS, FOOTWEAR, APPAREL, PACKS = "Jackets", "Footwear", "Apparel", "Backpacks"
CAMPING, ELECTRONICS, ACCESSORIES = "Camping", "Electronics", "Accessories"


@dataclass(frozen=True)
class Product:
    sku: str
    title: str
    category: str
    price_usd: str
    fragile: bool = False


CATALOGUE: tuple[Product, ...] = (
    Product("ACM-JKT-RAIN-BLK-S", "Stormline 2.5L Rain Jacket – Black, S", JACKETS, "149.00"),
    Product("ACM-JKT-RAIN-BLK-M", "Stormline 2.5L Rain Jacket – Black, M", JACKETS, "149.00"),
    Product("ACM-JKT-RAIN-BLK-L", "Stormline 2.5L Rain Jacket – Black, L", JACKETS, "149.00"),
    Product("ACM-JKT-DOWN-NVY-M", "Summit 800-Fill Down Jacket – Navy, M", JACKETS, "229.00"),
    Product("ACM-JKT-DOWN-NVY-L", "Summit 800-Fill Down Jacket – Navy, L", JACKETS, "229.00"),
    Product("ACM-JKT-FLC-OLV-M", "Ridge Fleece Jacket – Olive, M", JACKETS, "79.00"),
    Product("ACM-JKT-SOFT-GRY-L", "Crag Softshell Jacket – Grey, L", JACKETS, "119.00"),
    Product("ACM-SHO-TRL-42", "Trailblazer GTX Trail Running Shoe – EU 42", FOOTWEAR, "139.00"),
    Product("ACM-SHO-TRL-43", "Trailblazer GTX Trail Running Shoe – EU 43", FOOTWEAR, "139.00"),
    Product("ACM-SHO-TRL-44", "Trailblazer GTX Trail Running Shoe – EU 44", FOOTWEAR, "139.00"),
    Product("ACM-SHO-HIK-41", "Alpine Mid Waterproof Hiking Boot – EU 41", FOOTWEAR, "179.00"),
    Product("ACM-SHO-HIK-42", "Alpine Mid Waterproof Hiking Boot – EU 42", FOOTWEAR, "179.00"),
    Product("ACM-SHO-SND-40", "Riverbed Sport Sandal – EU 40", FOOTWEAR, "59.00"),
    Product("ACM-APP-MER-TEE-M", "Merino 150 Tee – Heather Grey, M", APPAREL, "65.00"),
    Product("ACM-APP-MER-TEE-L", "Merino 150 Tee – Heather Grey, L", APPAREL, "65.00"),
    Product("ACM-APP-PNT-ZIP-32", "Convertible Zip-Off Hiking Pants – W32 L32", APPAREL, "89.00"),
    Product("ACM-APP-BASE-W-S", "Thermal Base Layer Set (Women) – S", APPAREL, "75.00"),
    Product("ACM-APP-SOCK-3PK", "Merino Blend Hiking Socks (3 pairs)", APPAREL, "29.00"),
    Product("ACM-APP-BEANIE-RST", "Cable Knit Beanie – Rust", APPAREL, "24.00"),
    Product("ACM-BAG-DAY-28", "Ridgeline 28 L Daypack – Slate", PACKS, "119.00"),
    Product("ACM-BAG-TRK-55", "Expedition 55 L Trekking Backpack", PACKS, "229.00"),
    Product("ACM-BAG-HYD-12", "Hydration Running Vest 12 L", PACKS, "99.00"),
    Product("ACM-BAG-DRY-20", "Roll-Top Dry Bag 20 L", PACKS, "34.00"),
    Product("ACM-CMP-TNT-2P", "Featherlite 2-Person Backpacking Tent", CAMPING, "349.00"),
    Product("ACM-CMP-SBG-3S", "Three-Season Down Sleeping Bag (−5 °C)", CAMPING, "259.00"),
    Product("ACM-CMP-PAD-INF", "Insulated Sleeping Pad R4.2", CAMPING, "129.00"),
    Product("ACM-CMP-STV-TI", "Titanium Canister Stove", CAMPING, "59.00", fragile=True),
    Product("ACM-CMP-POT-SET", "Titanium Cook Set (3 pieces)", CAMPING, "69.00", fragile=True),
    Product("ACM-CMP-CHR-UL", "Ultralight Camp Chair", CAMPING, "109.00"),
    Product("ACM-CMP-POLE-CF", "Carbon Trekking Poles (pair)", CAMPING, "139.00", fragile=True),
    Product("ACM-CMP-BTL-1L", "Insulated Steel Bottle 1 L", CAMPING, "39.00", fragile=True),
    Product("ACM-ELC-HLP-450", "Beacon 450 Rechargeable Headlamp", ELECTRONICS, "49.00", fragile=True),
    Product("ACM-ELC-PWR-20K", "PowerCell 20,000 mAh Power Bank", ELECTRONICS, "69.00", fragile=True),
    Product("ACM-ELC-SOL-21W", "Foldable 21 W Solar Panel", ELECTRONICS, "119.00", fragile=True),
    Product("ACM-ELC-GPS-2", "TrailNav 2 Handheld GPS", ELECTRONICS, "299.00", fragile=True),
    Product("ACM-ELC-LNT-USB", "Collapsible USB Lantern", ELECTRONICS, "39.00", fragile=True),
    Product("ACM-ELC-RAD-HND", "Hand-Crank Emergency Radio", ELECTRONICS, "59.00", fragile=True),
    Product("ACM-ELC-EAR-SPT", "Open-Ear Sport Headphones", ELECTRONICS, "129.00", fragile=True),
    Product("ACM-ACC-GLV-TCH-M", "Touchscreen Trail Gloves – M", ACCESSORIES, "35.00"),
    Product("ACM-ACC-SUN-POL", "Polarized Sport Sunglasses", ACCESSORIES, "79.00", fragile=True),
)

# List prices per market: not a conversion, a price point set per currency.
_RATE = {"USD": Decimal("1"), "EUR": Decimal("0.97"), "GBP": Decimal("0.84"), "JPY": Decimal("155")}
_ENDING = {"USD": Decimal("0"), "EUR": Decimal("-0.05"), "GBP": Decimal("-0.01"), "JPY": Decimal("0")}


def local_price(product: Product, currency: str) -> Money:
    """The product's list price in a store's currency, at a price point (149.00 $, 144.95 €, 124.99 £)."""
    raw = Decimal(product.price_usd) * _RATE[currency]
    if currency_exponent(currency) == 0:
        return Money.rounded(raw.scaleb(-1).quantize(Decimal(1), rounding=ROUND_HALF_UP).scaleb(1), currency)
    return Money.rounded(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP) + _ENDING[currency], currency)


def by_category(*categories: str) -> tuple[Product, ...]:
    return tuple(p for p in CATALOGUE if not categories or p.category in categories)
