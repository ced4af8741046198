"""Background tasks (django-tasks). They take only ids and only *wake* work: the rows are the
truth, so a lost, duplicated or killed task loses nothing (the relay redoes what is due)."""

from __future__ import annotations

import logging

from django.db import close_old_connections, connection, transaction
from django_tasks import task

logger = logging.getLogger(__name__)


def _fresh_connection() -> None:
    """Like Django at the start of a request: drop a connection the server has closed (after a
    database restart) so a long-lived worker reconnects instead of failing every task."""
    if not connection.in_atomic_block:
        close_old_connections()


@task()
def dispatch(event_id: str) -> int:
    """Fan one event out into deliveries (idempotent)."""
    from .dispatch import dispatch_event

    _fresh_connection()
    return len(dispatch_event(event_id))


@task()
def deliver(delivery_id: int) -> str:
    """Make one attempt at one delivery, if it is still due and not leased elsewhere."""
    from .webhooks.delivery import attempt

    _fresh_connection()
    status = attempt(delivery_id)
    return str(status) if status else "skipped"


@task()
def push(delivery_id: int) -> str:
    """Make one attempt at one push delivery (same leases and policy as ``deliver``)."""
    from .push.delivery import attempt

    _fresh_connection()
    status = attempt(delivery_id)
    return str(status) if status else "skipped"


@task()
def websub_ping(event_id: str) -> int:
    """Record the hub pings an event owes (WebSub publisher) and send the due ones."""
    from .feeds.websub import request_pings_for_event, send_due

    _fresh_connection()
    request_pings_for_event(event_id)
    return send_due()


@task()
def websub_send_due() -> int:
    """Send the hub pings that are due (the relay wakes this; the rows are the truth)."""
    from .feeds.websub import send_due

    _fresh_connection()
    return send_due()


def enqueue_websub_ping(event_id: str) -> None:
    try:
        websub_ping.enqueue(event_id)
    except Exception:
        # The event row stays; a later publish or the relay's pass sends what is due.
        logger.exception("Could not enqueue the WebSub ping for %s", event_id)


def enqueue_dispatch(event_id: str) -> None:
    try:
        dispatch.enqueue(event_id)
    except Exception:
        # The relay dispatches any event left undispatched; the event is not lost.
        logger.exception("Could not enqueue dispatch of %s; the relay will pick it up", event_id)


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    from .webhooks.models import Delivery

    for delivery_id in delivery_ids:
        try:
            deliver.enqueue(delivery_id)
        except Exception:
            logger.exception("Could not enqueue delivery %s; the relay will retry", delivery_id)
            with transaction.atomic():
                Delivery.objects.filter(pk=delivery_id).update(enqueued_at=None)


def enqueue_push_deliveries(delivery_ids: list[int]) -> None:
    from .push.models import PushDelivery

    for delivery_id in delivery_ids:
        try:
            push.enqueue(delivery_id)
        except Exception:
            logger.exception("Could not enqueue push %s; the relay will retry", delivery_id)
            with transaction.atomic():
                PushDelivery.objects.filter(pk=delivery_id).update(enqueued_at=None)
