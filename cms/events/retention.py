"""Erasure and retention of what the outbox stores about people and pages.

* ``erase_object_data()`` — when a page is deleted, the stored ``data`` of **all** its events
  is removed at once (GDPR art. 17, the right to erasure: a page's contacts and text must not
  outlive it in the log). Envelopes and sequences stay, so the log stays complete and ordered.
* ``purge()`` — the retention pass (the relay runs it daily, ``manage.py purge_event_data`` on
  demand): the ``data`` of an event that a newer event of the same object has superseded is
  dropped once older than ``KANAL_EVENT_DATA_RETENTION_DAYS``; the text of feedback comments
  once older than ``KANAL_FEEDBACK_RETENTION_DAYS`` (the yes/no answer stays, for counts).
  The newest event of every object keeps its data: a consumer rebuilding from ``cursor=0``
  still gets every object's current state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models import PageFeedback
from .models import DataRemoved, Event


@dataclass(frozen=True)
class PurgeSummary:
    event_data_removed: int
    feedback_comments_removed: int
    event_cutoff: datetime
    feedback_cutoff: datetime

    def __str__(self) -> str:
        return (
            f"Removed the data of {self.event_data_removed} superseded event(s) older than "
            f"{self.event_cutoff:%Y-%m-%d %H:%M} UTC and {self.feedback_comments_removed} "
            f"feedback comment(s) older than {self.feedback_cutoff:%Y-%m-%d %H:%M} UTC."
        )


def erase_object_data(kind: str, object_id: int) -> int:
    """Remove the stored data of every event of one object (the deletion event included, so
    each says ``redacted: "deleted"``); returns how many events were marked."""
    return Event.objects.for_object(kind, object_id).update(
        data=None, data_removed=DataRemoved.DELETED
    )


def purge(now: datetime | None = None) -> PurgeSummary:
    now = now or timezone.now()
    event_cutoff = now - timedelta(days=settings.KANAL_EVENT_DATA_RETENTION_DAYS)
    feedback_cutoff = now - timedelta(days=settings.KANAL_FEEDBACK_RETENTION_DAYS)
    newer = Event.objects.filter(
        object_kind=OuterRef("object_kind"),
        object_id=OuterRef("object_id"),
        version__gt=OuterRef("version"),
    )
    superseded = Event.objects.with_data().filter(occurred_at__lt=event_cutoff, data_removed="")
    event_count = superseded.filter(Exists(newer)).update(
        data=None, data_removed=DataRemoved.SUPERSEDED
    )
    feedback_count = (
        PageFeedback.objects.filter(created_at__lt=feedback_cutoff)
        .exclude(comment="")
        .update(comment="")
    )
    return PurgeSummary(event_count, feedback_count, event_cutoff, feedback_cutoff)
