"""Event -> push deliveries: one ``PushDelivery`` per matching target (the push half of
``syndication.dispatch``; idempotent per (event, target)).

A target hears a page's publish when its filters match (page types, themes, tags, all empty
= everything), the page is not marked "do not syndicate", and the page was not imported from
that target's own site (echo suppression: a post never goes back where it came from). Once a
target holds a copy of a page (it has a record), it hears every later event about the page —
an unpublish, a deletion, a theme removed — so the copy never goes stale.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils import timezone
from wagtail.models import Page

from cms.events import Event

from .engine import PUSH_EVENT_TYPES, STARTING_TYPES
from .models import PushDelivery, PushOptOut, PushTarget, SyndicationRecord


def _site(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "").lower(), (None if port == default else port)


def is_from_target(page: Page, target: PushTarget) -> bool:
    """True when ``page`` was imported from the site ``target`` publishes to."""
    origin = getattr(page, "origin_url", "")
    if not origin:
        return False
    origin_site = _site(origin)
    return origin_site in {_site(target.endpoint), _site(target.discovered_endpoint or "")}


def target_matches(target: PushTarget, page: Page, event: Event) -> bool:
    if target.page_types and event.object_type not in target.page_types:
        return False
    wanted = {theme.pk for theme in target.themes.all()}
    if wanted and not wanted & set(
        page.themes.values_list("pk", flat=True) if hasattr(page, "themes") else []
    ):
        return False
    if target.tags:
        names = set(page.tags.names()) if hasattr(page, "tags") else set()
        if not {t.casefold() for t in target.tags} & {n.casefold() for n in names}:
            return False
    return not is_from_target(page, target)


def active_targets() -> list[PushTarget]:
    return list(PushTarget.objects.filter(active=True).prefetch_related("themes"))


def create_push_deliveries(
    event: Event, now=None, targets: list[PushTarget] | None = None
) -> list[int]:
    """Create the event's push deliveries (call inside dispatch's transaction); ``targets``
    are the active ones, when the caller fans out several events (``active_targets``)."""
    if event.object_kind != "page" or event.type not in PUSH_EVENT_TYPES:
        return []
    now = now or timezone.now()
    if targets is None:
        targets = active_targets()
    if not targets:
        return []
    holding = set(
        SyndicationRecord.objects.filter(page_id=event.object_id)
        .exclude(remote_id="", intent_key="")
        .values_list("target_id", flat=True)
    )
    chosen = [t for t in targets if t.pk in holding]
    if event.type in STARTING_TYPES:
        page = Page.objects.filter(pk=event.object_id).specific().first()
        if page is not None and not PushOptOut.objects.filter(page_id=page.pk).exists():
            chosen += [t for t in targets if t.pk not in holding and target_matches(t, page, event)]
    PushDelivery.objects.bulk_create(
        [
            PushDelivery(
                target=t,
                event=event,
                page_id=event.object_id,
                version=event.version,
                next_attempt_at=now,
                enqueued_at=now,
            )
            for t in chosen
        ],
        ignore_conflicts=True,
    )
    return list(
        PushDelivery.objects.filter(event=event, attempts=0, enqueued_at=now).values_list(
            "pk", flat=True
        )
    )


def push_again(page_id: int, target: PushTarget) -> PushDelivery:
    """A manual push of the live page ("Push again", ``manage.py push``)."""
    latest = Event.objects.for_object("page", page_id).order_by("-version").first()
    return PushDelivery.objects.create(
        target=target,
        page_id=page_id,
        version=latest.version if latest else 0,
        manual=True,
        next_attempt_at=timezone.now(),
    )
