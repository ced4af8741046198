"""Background tasks (django-tasks). They take only ids and only *wake* work: the rows are the
truth, so a lost, duplicated or killed task loses nothing (the relay redoes what is due).

This is the top layer (ARCHITECTURE.md, "Layout"): tasks call the domain (``dispatch``,
``webhooks.delivery``), which returns what should be scheduled; no domain module imports
this one (an import-linter contract in ``pyproject.toml`` says so).
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import close_old_connections, connection, transaction
from django_tasks import task

from .dispatch import dispatch_event
from .webhooks.delivery import attempt
from .webhooks.models import Delivery

logger = logging.getLogger(__name__)


def _fresh_connection() -> None:
    """Like Django at the start of a request: drop a connection the server has closed (after a
    database restart) so a long-lived worker reconnects instead of failing every task."""
    if not connection.in_atomic_block:
        close_old_connections()


@task()
def dispatch(event_id: str) -> int:
    """Fan one event out into deliveries (idempotent) and wake them after commit."""
    _fresh_connection()
    new_ids = dispatch_event(event_id)
    transaction.on_commit(partial(enqueue_deliveries, new_ids))
    return len(new_ids)


@task()
def deliver(delivery_id: int) -> str:
    """Make one attempt at one delivery, if it is still due and not leased elsewhere."""
    _fresh_connection()
    status = attempt(delivery_id)
    return str(status) if status else "skipped"


def enqueue_dispatch(event_id: str) -> None:
    try:
        dispatch.enqueue(event_id)
    except Exception:
        # The relay dispatches any event left undispatched; the event is not lost.
        logger.exception("Could not enqueue dispatch of %s; the relay will pick it up", event_id)


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        try:
            deliver.enqueue(delivery_id)
        except Exception:
            logger.exception("Could not enqueue delivery %s; the relay will retry", delivery_id)
            with transaction.atomic():
                Delivery.objects.filter(pk=delivery_id).update(enqueued_at=None)
