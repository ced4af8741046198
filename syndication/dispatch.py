"""Event -> deliveries fan-out: one ``Delivery`` row per matching webhook endpoint.

Idempotent: at most one delivery per (event, endpoint), so running it twice (a redelivered
task, the relay catching an event whose wake-up was lost) creates nothing new. It returns the
new deliveries' ids; waking them is the caller's (``syndication.tasks``, the relay). Which
endpoint hears which event is ``webhooks.matching``'s rule.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from cms.events import Event

from .webhooks.matching import endpoint_matches, page_theme_ids
from .webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint

logger = logging.getLogger(__name__)


def dispatch_event(event_id: str) -> list[int]:
    """Create the event's deliveries; returns the ids of those to send now."""
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            logger.warning("dispatch: event %s does not exist", event_id)
            return []
        endpoints = list(WebhookEndpoint.objects.filter(active=True).prefetch_related("themes"))
        theme_ids = page_theme_ids(event) if any(e.themes.all() for e in endpoints) else None
        now = timezone.now()
        matching = [e for e in endpoints if endpoint_matches(e, event, theme_ids)]
        Delivery.objects.bulk_create(
            [
                Delivery(endpoint=e, event=event, next_attempt_at=now, enqueued_at=now)
                for e in matching
            ],
            ignore_conflicts=True,
        )
        Event.objects.filter(pk=event.pk).mark_dispatched(now)
        new_ids = list(
            Delivery.objects.filter(
                event=event, status=DeliveryStatus.PENDING, attempts=0, enqueued_at=now
            ).values_list("pk", flat=True)
        )
    return new_ids
