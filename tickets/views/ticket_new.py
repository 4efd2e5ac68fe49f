"""A ticket an agent opens by hand: a phone call, a letter."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ..errors import DomainError
from ..models import Store
from ..models.tickets import Channel, Priority, TicketReason, TicketType
from ..permissions import can
from ..services.manual import MANUAL_CHANNELS, ManualTicket, ManualTicketError, create_manual_ticket

ADD = "tickets.add_ticket"


class NewTicketForm(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.none(), label=gettext_lazy("Store"), empty_label=None)
    channel = forms.ChoiceField(
        choices=[(c.value, c.label) for c in MANUAL_CHANNELS], label=gettext_lazy("How the buyer reached us")
    )
    buyer_email = forms.EmailField(label=gettext_lazy("Buyer e-mail"), required=False, max_length=254)
    buyer_name = forms.CharField(label=gettext_lazy("Buyer name"), required=False, max_length=200)
    order_number = forms.CharField(label=gettext_lazy("Order number"), required=False, max_length=64)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    type = forms.ChoiceField(choices=TicketType.choices, label=gettext_lazy("Type"), initial=TicketType.INQUIRY)
    reason = forms.ChoiceField(
        choices=[("", gettext_lazy("No reason")), *TicketReason.choices], label=gettext_lazy("Reason"), required=False
    )
    priority = forms.ChoiceField(choices=Priority.choices, label=gettext_lazy("Priority"), initial=Priority.NORMAL)
    body = forms.CharField(label=gettext_lazy("What the buyer said"), widget=forms.Textarea(attrs={"rows": 6}))
    as_note = forms.TypedChoiceField(
        label=gettext_lazy("Keep it as"),
        choices=[("0", gettext_lazy("the buyer's message")), ("1", gettext_lazy("an internal note"))],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.visible_to(user).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def new_ticket(request):
    if not can(request.user, ADD):
        raise PermissionDenied
    form = NewTicketForm(request.POST or None, user=request.user, initial={"channel": Channel.PHONE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = create_manual_ticket(
                actor=request.user,
                data=ManualTicket(
                    store=data["store"],
                    subject=data["subject"],
                    channel=data["channel"],
                    body=data["body"],
                    as_note=data["as_note"],
                    buyer_email=data["buyer_email"],
                    buyer_name=data["buyer_name"],
                    order_number=data["order_number"],
                    type=data["type"],
                    reason=data["reason"],
                    priority=data["priority"],
                ),
            )
        except ManualTicketError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except DomainError as exc:
            if exc.http_status == 403:
                raise PermissionDenied(exc.message) from exc
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Ticket #%(number)s created.") % {"number": ticket.number})
            return redirect("ticket", number=ticket.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/new_ticket.html", {"form": form}, status=status)
