"""The reconciler: records any event that is missing for a page's current state.

Wagtail publishes scheduled revisions (``publish_scheduled``) without a transaction, and a
process can die between a page save and its ``record()``. The relay runs ``reconcile()`` on
every pass: a live page whose latest event is not ``page.published`` at its live revision
gets that event; a page that is no longer live but whose latest event says published gets
``page.unpublished``. Each fix re-checks under the sequence lock, so a signal handler racing
the reconciler yields one event, not two.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from wagtail.models import Page

from .models import Event, EventType
from .recording import _locked_counter, record

logger = logging.getLogger(__name__)


# The events that state whether a page is live; the others (moved, url_changed,
# privacy_changed, syndication.*) describe a live page without changing that.
STATE_TYPES = [EventType.PAGE_PUBLISHED, EventType.PAGE_UNPUBLISHED, EventType.PAGE_EXPIRED]


def latest_state_event(page_id: int) -> Event | None:
    return (
        Event.objects.for_object("page", page_id)
        .filter(type__in=STATE_TYPES)
        .order_by("-version")
        .first()
    )


def pages_missing_events(since=None):
    """Pages whose latest state event does not describe their current live state; with
    ``since``, only among pages published or revised since then (a pass that stays as cheap
    at 100k pages as at 1k: the correlated look-ups run for the recent pages only)."""
    latest = Event.objects.filter(
        object_kind="page", object_id=OuterRef("pk"), type__in=STATE_TYPES
    ).order_by("-version")
    pages = Page.objects.all()
    if since is not None:
        pages = pages.filter(
            Q(last_published_at__gte=since) | Q(latest_revision_created_at__gte=since)
        )
    pages = pages.annotate(
        last_type=Subquery(latest.values("type")[:1]),
        last_revision=Subquery(latest.values("revision")[:1]),
    )
    live_missing = Q(live=True, live_revision__isnull=False) & (
        Q(last_type__isnull=True)
        | ~Q(last_type=EventType.PAGE_PUBLISHED)
        | ~Q(last_revision=F("live_revision_id"))
    )
    gone_missing = Q(live=False, last_type=EventType.PAGE_PUBLISHED)
    return pages.filter(live_missing | gone_missing)


def reconcile(since=None) -> int:
    """Record the missing events; returns how many were recorded. ``since`` limits the check
    to pages published or revised since then (the relay's frequent pass; its full sweep, which
    also finds pages unpublished or expired without a timestamp, runs less often)."""
    recorded = 0
    for page_id in list(pages_missing_events(since).values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            _locked_counter()  # serialise with concurrent record() calls, then look again
            page = Page.objects.filter(pk=page_id).specific().first()
            if page is None:
                continue
            latest = latest_state_event(page.pk)
            if page.live and page.live_revision_id:
                if (
                    latest
                    and latest.type == EventType.PAGE_PUBLISHED
                    and (latest.revision == page.live_revision_id)
                ):
                    continue
                record(EventType.PAGE_PUBLISHED, page, revision=page.live_revision)
            elif not page.live and latest and latest.type == EventType.PAGE_PUBLISHED:
                record(EventType.PAGE_UNPUBLISHED, page)
            else:
                continue
            recorded += 1
            logger.info("Reconciler recorded the missing event for page %s", page.pk)
    return recorded
