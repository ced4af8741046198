"""Background tasks of the push deliveries (django-tasks), and what schedules them.

The push flow's top layer, like ``webhooks.tasks``: the domain (``syndication.dispatch``,
``push.dispatch``, the relay's claim) returns push-delivery ids; this module wakes them. A lost
or killed task loses nothing: the rows are the truth and the relay enqueues what is due again.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django_tasks import task

from ..webhooks.tasks import fresh_connection
from .delivery import attempt
from .models import PushDelivery

logger = logging.getLogger(__name__)


@task(queue_name=settings.KANAL_DELIVERY_QUEUE)
def push(delivery_id: int) -> str:
    """Make one attempt at one push delivery (same leases and policy as webhook deliveries)."""
    fresh_connection()
    status = attempt(delivery_id)
    return str(status) if status else "skipped"


def enqueue_push_deliveries(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        try:
            push.enqueue(delivery_id)
        except Exception:
            logger.exception("Could not enqueue push %s; the relay will retry", delivery_id)
            with transaction.atomic():
                PushDelivery.objects.filter(pk=delivery_id).update(enqueued_at=None)
