"""Returns from the ticket page: create one from the order's lines, record the parcel's arrival and QC,
resolve it (or a parcel that never came) with an exchange or a reship."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError
from ..models import ReplacementKind, ReturnAuthorization
from ..permissions import can
from ..services import replacements
from ..services import rma as rma_service
from ..states import RMA_FINAL
from ..validators import small_int
from .ticket import _ticket


@login_required
@require_GET
def new_return(request, number: int):
    """The form to create a return: each order line with how many may still go back (HTMX partial)."""
    ticket = _ticket(request, number)
    if not can(request.user, rma_service.ADD):
        raise PermissionDenied
    left = rma_service.returnable(ticket.order_id) if ticket.order_id else {}
    lines = [(line, left.get(line.pk, 0)) for line in ticket.order.lines.all()] if ticket.order_id else []
    return render(request, "components/return_form.html", {"ticket": ticket, "lines": lines})


def _quantities(form) -> dict[int, int] | None:
    """{order line id: quantity} from the form's ``qty-<line>`` fields; None when one is not a
    whole number (an empty field is 0)."""
    wanted = {}
    for key, value in form.items():
        if key.startswith("qty-"):
            line, qty = small_int(key[4:]), small_int(value.strip() or "0", digits=4)
            if line is None or qty is None:
                return None
            wanted[line] = qty
    return wanted


@login_required
@require_POST
def create_return(request, number: int):
    ticket = _ticket(request, number)
    wanted = _quantities(request.POST)
    if wanted is None:
        messages.error(request, _("Quantities are whole numbers."))
        return redirect("ticket", number=ticket.number)
    return _do(
        request,
        ticket,
        lambda: rma_service.create_rma(
            ticket,
            wanted,
            actor=request.user,
            return_address=request.POST.get("return_address", ""),
            label_url=request.POST.get("label_url", "").strip(),
        ),
        lambda rma: (
            _("Return %(number)s created: send the buyer the instructions (macro “Return instructions”).")
            % {"number": rma.number}
        ),
    )


@login_required
@require_POST
def parcel_arrived(request, number: int):
    ticket = _ticket(request, number)
    rma = _rma(ticket, request.POST.get("rma", ""))
    return _do(
        request,
        ticket,
        lambda: rma_service.record_arrival(rma, actor=request.user),
        lambda done: _("Parcel of %(number)s marked as arrived.") % {"number": done.number},
    )


@login_required
@require_POST
def inspect(request, number: int):
    ticket = _ticket(request, number)
    rma = _rma(ticket, request.POST.get("rma", ""))
    result = request.POST.get("qc", "")
    if result not in ("pass", "fail"):
        messages.error(request, _("Choose pass or fail."))
        return redirect("ticket", number=ticket.number)
    return _do(
        request,
        ticket,
        lambda: rma_service.record_inspection(
            rma,
            actor=request.user,
            passed=result == "pass",
            note=request.POST.get("note", ""),
            restock=request.POST.get("restock") == "on",
        ),
        lambda done: _("QC recorded for %(number)s.") % {"number": done.number},
    )


@login_required
@require_GET
def new_replacement(request, number: int):
    """The exchange / reship form: each order line with how many may still be replaced (HTMX partial)."""
    ticket = _ticket(request, number)
    if not can(request.user, replacements.ADD):
        raise PermissionDenied
    order = ticket.order if ticket.order_id and ticket.order.replacement_of_id is None else None
    left = replacements.replaceable(order.pk) if order else {}
    lines = [(line, left.get(line.pk, 0)) for line in order.lines.all()] if order else []
    rmas = [r for r in ticket.rmas.all() if r.status not in RMA_FINAL and r.qc_result != "fail"]
    return render(
        request,
        "components/replacement_form.html",
        {"ticket": ticket, "lines": lines, "rmas": rmas, "kinds": ReplacementKind.choices},
    )


@login_required
@require_POST
def create_replacement(request, number: int):
    ticket = _ticket(request, number)
    wanted = _quantities(request.POST)
    if wanted is None:
        messages.error(request, _("Quantities are whole numbers."))
        return redirect("ticket", number=ticket.number)
    raw_rma = request.POST.get("rma", "").strip()
    rma = _rma(ticket, raw_rma) if raw_rma else None
    return _do(
        request,
        ticket,
        lambda: replacements.create_replacement(
            ticket,
            wanted,
            actor=request.user,
            kind=request.POST.get("kind", ""),
            rma=rma,
            note=request.POST.get("note", ""),
        ),
        lambda order: (
            _("Replacement order %(number)s created at no charge: it is queued for the platform.")
            % {"number": order.number}
        ),
    )


def _rma(ticket, raw: str) -> ReturnAuthorization:
    pk = small_int(raw)
    found = ReturnAuthorization.objects.filter(pk=pk, ticket=ticket).first() if pk else None
    if found is None:
        raise Http404
    return found


def _do(request, ticket, action, ok):
    try:
        done = action()
    except DomainError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, ok(done))
    return redirect("ticket", number=ticket.number)
