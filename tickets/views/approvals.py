"""The approvals queue: supervisors approve or reject the refunds waiting for them (one by one from
the detail pane, or several ticked at once) and retry those the platform refused."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError
from ..models import Refund
from ..permissions import can
from ..selectors import approvals
from ..services import refund_decisions
from ..services.refunds import APPROVE
from ..validators import small_int


def _require_approver(request) -> None:
    if not can(request.user, APPROVE):
        raise PermissionDenied


def _htmx(request) -> bool:
    return bool(request.headers.get("HX-Request"))


@dataclass(frozen=True)
class Outcome:
    """One refund of a decision: done or refused, and why."""

    refund_id: object
    ok: bool
    text: str
    refund: Refund | None = None


@dataclass(frozen=True)
class Results:
    title: str
    outcomes: list[Outcome]
    error: str = ""

    @property
    def done(self) -> int:
        return sum(1 for o in self.outcomes if o.ok)

    @property
    def refused(self) -> int:
        return sum(1 for o in self.outcomes if not o.ok)


def _page(request, *, selected: int | None = None, results: Results | None = None, status: int = 200):
    listed = approvals.queue(request.user)
    if selected is None:
        # The oldest one the user may decide, else the oldest.
        first = next((r for r in listed.pending if not r.mine), None) or next(iter(listed.pending), None)
        selected = first.pk if first else None
    pane = approvals.detail(request.user, selected)
    ids = [r.pk for r in listed.pending]
    context = {
        "queue": listed,
        "pane": pane,
        "results": results,
        "now": timezone.now(),
        "count": len(ids),
        "badge": approvals.badge(len(ids) + (1 if listed.more else 0)),
        "next_id": _after(ids, selected),
        "oob_count": _htmx(request) and results is not None,  # the top bar's count, updated in place
    }
    template = "approvals/_body.html" if _htmx(request) else "approvals/queue.html"
    return render(request, template, context, status=status)


def _after(ids: list[int], current: int | None) -> int | None:
    """The refund to show once ``current`` is decided: the next one down, else the one above."""
    if current not in ids:
        return ids[0] if ids else None
    at = ids.index(current)
    rest = ids[at + 1 :] or ids[:at][-1:]
    return rest[0] if rest else None


@login_required
@require_GET
def queue_page(request):
    _require_approver(request)
    return _page(request, selected=small_int(request.GET.get("refund", "")))


@login_required
@require_GET
def pane(request):
    """The detail pane of one refund (HTMX); a plain request gets the whole queue with it."""
    _require_approver(request)
    pk = small_int(request.GET.get("refund", ""))
    if not _htmx(request):
        return redirect(f"{reverse('approvals')}?refund={pk or ''}")
    found = approvals.detail(request.user, pk)
    if found is None:
        raise Http404
    return render(request, "approvals/_detail.html", {"pane": found, "now": timezone.now()})


def _outcomes(request, decided: refund_decisions.Decided, verb: str) -> list[Outcome]:
    ids = [r.pk for r in decided.done] + [pk for pk, _why in decided.refused if isinstance(pk, int)]
    known = {r.pk: r for r in Refund.objects.visible_to(request.user).filter(pk__in=ids).select_related("ticket")}
    outcomes = [Outcome(r.pk, True, verb, known.get(r.pk, r)) for r in decided.done]
    outcomes += [Outcome(pk, False, why, known.get(pk)) for pk, why in decided.refused]
    return outcomes


@login_required
@require_POST
def decide(request):
    """Approve or reject the refunds named (``refund``, one or several), each on its own: the
    results say which were decided and why the others were refused."""
    _require_approver(request)
    ids = request.POST.getlist("refund")
    decision = request.POST.get("decision", "")
    note = request.POST.get("note", "")
    selected = small_int(request.POST.get("next", ""))
    if decision not in ("approve", "reject"):
        return _page(request, results=Results(_("Nothing decided"), [], _("Choose approve or reject.")), status=400)
    if not ids:
        return _page(request, results=Results(_("Nothing decided"), [], _("Select the refunds to decide.")), status=400)
    if decision == "reject" and not note.strip():
        # One answer for all of them, before any is touched.
        results = Results(_("Nothing decided"), [], _("Say why the refund is rejected: the requester reads it."))
        return _page(request, selected=small_int(ids[0]) if len(ids) == 1 else None, results=results, status=400)
    approve = decision == "approve"
    decided = refund_decisions.decide_refunds(ids, actor=request.user, approve=approve, note=note)
    verb = _("Approved") if approve else _("Rejected")
    results = Results(
        _("Approved: %(done)s · refused: %(refused)s") % {"done": len(decided.done), "refused": len(decided.refused)}
        if approve
        else _("Rejected: %(done)s · refused: %(refused)s")
        % {"done": len(decided.done), "refused": len(decided.refused)},
        _outcomes(request, decided, verb),
    )
    return _page(request, selected=selected, results=results)


@login_required
@require_POST
def retry(request):
    """Send a refund the platform refused again (the same refund, the same idempotency key)."""
    _require_approver(request)
    pk = small_int(request.POST.get("refund", ""))
    refund = Refund.objects.visible_to(request.user).filter(pk=pk).select_related("ticket").first() if pk else None
    if refund is None:
        raise Http404
    try:
        refund_decisions.retry_refund(refund, actor=request.user)
    except DomainError as exc:
        outcome = Outcome(refund.pk, False, exc.message, refund)
    else:
        outcome = Outcome(refund.pk, True, _("Sent to the platform again"), refund)
    return _page(request, results=Results(_("Retry"), [outcome]))
