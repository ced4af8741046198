"""``record()``: the only way an event is written.

Call it inside the transaction that makes the change (Wagtail's signals fire inside it when
the publish runs under ``ATOMIC_REQUESTS`` or our own ``transaction.atomic()``). The row is
then committed or rolled back together with the change; after commit ``event_committed`` is
sent so syndication can fan the event out.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from wagtail.models import Page, Revision

from .models import Event, EventCounter, EventType
from .payload import page_data
from .signals import event_committed

_UNSET: Any = object()

# Types that describe a state rather than a movement: recording the same state twice in a row
# (a signal and the reconciler racing for one publish) yields the existing event.
_STATE_TYPES = {EventType.PAGE_PUBLISHED, EventType.PAGE_UNPUBLISHED, EventType.PAGE_DELETED}


def object_kind(instance: models.Model) -> str:
    return "page" if isinstance(instance, Page) else instance._meta.model_name


def object_type(instance: models.Model) -> str:
    if isinstance(instance, Page):
        specific_class = instance.specific_class or type(instance)
        return specific_class._meta.label
    return instance._meta.label


def record(
    event_type: str,
    instance: models.Model,
    *,
    revision: Revision | int | None = None,
    data: dict | None = _UNSET,
    occurred_at=None,
) -> Event:
    """Write the event for a change to ``instance``, in the caller's transaction.

    ``event_type`` is one of ``EventType`` (``"page.published"``, ``"syndication.imported"``,
    …). ``data`` defaults to the page's API representation at ``revision`` (``None`` for
    ``page.deleted``); pass it explicitly for non-page objects. Returns the ``Event``; when
    the object's latest event already records the same state (same type and revision), that
    event is returned instead of a duplicate.

    The sequence counter row stays locked until the caller's transaction ends, so events
    commit in ``sequence`` order. Keep the transaction short after calling this.
    """
    event_type = EventType(event_type)
    kind = object_kind(instance)
    revision_id = revision.pk if isinstance(revision, Revision) else revision
    if revision_id is None and isinstance(instance, Page) and event_type != EventType.PAGE_DELETED:
        revision_id = instance.live_revision_id or instance.latest_revision_id

    # Build the payload before taking the counter lock: every publisher waits on that lock,
    # and it is held until the caller's transaction ends.
    if data is _UNSET:
        if event_type == EventType.PAGE_DELETED or not isinstance(instance, Page):
            data = None
        else:
            data = page_data(instance, revision if revision is not None else revision_id)

    with transaction.atomic():
        counter = _locked_counter()
        latest = Event.objects.for_object(kind, instance.pk).order_by("-version").first()
        if (
            latest is not None
            and event_type in _STATE_TYPES
            and latest.type == event_type
            and latest.revision == revision_id
        ):
            return latest
        counter.value += 1
        counter.save(update_fields=["value"])
        event = Event.objects.create(
            sequence=counter.value,
            type=event_type,
            occurred_at=occurred_at or timezone.now(),
            object_kind=kind,
            object_id=instance.pk,
            object_type=object_type(instance),
            revision=revision_id,
            version=(latest.version + 1) if latest else 1,
            data=data,
        )
    transaction.on_commit(partial(event_committed.send, sender=Event, event_id=event.pk))
    return event


def _locked_counter() -> EventCounter:
    counter = EventCounter.objects.select_for_update().filter(pk=1).first()
    if counter is None:
        EventCounter.objects.get_or_create(pk=1)
        counter = EventCounter.objects.select_for_update().get(pk=1)
    return counter


def latest_event(kind: str, object_id: int) -> Event | None:
    return Event.objects.for_object(kind, object_id).order_by("-version").first()
