"""Background tasks (django-tasks). They take only ids and only *wake* work: the rows are the
truth, so a lost, duplicated or killed task loses nothing (the relay redoes what is due).

This is the top layer (ARCHITECTURE.md, "Layout"): tasks call the domain
(``syndication.dispatch``), which returns what should be scheduled; no domain module imports
a tasks module (an import-linter contract in ``pyproject.toml`` says so). Each flow keeps its
own tasks beside it: ``webhooks.tasks`` (deliveries), ``pull.tasks`` (polls, WebSub).
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django_tasks import task

from .dispatch import dispatch_event
from .webhooks.tasks import enqueue_deliveries, fresh_connection

logger = logging.getLogger(__name__)


@task()
def dispatch(event_id: str) -> int:
    """Fan one event out into deliveries (idempotent) and wake them after commit."""
    fresh_connection()
    new_ids = dispatch_event(event_id)
    transaction.on_commit(partial(enqueue_deliveries, new_ids))
    return len(new_ids)


def enqueue_dispatch(event_id: str) -> None:
    try:
        dispatch.enqueue(event_id)
    except Exception:
        # The relay dispatches any event left undispatched; the event is not lost.
        logger.exception("Could not enqueue dispatch of %s; the relay will pick it up", event_id)
