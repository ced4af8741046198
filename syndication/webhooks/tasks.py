"""Background tasks of the webhook deliveries (django-tasks), and what schedules them.

The deliveries' top layer (ARCHITECTURE.md, "Layout"): the domain (``delivery``,
``operations``, ``syndication.dispatch``) returns delivery ids; this module wakes them. A lost
or killed task loses nothing: the delivery rows are the truth and the relay enqueues whatever
is due again. No domain module imports this one (an import-linter contract says so).
"""

from __future__ import annotations

import logging

from django.db import close_old_connections, connection, transaction
from django_tasks import task

from .delivery import attempt
from .models import Delivery

logger = logging.getLogger(__name__)


def fresh_connection() -> None:
    """Like Django at the start of a request: drop a connection the server has closed (after a
    database restart) so a long-lived worker reconnects instead of failing every task."""
    if not connection.in_atomic_block:
        close_old_connections()


@task()
def deliver(delivery_id: int) -> str:
    """Make one attempt at one delivery, if it is still due and not leased elsewhere."""
    fresh_connection()
    status = attempt(delivery_id)
    return str(status) if status else "skipped"


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        try:
            deliver.enqueue(delivery_id)
        except Exception:
            logger.exception("Could not enqueue delivery %s; the relay will retry", delivery_id)
            with transaction.atomic():
                Delivery.objects.filter(pk=delivery_id).update(enqueued_at=None)
