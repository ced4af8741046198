"""Event -> deliveries fan-out: one ``Delivery`` row per matching webhook endpoint.

Idempotent: at most one delivery per (event, endpoint), so running it twice (a redelivered
task, the relay catching an event whose wake-up was lost) creates nothing new. It returns the
new deliveries' ids; waking them is the caller's (``syndication.tasks``, the relay).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from cms.events import Event

from .webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint

logger = logging.getLogger(__name__)


def endpoint_matches(endpoint: WebhookEndpoint, event: Event, theme_ids: set[int] | None) -> bool:
    """Event-type, page-type and theme filters; empty filters match everything.

    An endpoint filtered by theme also hears every later event about an object it was already
    told about (an unpublish, a deletion, a theme removed), so it never keeps a stale copy.
    """
    if endpoint.event_types and event.type not in endpoint.event_types:
        return False
    if endpoint.page_types and (
        event.object_kind != "page" or event.object_type not in endpoint.page_types
    ):
        return False
    wanted = {theme.pk for theme in endpoint.themes.all()}
    if wanted:
        if theme_ids and wanted & theme_ids:
            return True
        return Delivery.objects.filter(
            endpoint=endpoint,
            event__object_kind=event.object_kind,
            event__object_id=event.object_id,
        ).exists()
    return True


def page_theme_ids(event: Event) -> set[int] | None:
    """The themes of the page an event is about (None for other objects)."""
    if event.object_kind != "page":
        return None
    page = Page.objects.filter(pk=event.object_id).specific().first()
    if page is None or not hasattr(page, "themes"):
        return None
    return set(page.themes.values_list("pk", flat=True))


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
