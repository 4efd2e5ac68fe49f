"""Celery tasks of the domain: thin wrappers around services, safe to run twice."""

from celery import shared_task

from .services import notifications, reconciliation, refund_export, return_risk, rma, search_index, sla, tickets


@shared_task(name="tickets.close_silent_resolved_tickets", acks_late=True)
def close_silent_resolved_tickets() -> int:
    return tickets.close_silent_resolved()


@shared_task(name="tickets.expire_unshipped_returns", acks_late=True)
def expire_unshipped_returns() -> int:
    return rma.expire_unshipped()


@shared_task(name="tickets.sweep_sla", acks_late=True)
def sweep_sla() -> dict:
    return sla.sweep_sla()


@shared_task(name="tickets.email_notifications", acks_late=True)
def email_notifications(ids: list[int] | None = None) -> int:
    """E-mail the notifications ``ids`` whose users chose e-mail (all pending ones from beat)."""
    return notifications.send_emails(ids)


@shared_task(name="tickets.reindex_search", acks_late=True)
def reindex_search() -> int:
    return search_index.reindex_stale(recent_only=True)


@shared_task(name="tickets.reindex_search_all", acks_late=True)
def reindex_search_all() -> int:
    return search_index.reindex_stale(recent_only=False, budget_seconds=240)


@shared_task(name="tickets.sweep_return_risk", acks_late=True)
def sweep_return_risk() -> int:
    return return_risk.sweep()


@shared_task(name="tickets.reconcile_refunds", acks_late=True)
def reconcile_refunds() -> dict:
    """Link platform refunds to ours where an ingest batch could not yet (ours got its id later)."""
    return vars(reconciliation.match_all())


# A month of a million refunds takes minutes as XLSX (openpyxl writes a few thousand rows a second):
# this task may run past the default limit, and still ends before the broker hands it out again.
EXPORT_TIME_LIMIT = refund_export.time_limit()


@shared_task(
    name="tickets.report_refund_export",
    acks_late=True,
    time_limit=EXPORT_TIME_LIMIT,
    soft_time_limit=EXPORT_TIME_LIMIT - max(1, EXPORT_TIME_LIMIT // 10),
)
def report_refund_export(export_id: int) -> str:
    """Write a refund report file on the ``reports`` queue (tickets.report_* routes there)."""
    return refund_export.run_export(export_id)


@shared_task(name="tickets.run_rules", acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def run_rules(event: dict) -> int:
    """The triage rules of one domain event (routed to the "triage" queue). Safe to run twice: each
    rule fires once per event id; a rule whose actions failed is tried again on the retry."""
    from .rules import runner

    return runner.handle(event)


@shared_task(name="tickets.triage_clock", acks_late=True)
def triage_clock() -> dict:
    """The time-based triage events (no buyer reply for N days, approval waiting …), every 5 minutes."""
    from .rules import clock

    return clock.sweep()
