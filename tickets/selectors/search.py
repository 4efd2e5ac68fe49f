"""Ticket search: exact lookups for identifiers, PostgreSQL full-text search for words.

A query that looks like an identifier (ticket or order number, RMA number, tracking number, an
email address) is looked up exactly in the columns that hold it, each through its own index.
Words go to the per-ticket search document (``TicketSearch.document``, kept by
tickets/services/search_index.py): each word matches its unstemmed ('simple') form or its stem in
any language we stem, so a German buyer's "Rücksendungen" finds "Rücksendung" and an English
"returned" finds "returns". Chinese, Japanese and Korean have no word boundaries PostgreSQL knows,
so the document holds every overlapping pair of their characters and a CJK query must match all
of its pairs ("退货" is one pair; "退货地址" is 退货 & 货地 & 地址).

Everything comes back as one ``id IN (… UNION …)`` condition on the caller's (already scoped)
ticket queryset, so sorting and keyset pagination work on search results as on any list.
On SQLite there is no document: words fall back to icontains over subject, preview and buyer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from ..models import Customer, Order, ReturnAuthorization, Store, Ticket

MAX_QUERY_CHARS = 200
MAX_WORDS = 8

# ISO 639-1 code → the PostgreSQL text search configuration that stems it (every one of these
# ships with PostgreSQL 14, the oldest Django 5.2 runs on). Any other language is 'simple'.
STEMMED = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}
# A query word matches its plain form or any of these stems: a ticket's language is not the
# searcher's, and a buyer may write in another language than the ticket was filed in.
QUERY_CONFIGS = ("simple", *sorted(set(STEMMED.values())))

# Han (with extension A and compatibility ideographs), kana, Hangul syllables and jamo.
CJK_CLASS = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")

EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,63}")
TICKET_NUMBER = re.compile(r"#?([0-9]{1,9})")
ORDER_NUMBER = re.compile(r"#?[0-9A-Za-z][0-9A-Za-z\-]{2,62}")
RMA_NUMBER = re.compile(r"RMA-[0-9]{1,12}", re.IGNORECASE)
TRACKING = re.compile(r"[0-9A-Za-z\-]{8,64}")
IDENTIFIER_DIGITS = re.compile(r"#?[0-9][0-9\-]*")


def config_for(language: str) -> str:
    """The text search configuration for an ISO code such as ``de``, ``pt-BR`` or ``zh-Hans``."""
    code = (language or "").replace("_", "-").split("-", 1)[0].lower()
    return STEMMED.get(code, "simple")


def cjk_pairs(text: str) -> list[str]:
    """The overlapping character pairs of each CJK run, in order and without repeats."""
    pairs: dict[str, None] = {}
    for run in CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            pairs.setdefault(run[i : i + 2], None)
    return list(pairs)


@dataclass
class ParsedQuery:
    """A query split into what each kind of lookup needs."""

    text: str
    words: list[str] = field(default_factory=list)  # non-CJK chunks, as typed
    pairs: list[str] = field(default_factory=list)  # CJK character pairs, all required
    singles: list[str] = field(default_factory=list)  # lone CJK characters: a pair's prefix

    @property
    def empty(self) -> bool:
        return not (self.words or self.pairs or self.singles)


def parse(text: str) -> ParsedQuery:
    text = (text or "").replace("\x00", "").strip()[:MAX_QUERY_CHARS]
    query = ParsedQuery(text)
    for run in CJK_RUN.findall(text):
        if len(run) == 1:
            query.singles.append(run)
    query.pairs = cjk_pairs(text)
    query.words = CJK_RUN.sub(" ", text).split()[:MAX_WORDS]
    return query


def search(queryset: QuerySet, text: str, *, user) -> QuerySet:
    """The tickets of ``queryset`` that ``text`` finds (the queryset itself for an empty query)."""
    query = parse(text)
    if query.empty:
        return queryset
    parts = _exact_parts(query.text, user)
    fallback = Q()
    if connection.vendor == "postgresql":
        if not identifier_only(query.text):
            parts.append(_document_part(query))
    else:  # no search document: the plain text of the row, as typed
        fallback = (
            Q(subject__icontains=query.text)
            | Q(last_message_preview__icontains=query.text)
            | Q(customer__name__icontains=query.text)
        )
    sql, params = _union(parts)
    # Compiled by Django or built from constants; every value of the query is a parameter.
    found = Q(pk__in=RawSQL(sql, params)) if sql else Q(pk__in=[])  # noqa: S611
    return queryset.filter(found | fallback) if fallback else queryset.filter(found)


def identifier_only(text: str) -> bool:
    """Whether the query can only be an identifier (no word search then): an email address, a
    number (with hyphens, as Amazon's and eBay's order numbers have), an RMA or a tracking number."""
    return bool(
        EMAIL.fullmatch(text)
        or IDENTIFIER_DIGITS.fullmatch(text)
        or RMA_NUMBER.fullmatch(text)
        or (TRACKING.fullmatch(text) and sum(ch.isdigit() for ch in text) >= 6)
    )


def _union(parts: list[tuple[str, list]]) -> tuple[str, list]:
    parts = [p for p in parts if p]
    sql = " UNION ".join(f"SELECT * FROM ({s}) AS part{i}" for i, (s, _p) in enumerate(parts))  # noqa: S608
    return sql, [value for _s, p in parts for value in p]


def _compiled(queryset: QuerySet) -> tuple[str, list]:
    sql, params = queryset.order_by().query.sql_with_params()
    return sql, list(params)


def _exact_parts(text: str, user) -> list[tuple[str, list]]:
    """Subqueries of ticket ids for a query that looks like an identifier: each reads one index.

    Orders and buyers are looked up within the user's stores, so each lookup is a range of the
    (store, number) or (store, email) index and never a scan of all stores' rows."""
    if " " in text or len(text) > 64:
        return []
    stores = Store.objects.visible_to(user).values("pk")
    parts = []
    if EMAIL.fullmatch(text):
        buyers = Customer.objects.filter(store_id__in=stores, email=text.lower()).values("pk")
        parts.append(_compiled(Ticket.objects.filter(customer_id__in=buyers).values("id")))
        return parts
    number = TICKET_NUMBER.fullmatch(text)
    if number:
        parts.append(_compiled(Ticket.objects.filter(number=int(number.group(1))).values("id")))
    if RMA_NUMBER.fullmatch(text):
        rma = ReturnAuthorization.objects.filter(number=text.upper()).values("ticket_id")
        parts.append(_compiled(rma))
    if ORDER_NUMBER.fullmatch(text) and any(ch.isdigit() for ch in text):
        bare = text.lstrip("#")
        orders = Order.objects.filter(store_id__in=stores, number__in=sorted({text, bare, f"#{bare}"})).values("pk")
        parts.append(_compiled(Ticket.objects.filter(order_id__in=orders).values("id")))
    if TRACKING.fullmatch(text) and sum(ch.isdigit() for ch in text) >= 4:
        forms = sorted({text, text.upper()})
        shipped = Order.objects.filter(tracking_number__in=forms).values("pk")
        parts.append(_compiled(Ticket.objects.filter(order_id__in=shipped).values("id")))
        parts.append(_compiled(ReturnAuthorization.objects.filter(tracking_number__in=forms).values("ticket_id")))
    return parts


