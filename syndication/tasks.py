"""Background tasks (django-tasks). They take only ids and only *wake* work: the rows are the
truth, so a lost, duplicated or killed task loses nothing (the relay redoes what is due).

This is the top layer (ARCHITECTURE.md, "Layout"): tasks call the domain
(``syndication.dispatch``, the WebSub publisher in ``syndication.feeds.websub``), which
returns what should be scheduled; no domain module imports a tasks module (an import-linter
contract in ``pyproject.toml`` says so). The deliveries and the pull side keep their tasks
beside them: ``webhooks.tasks``, ``push.tasks``, ``pull.tasks``.
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django_tasks import task

from .dispatch import DISPATCH_BATCH, dispatch_pending
from .feeds.websub import request_pings_for_event, send_due
from .push.tasks import enqueue_push_deliveries
from .wakes import request_wake, take_wake
from .webhooks.tasks import enqueue_drains, fresh_connection

logger = logging.getLogger(__name__)

DISPATCH_WAKE = "dispatch"


@task(queue_name=settings.KANAL_DELIVERY_QUEUE)
def dispatch(event_id: str) -> int:
    """Fan the event (and others still waiting) out into deliveries (idempotent) and wake them
    after commit: one drain per endpoint that has none on the way, one task per push."""
    fresh_connection()
    take_wake(DISPATCH_WAKE)
    created = events = 0
    for dispatched in dispatch_pending(event_id, DISPATCH_BATCH):
        transaction.on_commit(partial(enqueue_drains, dispatched.drains))
        transaction.on_commit(partial(enqueue_push_deliveries, dispatched.pushes))
        created += len(dispatched.deliveries) + len(dispatched.pushes)
        events += dispatched.events
    if events == DISPATCH_BATCH:
        enqueue_dispatch(event_id)  # a full batch: more may be waiting
    return created


@task()
def websub_ping(event_id: str) -> int:
    """Record the hub pings an event owes (WebSub publisher) and send the due ones."""
    fresh_connection()
    request_pings_for_event(event_id)
    return send_due()


@task()
def websub_send_due() -> int:
    """Send the hub pings that are due (the relay wakes this; the rows are the truth)."""
    fresh_connection()
    return send_due()


def enqueue_websub_ping(event_id: str) -> None:
    try:
        websub_ping.enqueue(event_id)
    except Exception:
        # The event row stays; a later publish or the relay's pass sends what is due.
        logger.exception("Could not enqueue the WebSub ping for %s", event_id)


def enqueue_dispatch(event_id: str) -> None:
    """Wake the fan-out after an event commits, unless a dispatch task is already on the way
    (it will see this event: ``syndication.wakes``)."""
    try:
        if request_wake(DISPATCH_WAKE):
            dispatch.enqueue(event_id)
    except Exception:
        # The relay dispatches any event left undispatched; the event is not lost.
        logger.exception("Could not enqueue dispatch of %s; the relay will pick it up", event_id)
