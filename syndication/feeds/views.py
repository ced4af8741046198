"""The feed views: Django syndication ``Feed`` classes behind the feeds' conditional cache.

Views only read, so they run outside ``ATOMIC_REQUESTS`` (on SQLite an IMMEDIATE transaction
would take the write lock for every read, as the API notes).

Each request builds its ``KanalFeed`` (the language differs per request); rendering reads
the selection rows and the items' cached representations — a flat number of queries whatever
the number of items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.feedgenerator import Enclosure as DjangoEnclosure
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cms.representation.cache import representations_for_rows
from cms.representation.urls import default_language, frontend_url

from . import generators
from .caching import Rendered, feed_response
from .calendar import CONTENT_TYPE as CALENDAR_CONTENT_TYPE
from .calendar import meetings_calendar, resolve_calendar
from .items import FeedItem, feed_item
from .opml import CONTENT_TYPE as OPML_CONTENT_TYPE
from .opml import opml_document
from .scope import PAGE_TYPES, FeedError, FeedScope, resolve_scope
from .selection import feed_rows

GENERATORS = {
    "rss": generators.KanalRssFeed,
    "atom": generators.KanalAtomFeed,
    "json": generators.JsonFeed,
}
# Shown as the <updated>/<lastBuildDate> of a feed with no items (fixed: same items, same bytes).
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)


def hubs() -> list[str]:
    return list(settings.KANAL_WEBSUB_HUBS)


@dataclass(frozen=True)
class FeedContent:
    scope: FeedScope
    fmt: str
    items: list[FeedItem]


def feed_items(scope: FeedScope) -> list[FeedItem]:
    """The scope's items, newest first, from the representation cache (batched)."""
    rows = feed_rows(scope)
    representations = representations_for_rows(rows)
    now = timezone.now()
    return [
        feed_item(representations[row[0]], now=now) for row in rows if row[0] in representations
    ]


class KanalFeed(Feed):
    """One feed of one scope in one format; the ``item_*`` methods read ``FeedItem`` values."""

    item_guid_is_permalink = False

    def __init__(self, fmt: str, language: str):
        super().__init__()
        self.feed_type = GENERATORS[fmt]
        self.language = language

    def title(self, obj: FeedContent) -> str:
        return obj.scope.title()

    def link(self, obj: FeedContent) -> str:
        return frontend_url() + "/"

    def description(self, obj: FeedContent) -> str:
        return _("%(title)s — news from %(site)s") % {
            "title": obj.scope.title(),
            "site": settings.WAGTAIL_SITE_NAME,
        }

    def feed_url(self, obj: FeedContent) -> str:
        return settings.KANAL_BASE_URL.rstrip("/") + obj.scope.path(obj.fmt)

    def feed_guid(self, obj: FeedContent) -> str:
        host = urlsplit(settings.KANAL_BASE_URL).hostname or "localhost"
        return f"tag:{host},2026:kanal{obj.scope.path(obj.fmt)}"

    def author_name(self, obj: FeedContent) -> str:
        return settings.WAGTAIL_SITE_NAME

    def feed_extra_kwargs(self, obj: FeedContent) -> dict:
        return {"hubs": hubs(), "updated": EMPTY_FEED_UPDATED}

    def items(self, obj: FeedContent) -> list[FeedItem]:
        return obj.items

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_description(self, item: FeedItem) -> str:
        # RSS readers show <description> as the item's text: give them the whole of it.
        # Atom's <summary> and JSON Feed's ``summary`` take the short text instead.
        if self.feed_type is generators.KanalRssFeed:
            return item.content_html
        return item.summary or item.title

    def item_guid(self, item: FeedItem) -> str:
        return item.guid

    def item_author_name(self, item: FeedItem) -> str | None:
        return item.author_name or None

    def item_pubdate(self, item: FeedItem) -> datetime | None:
        return item.published

    def item_updateddate(self, item: FeedItem) -> datetime | None:
        return item.updated

    def item_categories(self, item: FeedItem) -> list[str]:
        return item.categories

    def item_enclosures(self, item: FeedItem) -> list[DjangoEnclosure]:
        enclosures = [
            DjangoEnclosure(e.url, str(e.length or 0), e.mime_type) for e in item.enclosures
        ]
        # RSS 2.0 allows one enclosure per item (RSS Best Practices Profile).
        return enclosures[:1] if self.feed_type is generators.KanalRssFeed else enclosures

    def item_extra_kwargs(self, item: FeedItem) -> dict:
        return {
            "content_html": item.content_html,
            "video": item.video,
            "image": item.image_url,
            "summary": item.summary,
        }


def render_feed(request: HttpRequest, scope: FeedScope, fmt: str) -> Rendered:
    content = FeedContent(scope=scope, fmt=fmt, items=feed_items(scope))
    feed = KanalFeed(fmt, scope.language).get_feed(content, request)
    return Rendered(feed.writeString("utf-8").encode(), feed.content_type)


def error_response(error: FeedError) -> HttpResponse:
    return JsonResponse({"message": error.message}, status=error.status)


def _self_links(path: str) -> list[str]:
    self_url = settings.KANAL_BASE_URL.rstrip("/") + path
    return [f'<{hub}>; rel="hub"' for hub in hubs()] + [f'<{self_url}>; rel="self"']


@transaction.non_atomic_requests
@require_safe
def feed_view(
    request: HttpRequest, fmt: str, kind: str = "all", key: str = "", language: str | None = None
) -> HttpResponse:
    """``/feeds/…/{rss,atom,json}/``: one scope in one format, cached and revalidated."""
    if kind == "type" and key not in PAGE_TYPES:
        raise Http404

    def render() -> Rendered:
        # The feed's words (titles, "Next meeting") are in the feed's language.
        with translation.override(language or default_language()):
            scope = resolve_scope(kind, key, path_language=language, query=request.GET.dict())
        with translation.override(scope.language):
            return render_feed(request, scope, fmt)

    links = _self_links(request.path) if fmt != "json" else []
    try:
        return feed_response(request, render, links=links)
    except FeedError as error:
        return error_response(error)


@transaction.non_atomic_requests
@require_safe
def calendar_view(
    request: HttpRequest, program_slug: str = "", language: str | None = None
) -> HttpResponse:
    """``/feeds/programs/meetings.ics`` and ``/feeds/programs/<slug>/meetings.ics``."""

    def render() -> Rendered:
        scope = resolve_calendar(program_slug, path_language=language, query=request.GET.dict())
        with translation.override(scope.language):
            return Rendered(meetings_calendar(scope), CALENDAR_CONTENT_TYPE)

    try:
        return feed_response(request, render)
    except FeedError as error:
        return error_response(error)


@transaction.non_atomic_requests
@require_safe
def opml_view(request: HttpRequest, language: str | None = None) -> HttpResponse:
    """``/feeds/opml/``: every feed, grouped by language, type, theme and tag."""
    if request.GET:
        return error_response(
            FeedError(400, f"{next(iter(request.GET))}: /feeds/opml/ takes no parameters")
        )
    return feed_response(request, lambda: Rendered(opml_document(), OPML_CONTENT_TYPE))