@lru_cache(maxsize=4096)
def word_lexemes(word: str) -> tuple[str, ...]:
    """The distinct lexemes of a word as typed ('simple') and as each stemmer has it, asked of
    PostgreSQL (so they are exactly what the documents hold) and remembered in the process.

    Given to the search as one constant tsquery, so the planner reads its statistics for each
    lexeme: with two dozen ORed copies of one stem it would overestimate and scan the inbox."""
    forms = " || ".join(f"to_tsvector('{config}'::regconfig, %s)" for config in QUERY_CONFIGS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tsvector_to_array({forms})", [word] * len(QUERY_CONFIGS))  # noqa: S608 - constants
        (lexemes,) = cursor.fetchone()
    return tuple(sorted(lexemes))


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_text(query: ParsedQuery) -> str:
    """The tsquery: every word (any of its forms) and every CJK pair; empty when nothing is left."""
    terms = []
    for word in query.words:
        lexemes = word_lexemes(word.lower())
        if lexemes:
            terms.append("(" + " | ".join(_quoted(lexeme) for lexeme in lexemes) + ")")
    terms += [_quoted(pair) for pair in query.pairs]
    if not query.pairs:  # a lone character: any pair that starts with it
        terms += [_quoted(char) + ":*" for char in query.singles]
    return " & ".join(terms)


def _document_part(query: ParsedQuery) -> tuple[str, list] | tuple[()]:
    from ..models import TicketSearch

    text = tsquery_text(query)
    if not text:
        return ()
    table = TicketSearch._meta.db_table
    return f"SELECT ticket_id FROM {table} WHERE document @@ %s::tsquery", [text]  # noqa: S608 - constants
