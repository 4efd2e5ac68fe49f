"""Macros rendered for a ticket: the variant in the buyer's language, placeholders filled from live data.

A macro's body is plain text with placeholders such as ``{{customer.name}}`` or ``{{order.total}}``.
``render_macro`` picks the variant in the ticket's language (then the buyer's, then the store's,
then the macro's first), fills every placeholder it knows from the ticket's current buyer, order,
return and refund, formats money and dates in the buyer's locale, and reports which placeholders
have no data. Nothing is sent from here: the reply box shows the result to the agent, and
``replies.send_reply`` refuses a body that still holds a placeholder. The triage rules' automatic
replies use the same function.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from babel.dates import format_date
from django.utils import translation
from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import Macro, MacroVariant, Ticket
from ..money import Money, babel_locale

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")


@dataclass(frozen=True)
class RenderedMacro:
    macro_id: int
    language: str
    text: str
    missing: tuple[str, ...]  # placeholders with no data (or unknown), in the order they appear

    @property
    def complete(self) -> bool:
        return not self.missing


class MacroNotReady(DomainError):
    """The text still holds placeholders the ticket has no data for."""


# Anything that looks like template syntax, well formed or not: "{{ order.number }}", "{{x", "}}", "{% if %}".
TEMPLATE_MARK = re.compile(r"\{\{[^{}]{0,60}\}\}|\{\{|\}\}|\{%|%\}")


def leftover_placeholders(text: str) -> list[str]:
    """The placeholder-like pieces still in a text (each once, in order): "{{order.number}}", "{{"."""
    seen: list[str] = []
    for mark in TEMPLATE_MARK.findall(text):
        mark = " ".join(mark.split())
        if mark not in seen:
            seen.append(mark)
    return seen


def refuse_placeholders(text: str) -> None:
    """A reply never reaches a buyer with a literal ``{{order.number}}`` (or any ``{{``, ``}}``,
    ``{%``) in it: a filled placeholder never leaves one (see ``_plain``), so any is a gap."""
    left = leftover_placeholders(text)
    if left:
        raise MacroNotReady(
            _("The reply still holds %(names)s: this ticket has no data for it. Fill it in or remove it.")
            % {"names": ", ".join(left)}
        )


def _plain(value: str) -> str:
    """A filled-in value can never read as a placeholder (a buyer named "Bob {{x}}")."""
    return value.replace("{{", "{ {").replace("}}", "} }").replace("{%", "{ %").replace("%}", "% }")


def _primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def pick_variant(macro: Macro, ticket: Ticket, *, language: str = "") -> MacroVariant | None:
    """The variant in ``language`` if given, else the ticket's language, the buyer's, the store's,
    else the first; a regional variant serves its language ("de" for "de-AT") and back."""
    variants = list(macro.variants.all())
    if not variants:
        return None
    wanted = [
        language,
        ticket.language,
        ticket.customer.language if ticket.customer_id else "",
        ticket.store.language,
    ]
    for want in filter(None, wanted):
        exact = next((v for v in variants if v.language.lower() == want.lower()), None)
        if exact is not None:
            return exact
        close = next((v for v in variants if _primary(v.language) == _primary(want)), None)
        if close is not None:
            return close
    return variants[0]


# Carriers' public tracking pages; any other carrier gets a universal tracker.
CARRIER_TRACKING = {
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "ups": "https://www.ups.com/track?tracknum={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
    "dhl express": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
    "deutsche post": "https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode={number}",
    "royal mail": "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
    "evri": "https://www.evri.com/track/parcel/{number}",
    "hermes": "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#{number}",
    "dpd": "https://tracking.dpd.de/status/en_US/parcel/{number}",
    "gls": "https://gls-group.com/track/{number}",
    "postnl": "https://postnl.nl/tracktrace/?B={number}",
    "la poste": "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
    "colissimo": "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
    "canada post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}",
    "australia post": "https://auspost.com.au/mypost/track/details/{number}",
    "japan post": "https://trackings.post.japanpost.jp/services/srv/search/?requestNo1={number}",
    "yamato": "https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number01={number}",
    "sf express": "https://www.sf-express.com/we/ow/chn/en/waybill/waybill-detail/{number}",
    "yunexpress": "https://www.yuntrack.com/parcelTracking?id={number}",
}
UNIVERSAL_TRACKING = "https://t.17track.net/en#nums={number}"


def tracking_url(carrier: str, number: str) -> str:
    """The carrier's public tracking page for a parcel ("" without a number)."""
    number = (number or "").strip()
    if not number:
        return ""
    template = CARRIER_TRACKING.get(" ".join((carrier or "").lower().split()), UNIVERSAL_TRACKING)
    return template.format(number=quote(number, safe=""))


class _Values:
    """The placeholders' values for one ticket, each read only when a macro asks for it."""

    def __init__(self, ticket: Ticket, *, language: str, agent=None) -> None:
        self.ticket = ticket
        self.locale = babel_locale(language or ticket.store.language or "en")
        self.agent = agent
        self._cache: dict[str, object] = {}

    def _once(self, key: str, load: Callable[[], object]) -> object:
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    @property
    def rma(self):
        return self._once("rma", lambda: self.ticket.rmas.order_by("-created_at", "-pk").first())

    @property
    def refund(self):
        return self._once("refund", lambda: self.ticket.refunds.order_by("-created_at", "-pk").first())

    @property
    def lines(self):
        order = self.ticket.order
        return self._once("lines", lambda: list(order.lines.all()) if order else [])

    def money(self, amount, currency: str) -> str:
        return Money.stored(amount, currency).format(self.locale)

    def get(self, name: str) -> str | None:
        """The text for a placeholder; None when the ticket has no data for it or it is unknown."""
        reader = PLACEHOLDERS.get(name)
        if reader is None:
            return None
        value = reader(self)
        return None if value is None or str(value).strip() == "" else _plain(str(value))


def _customer_first_name(v: _Values) -> str | None:
    customer = v.ticket.customer
    return customer.name.split()[0] if customer and customer.name.strip() else None


def _order_total(v: _Values) -> str | None:
    order = v.ticket.order
    return v.money(order.total_amount, order.currency) if order and order.total_amount is not None else None


def _order_items(v: _Values) -> str | None:
    return ", ".join(f"{line.quantity} × {line.title or line.sku}" for line in v.lines) or None


def _rma_instructions(v: _Values) -> str | None:
    rma = v.rma
    if rma is None or not (rma.return_address or rma.label_url):
        return None
    parts = []
    if rma.return_address:
        parts.append(_("Please send the parcel to:") + "\n" + rma.return_address.strip())
    if rma.label_url:
        parts.append(_("Print your return label here: %(url)s") % {"url": rma.label_url})
    parts.append(_("Write the return number %(number)s on the parcel.") % {"number": rma.number})
    return "\n\n".join(parts)


def _refund_amount(v: _Values) -> str | None:
    refund = v.refund
    return v.money(refund.amount, refund.currency) if refund else None


def _agent_name(v: _Values) -> str | None:
    agent = v.agent
    if agent is None:
        return v.ticket.store.email_sender_name or v.ticket.store.name
    return agent.first_name or agent.get_full_name() or agent.get_username()


PLACEHOLDERS: dict[str, Callable[[_Values], object]] = {
    "customer.name": lambda v: v.ticket.customer.name if v.ticket.customer else None,
    "customer.first_name": _customer_first_name,
    "customer.email": lambda v: v.ticket.customer.email if v.ticket.customer else None,
    "order.number": lambda v: v.ticket.order.number if v.ticket.order else None,
    "order.total": _order_total,
    "order.date": lambda v: format_date(v.ticket.order.placed_at, "long", locale=v.locale) if v.ticket.order else None,
    "order.items": _order_items,
    "tracking.number": lambda v: v.ticket.order.tracking_number if v.ticket.order else None,
    "tracking.carrier": lambda v: v.ticket.order.carrier if v.ticket.order else None,
    "tracking.url": lambda v: (
        tracking_url(v.ticket.order.carrier, v.ticket.order.tracking_number) if v.ticket.order else None
    ),
    "rma.number": lambda v: v.rma.number if v.rma else None,
    "rma.instructions": _rma_instructions,
    "rma.label_url": lambda v: v.rma.label_url if v.rma else None,
    "rma.return_address": lambda v: v.rma.return_address if v.rma else None,
    "refund.amount": _refund_amount,
    "ticket.number": lambda v: v.ticket.number,
    "store.name": lambda v: v.ticket.store.email_sender_name or v.ticket.store.name,
    "agent.name": _agent_name,
}


def render_text(text: str, ticket: Ticket, *, language: str = "", agent=None) -> tuple[str, tuple[str, ...]]:
    """Fill the placeholders of ``text`` for ``ticket``; returns the text and the ones left empty
    (those stay in the text as written, so the agent sees what is missing where it is)."""
    values = _Values(ticket, language=language, agent=agent)
    missing: list[str] = []

    def fill(match: re.Match) -> str:
        name = match.group(1)
        value = values.get(name)
        if value is None:
            if name not in missing:
                missing.append(name)
            return match.group(0)
        return value

    # Words we add (return instructions) are in the buyer's language, not the agent's.
    with translation.override(language or ticket.store.language or "en"):
        filled = PLACEHOLDER.sub(fill, text)
    return filled, tuple(missing)


def render_macro(macro: Macro, ticket: Ticket, *, language: str = "", agent=None) -> RenderedMacro:
    """The macro's text for this ticket in the buyer's language, placeholders filled (see module)."""
    variant = pick_variant(macro, ticket, language=language)
    if variant is None:
        raise DomainError(_("The macro “%(name)s” has no text in any language.") % {"name": macro.name})
    text, missing = render_text(variant.body, ticket, language=variant.language, agent=agent)
    return RenderedMacro(macro_id=macro.pk, language=variant.language, text=text, missing=missing)


def macros_for(ticket: Ticket, user, *, search: str = "") -> list[Macro]:
    """The enabled macros an agent may use on this ticket (its store's and the global ones), the one
    a rule suggested first."""
    from django.db.models import Q

    rows = Macro.objects.filter(Q(store=ticket.store) | Q(store__isnull=True), enabled=True)
    if search.strip():
        rows = rows.filter(Q(name__icontains=search.strip()) | Q(variants__body__icontains=search.strip())).distinct()
    found = list(rows.prefetch_related("variants").order_by("name")[:50])
    # The macro a triage rule suggested for this ticket comes first.
    found.sort(key=lambda macro: macro.pk != ticket.suggested_macro_id)
    return found
