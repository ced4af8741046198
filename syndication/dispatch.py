"""Event -> deliveries fan-out: one ``Delivery`` row per matching webhook endpoint, one
``PushDelivery`` per matching push target (``push.dispatch``).

Idempotent: at most one delivery per (event, endpoint), so running it twice (a redelivered
task, the relay catching an event whose wake-up was lost) creates nothing new. It returns the
new deliveries' ids, webhook and push, and the endpoints whose drain the caller should
enqueue after commit (``webhooks.batch.request_drains``, coalesced per endpoint); waking them
is the caller's (``syndication.tasks``, the relay). Which endpoint hears which event is
``webhooks.matching``'s rule.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cms.events import Event

from .push.dispatch import active_targets, create_push_deliveries
from .webhooks.batch import request_drains
from .webhooks.matching import endpoint_matches, page_theme_ids
from .webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dispatched:
    """What a fan-out created and should be sent now."""

    deliveries: list[int]  # webhook deliveries
    pushes: list[int]  # push deliveries
    drains: list[int] = field(default_factory=list)  # endpoints whose drain to enqueue
    events: int = field(default=0, compare=False)  # events fanned out


# Events one dispatch task fans out at most (then it enqueues the next task), and events per
# transaction: a backlog costs a few statements per chunk, not ~10 round trips per event.
DISPATCH_BATCH = 500
DISPATCH_CHUNK = 50


def dispatch_event(event_id: str) -> Dispatched:
    """Create the event's webhook and push deliveries; returns the ids of those to send now."""
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            logger.warning("dispatch: event %s does not exist", event_id)
            return Dispatched([], [])
        return _dispatch([event], timezone.now())


def dispatch_pending(
    event_id: str, limit: int = DISPATCH_BATCH, chunk: int = DISPATCH_CHUNK
) -> Iterator[Dispatched]:
    """The dispatch task's fan-out: the waiting (undispatched) events oldest first, this one
    among them, up to ``limit`` — so a backlog of events costs one task, not one per event
    (wake-ups are coalesced: ``syndication.wakes``; a full batch enqueues the next task, so an
    event beyond it is not lost). Up to ``chunk`` events are fanned out per short transaction,
    yielded after it commits, in sequence order: their deliveries are due (and sent) in event
    order, as with a task per event. Rows another task holds are skipped. ``event_id`` only
    names the arrival that woke the task."""
    done = 0
    while done < limit:
        with transaction.atomic():
            events = list(
                Event.objects.undispatched().select_for_update(skip_locked=True)[
                    : min(chunk, limit - done)
                ]
            )
            if not events:
                return
            dispatched = _dispatch(events, timezone.now())
        done += len(events)
        yield dispatched


def _dispatch(events: list[Event], now) -> Dispatched:
    """Fan ``events`` (locked by the caller's transaction) out; one statement per kind of row
    for the whole list, push deliveries per event (``push.dispatch``)."""
    # A disabled endpoint still gets its deliveries recorded (not attempted): they are sent
    # in order when it is activated again. One an administrator never enabled does not.
    endpoints = list(
        WebhookEndpoint.objects.filter(Q(active=True) | Q(disabled_at__isnull=False))
        .prefetch_related("themes")
        .order_by("pk")
    )
    any_themes = any(e.themes.all() for e in endpoints)
    targets = active_targets()
    deliveries: list[Delivery] = []
    push_ids: list[int] = []
    for event in events:
        theme_ids = page_theme_ids(event) if any_themes else None
        deliveries.extend(
            Delivery(endpoint=e, event=event, next_attempt_at=now, enqueued_at=now)
            for e in endpoints
            if endpoint_matches(e, event, theme_ids)
        )
        push_ids.extend(create_push_deliveries(event, now, targets))
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    Event.objects.filter(pk__in=[e.pk for e in events]).mark_dispatched(now)
    new = list(
        Delivery.objects.filter(
            event__in=events, status=DeliveryStatus.PENDING, attempts=0, enqueued_at=now
        )
        .order_by("pk")
        .values_list("pk", "endpoint_id")
    )
    drains = request_drains([endpoint_id for _, endpoint_id in new], now)
    return Dispatched([pk for pk, _ in new], push_ids, drains, len(events))
