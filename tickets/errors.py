"""Domain errors: one base class, a stable code per case, a message a user can read."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was changed."""

    code = "domain_error"
    http_status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message: str | None = None, **params: object) -> None:
        self.params = params
        self.message = str(message if message is not None else self.default_message)
        super().__init__(self.message)


class NotFound(DomainError):
    """Missing and forbidden look alike, so ids of other stores do not leak."""

    code = "not_found"
    http_status = 404
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403
    default_message = _("You do not have permission to do this.")


class IllegalTransition(DomainError):
    code = "illegal_transition"
    http_status = 409
    default_message = _("This status change is not allowed.")


class SelfApprovalForbidden(PermissionDenied):
    code = "self_approval_forbidden"
    default_message = _("Nobody may approve their own refund request.")


class MoneyError(DomainError):
    code = "invalid_money"
    default_message = _("This is not a valid amount of money.")


class CurrencyMismatch(MoneyError):
    code = "currency_mismatch"
    default_message = _("Amounts in different currencies cannot be combined.")


class RefundExceedsRefundable(DomainError):
    """Approving would commit more than the order has left to refund."""

    code = "refund_exceeds_refundable"
    http_status = 409
    default_message = _("This refund is more than what is left to refund on the order.")


class NotAManualRefund(DomainError):
    code = "not_a_manual_refund"
    http_status = 409
    default_message = _(
        "Only a PayPal or store-credit refund made outside the platform is recorded by a person; "
        "refunds to the original payment are executed on the platform."
    )


class InvalidMonth(DomainError):
    """A report month that is not "YYYY-MM" (1900-01 to 2199-12)."""

    code = "invalid_month"
    default_message = _("Enter a month as YYYY-MM, e.g. 2026-11.")


class MonthAlreadyClosed(DomainError):
    code = "month_already_closed"
    http_status = 409
    default_message = _("This month is already closed.")


class MonthNotOver(DomainError):
    """Finance closes a month once it has ended, not while refunds may still count in it."""

    code = "month_not_over"
    http_status = 409
    default_message = _("A month can be closed once it has ended.")


class MergeRefused(DomainError):
    """Two tickets that cannot become one (the same ticket, another store, a closed one)."""

    code = "merge_refused"
    http_status = 409
    default_message = _("These tickets cannot be merged.")


class SplitRefused(DomainError):
    code = "split_refused"
    http_status = 409
    default_message = _("This message cannot be split off.")


class LinkRefused(DomainError):
    """An order or buyer that cannot be linked to the ticket (one of another store)."""

    code = "link_refused"
    default_message = _("This cannot be linked to the ticket.")


class EvidenceMissing(DomainError):
    code = "evidence_missing"
    default_message = _("Choose a file to upload.")


class EvidenceTypeRefused(DomainError):
    """Only photos, videos and PDF files, told by their content, never by name or the browser's word."""

    code = "evidence_type_refused"
    default_message = _(
        "This file is not a photo, a video or a PDF. Accepted: JPEG, PNG, WebP, GIF and HEIC photos; "
        "MP4, MOV and WebM videos; PDF documents."
    )


class EvidenceTooLarge(DomainError):
    code = "evidence_too_large"
    http_status = 413
    default_message = _("This file is too large.")


class EvidenceUnreadable(DomainError):
    code = "evidence_unreadable"
    default_message = _("This image could not be read: it is damaged or incomplete.")


class EvidenceImageTooLarge(DomainError):
    """More pixels than the server decodes: a real photo never has that many (a decompression bomb)."""

    code = "evidence_image_too_large"
    default_message = _("This image has too many pixels to be opened safely.")


class EvidenceDuplicate(DomainError):
    code = "evidence_duplicate"
    http_status = 409
    default_message = _("This file is already attached to this ticket.")


class EvidenceKindInvalid(DomainError):
    code = "evidence_kind_invalid"
    default_message = _("Choose what the file shows.")


class RefundRequestInvalid(DomainError):
    """A refund request that names something wrong (amount, lines, kind, method, month)."""

    code = "invalid_refund"
    default_message = _("This refund request is not valid.")


class RefundAmountInvalid(RefundRequestInvalid):
    """Not an amount of the order's currency: too many decimals, not more than zero, too large."""

    code = "invalid_refund_amount"
    default_message = _("This is not a valid refund amount.")


class RefundCurrencyMismatch(RefundRequestInvalid):
    """A refund is paid back in the currency the order was paid in, and no other."""

    code = "refund_currency_mismatch"
    default_message = _("Refund in the currency the order was paid in.")


class RefundLinesInvalid(RefundRequestInvalid):
    """Lines that are not the order's, named twice, or more than is left on them."""

    code = "invalid_refund_lines"
    default_message = _("These refund lines are not valid for this order.")


class IdempotencyKeyReused(RefundRequestInvalid):
    """The key of an earlier request, sent with a different request."""

    code = "idempotency_key_reused"
    default_message = _("This idempotency key was used for another refund request.")


class RefundNeedsOrder(DomainError):
    code = "refund_needs_order"
    http_status = 409
    default_message = _("Link the ticket to its order first: a refund is paid back against an order.")


class MonthClosed(DomainError):
    code = "month_closed"
    http_status = 409
    default_message = _("This month of the refund report is closed; nothing in it changes any more.")


class IdempotencyKeyInvalid(RefundRequestInvalid):
    code = "invalid_idempotency_key"
    default_message = _("An idempotency key is a UUID, e.g. 3f1c2d8a-6f1c-4d52-9a59-5b0d6a4e8a11.")
