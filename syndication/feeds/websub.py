"""The WebSub publisher (W3C Recommendation, https://www.w3.org/TR/websub/).

Every RSS/Atom feed declares the configured hubs (``KANAL_WEBSUB_HUBS``) with
``rel="hub"`` and itself with ``rel="self"`` (§4); JSON Feed has ``hubs``. When an event
changes pages, ``request_pings_for_event`` works out every feed the change can alter — every
format of: everything, the page's type, each of its themes and tags, in the page's locale —
and records a ping per (hub, feed) in ``WebSubPing`` rows (deduplicated, see the model).
``send_due`` then notifies each hub with a form-encoded ``hub.mode=publish`` POST naming the
topic (``hub.url``, and ``hub.topic`` for hubs that read that name: the Recommendation leaves
the publish request to the hub, §6; both names are what common hubs accept), through
``syndication.http``. The hub fetches the feed and distributes it to its subscribers (§7).
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from taggit.models import Tag

from cms.events import Event
from syndication import http
from themes.models import Theme

from .items import TYPE_KEYS
from .models import WebSubPing
from .scope import FORMATS, default_language, feed_url

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
BATCH = 200
MAX_BACKOFF = timedelta(hours=6)


def hubs() -> list[str]:
    return list(settings.KANAL_WEBSUB_HUBS)


def ping_interval() -> timedelta:
    return timedelta(seconds=settings.KANAL_WEBSUB_PING_INTERVAL)


def _scopes_of(data: dict | None, object_type: str) -> tuple[str, list[tuple[str, str]]]:
    """(language, [(kind, key), …]) of the feeds a page with representation ``data`` is in."""
    scopes: list[tuple[str, str]] = [("all", "")]
    type_key = TYPE_KEYS.get((data or {}).get("meta", {}).get("type") or object_type)
    if type_key:
        scopes.append(("type", type_key))
    if data is None:
        # Deleted page, its data redacted: its themes are unknown, so ping every theme feed.
        scopes += [("theme", slug) for slug in Theme.objects.values_list("slug", flat=True)]
        return default_language(), scopes
    scopes += [("theme", theme["slug"]) for theme in data.get("themes", [])]
    names = data.get("tags", [])
    if names:
        condition = Q(pk__in=[])
        for name in names:
            condition |= Q(name__iexact=name)
        scopes += [
            ("tag", slug) for slug in Tag.objects.filter(condition).values_list("slug", flat=True)
        ]
    return data.get("meta", {}).get("locale") or default_language(), scopes


def topics_for_event(event: Event) -> list[str]:
    """Canonical URLs of every feed the event's change can alter (all formats)."""
    if event.object_kind != "page":
        return []
    data = event.data
    if data is None:
        earlier = (
            Event.objects.for_object("page", event.object_id)
            .filter(data__isnull=False)
            .order_by("-sequence")
            .values_list("data", flat=True)
            .first()
        )
        data = earlier
    if event.object_type not in TYPE_KEYS and not (
        data and data.get("meta", {}).get("type") in TYPE_KEYS
    ):
        return []
    language, scopes = _scopes_of(data, event.object_type)
    return sorted({feed_url(kind, key, fmt, language) for kind, key in scopes for fmt in FORMATS})


def request_pings(topics: list[str], now: datetime | None = None) -> int:
    """Record that every hub should hear about ``topics``; returns how many rows became due."""
    now = now or timezone.now()
    interval = ping_interval()
    became_due = 0
    with transaction.atomic():
        for hub in hubs():
            existing = {
                row.topic: row
                for row in WebSubPing.objects.select_for_update().filter(hub=hub, topic__in=topics)
            }
            new = [
                WebSubPing(hub=hub, topic=t, due_at=now, requested_at=now)
                for t in topics
                if t not in existing
            ]
            WebSubPing.objects.bulk_create(new, ignore_conflicts=True)
            became_due += len(new)
            for row in existing.values():
                row.requested_at = now
                if row.due_at is None:
                    earliest = row.last_pinged_at + interval if row.last_pinged_at else now
                    row.due_at = max(now, earliest)
                    row.attempts = 0
                    became_due += 1
                row.save(update_fields=["requested_at", "due_at", "attempts"])
    return became_due


def request_pings_for_event(event_id: str) -> int:
    event = Event.objects.filter(pk=event_id).first()
    if event is None or not hubs():
        return 0
    return request_pings(topics_for_event(event))


def _claim(now: datetime) -> list[WebSubPing]:
    with transaction.atomic():
        rows = list(WebSubPing.objects.due(now).select_for_update(skip_locked=True)[:BATCH])
        WebSubPing.objects.filter(pk__in=[r.pk for r in rows]).update(due_at=now + LEASE)
    return rows


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at 6 h, with up to 20 % jitter so hubs are not hammered."""
    base = min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    return base + base * random.uniform(0, 0.2)


def publish_ping(hub: str, topic: str) -> str:
    """One publish notification; returns "" on a 2xx, else what went wrong."""
    body = urlencode({"hub.mode": "publish", "hub.url": topic, "hub.topic": topic})
    try:
        response = http.request(
            "POST",
            hub,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            total_timeout=15,
        )
    except (http.UnsafeURLError, http.HttpError) as exc:
        return str(exc) or type(exc).__name__
    return "" if 200 <= response.status < 300 else f"hub answered {response.status}"


def send_due(now: datetime | None = None) -> int:
    """Ping every hub for every due feed; returns the number of pings the hubs accepted."""
    now = now or timezone.now()
    sent = 0
    for row in _claim(now):
        problem = publish_ping(row.hub, row.topic)
        finished = timezone.now()
        with transaction.atomic():
            current = WebSubPing.objects.select_for_update().filter(pk=row.pk).first()
            if current is None:
                continue
            if not problem:
                sent += 1
                current.last_pinged_at = finished
                current.attempts = 0
                current.last_error = ""
                # Asked again while we were sending: owe one more ping, after the interval.
                again = current.requested_at and current.requested_at > now
                current.due_at = finished + ping_interval() if again else None
            else:
                current.attempts += 1
                current.last_error = problem[:1000]
                current.due_at = finished + backoff(current.attempts)
                logger.warning("WebSub ping of %s for %s failed: %s", row.hub, row.topic, problem)
            current.save()
    return sent
