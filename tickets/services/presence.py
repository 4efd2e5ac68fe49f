"""Who else is on a ticket right now, viewing or typing a reply: kept in the cache (Redis, or the
files the embedded run's processes share), never in the database, and forgotten on its own.

Each open ticket page says "I am here" every PRESENCE_POLL_SECONDS (and "I am typing" at most
every PRESENCE_TYPING_SECONDS while its reply box gets input). One short-lived key per ticket and
user holds that; a roster key per ticket lists whose keys to read. Before a reply goes out,
``reply_warning`` says whether a colleague answered since the page was loaded or is typing now."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Direction, Message, Ticket

ROSTER_SIZE = 20


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    typing: bool


def _key(ticket_id: int, user_id: int) -> str:
    return f"presence:{ticket_id}:{user_id}"


def _roster_key(ticket_id: int) -> str:
    return f"presence:{ticket_id}"


def ttl() -> int:
    """A viewer is gone once two polls in a row missed."""
    return settings.PRESENCE_POLL_SECONDS * 2 + 2


def typing_window() -> int:
    """A typing ping counts this long, so a colleague's next poll sees it."""
    return settings.PRESENCE_POLL_SECONDS + settings.PRESENCE_TYPING_SECONDS * 2


def name_of(user) -> str:
    return (user.get_full_name() or user.get_username())[:150]


def seen(ticket: Ticket, user, *, typing: bool = False, replied: bool = False) -> None:
    """``user`` has the ticket open (typing a reply when ``typing``; ``replied``: done typing)."""
    now = timezone.now().timestamp()
    key = _key(ticket.pk, user.pk)
    before = cache.get(key) or {}
    typing_at = now if typing else (None if replied else before.get("typing_at"))
    cache.set(key, {"name": name_of(user), "typing_at": typing_at}, ttl())
    roster = [pk for pk in (cache.get(_roster_key(ticket.pk)) or []) if pk != user.pk]
    # Two viewers writing the roster at once may drop one of them: their next poll puts them back.
    cache.set(_roster_key(ticket.pk), [*roster[-(ROSTER_SIZE - 1) :], user.pk], ttl())


def others(ticket: Ticket, user) -> list[Presence]:
    """The colleagues on this ticket now, besides ``user``, typists first."""
    roster = [pk for pk in (cache.get(_roster_key(ticket.pk)) or []) if pk != user.pk]
    if not roster:
        return []
    found = cache.get_many([_key(ticket.pk, pk) for pk in roster])
    now = timezone.now().timestamp()
    people = []
    for pk in roster:
        entry = found.get(_key(ticket.pk, pk))
        if not entry:
            continue
        typing_at = entry.get("typing_at")
        people.append(Presence(pk, entry.get("name", ""), bool(typing_at and now - typing_at < typing_window())))
    return sorted(people, key=lambda p: (not p.typing, p.name.lower()))


def last_message_id(ticket: Ticket) -> int:
    return Message.objects.filter(ticket=ticket).order_by("-pk").values_list("pk", flat=True).first() or 0


def reply_warning(ticket: Ticket, user, *, seen_message_id: int | None) -> str:
    """Why sending now might answer the buyer twice: a colleague replied after message
    ``seen_message_id`` (the newest on the page the reply was written on), or is typing a reply
    now. Empty when nothing stands in the way."""
    if seen_message_id is not None:
        newer = (
            Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND, pk__gt=seen_message_id)
            .exclude(author_id=user.pk)
            .order_by("pk")
            .values_list("author_name", flat=True)
            .first()
        )
        if newer is not None:
            return _(
                "%(name)s replied to the buyer after you opened this ticket. Read their reply above, "
                "then send yours if it still helps."
            ) % {"name": newer or _("A colleague")}
    typists = [p.name for p in others(ticket, user) if p.typing]
    if typists:
        return _("%(name)s is writing a reply to this buyer right now. Send yours as well?") % {
            "name": ", ".join(typists)
        }
    return ""
