"""Background tasks of the webhook deliveries (django-tasks), and what schedules them.

The deliveries' top layer (ARCHITECTURE.md, "Layout"): the domain (``delivery``,
``operations``, ``syndication.dispatch``) returns delivery ids; this module wakes them. A lost
or killed task loses nothing: the delivery rows are the truth and the relay enqueues whatever
is due again. No domain module imports this one (an import-linter contract says so).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks import task, task_backends
from django_tasks.base import DEFAULT_TASK_PRIORITY, TASK_MAX_PRIORITY

from .batch import drain, request_drains
from .delivery import attempt
from .models import Delivery

logger = logging.getLogger(__name__)


def fresh_connection() -> None:
    """Like Django at the start of a request: drop a connection the server has closed (after a
    database restart) so a long-lived worker reconnects instead of failing every task."""
    if not connection.in_atomic_block:
        close_old_connections()


@task(queue_name=settings.KANAL_DELIVERY_QUEUE)
def deliver(delivery_id: int) -> str:
    """Make one attempt at one delivery, if it is still due and not leased elsewhere (tasks
    enqueued before deliveries were batched; new work is woken with ``drain_endpoint``)."""
    fresh_connection()
    status = attempt(delivery_id)
    return str(status) if status else "skipped"


# Drains first: on a busy queue they run before further fan-out, so what was dispatched goes
# out (the database backend orders by priority; RQ has no priorities: its queue stays FIFO).
DRAIN_PRIORITY = (
    TASK_MAX_PRIORITY if task_backends["default"].supports_priority else DEFAULT_TASK_PRIORITY
)


@task(queue_name=settings.KANAL_DELIVERY_QUEUE, priority=DRAIN_PRIORITY)
def drain_endpoint(endpoint_id: int) -> str:
    """Send one endpoint's due deliveries in batches (``webhooks.batch``)."""
    fresh_connection()
    report = drain(endpoint_id)
    if report.more:
        wake_endpoints([endpoint_id])
    return f"{report.delivered}/{report.attempted} delivered in {report.batches} batches"


def enqueue_drains(endpoint_ids: list[int]) -> None:
    """Enqueue a drain per endpoint whose drain was requested (``batch.request_drains``)."""
    for endpoint_id in endpoint_ids:
        try:
            drain_endpoint.enqueue(endpoint_id)
        except Exception:
            # The mark stays; the relay requests a new drain once it is stale.
            logger.exception("Could not enqueue a drain of endpoint %s", endpoint_id)


def wake_endpoints(endpoint_ids) -> list[int]:
    """Request drains for these endpoints and enqueue those not already on the way."""
    with transaction.atomic():
        woken = request_drains(endpoint_ids, timezone.now())
    enqueue_drains(woken)
    return woken


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        try:
            deliver.enqueue(delivery_id)
        except Exception:
            logger.exception("Could not enqueue delivery %s; the relay will retry", delivery_id)
            with transaction.atomic():
                Delivery.objects.filter(pk=delivery_id).update(enqueued_at=None)
