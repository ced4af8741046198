"""What a feed URL means: the pages it lists and its stable, canonical address.

URLs (stable, see the README): ``/feeds/{rss,atom,json}/`` (everything),
``/feeds/{articles,videos,programs}/{fmt}/``, ``/feeds/themes/<slug>/{fmt}/``,
``/feeds/tags/<slug>/{fmt}/``; the same under ``/<lang>/feeds/`` (or with ``?locale=<lang>``)
for another locale. Without either, a feed lists the default language's pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Locale, Page

from cms.models import ArticlePage, ProgramPage, VideoPage
from cms.representation.urls import FEED_FORMATS, default_language, feed_path
from cms.visibility import public_tags
from themes.models import Theme

FORMATS = FEED_FORMATS
PAGE_TYPES: dict[str, type[Page]] = {
    "articles": ArticlePage,
    "videos": VideoPage,
    "programs": ProgramPage,
}
TYPE_TITLES = {
    "articles": gettext_lazy("Articles"),
    "videos": gettext_lazy("Videos"),
    "programs": gettext_lazy("Programs"),
}
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class FeedError(Exception):
    """A request for a feed that cannot be served: ``status`` and a message a reader can act on."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class FeedScope:
    """The pages a feed lists: ``kind`` is ``all``, ``type``, ``theme`` or ``tag``."""

    kind: str
    language: str
    locale_id: int
    key: str = ""  # the type key (``articles``), theme slug or tag slug
    name: str = ""  # the theme's or tag's name
    object_id: int | None = None  # the theme's or tag's id
    limit: int = DEFAULT_LIMIT

    @property
    def model(self) -> type[Page] | None:
        return PAGE_TYPES.get(self.key) if self.kind == "type" else None

    def path(self, fmt: str) -> str:
        """The canonical path of this scope's feed in ``fmt`` (no query: the WebSub topic)."""
        return feed_path(self.kind, self.key, fmt, self.language)

    def title(self) -> str:
        site = settings.WAGTAIL_SITE_NAME
        if self.kind == "type":
            return f"{site}: {TYPE_TITLES[self.key]}"
        if self.kind == "theme":
            return "{}: {} {}".format(site, _("theme"), self.name)
        if self.kind == "tag":
            return "{}: {} {}".format(site, _("tag"), self.name)
        return site


def feed_url(kind: str, key: str, fmt: str, language: str) -> str:
    return settings.KANAL_BASE_URL.rstrip("/") + feed_path(kind, key, fmt, language)


def parse_limit(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise FeedError(400, f"limit: give a whole number from 1 to {MAX_LIMIT} (got {value!r})")
    return limit


def resolve_locale(path_language: str | None, query_language: str | None) -> Locale:
    code = path_language or query_language or default_language()
    if path_language and query_language and path_language != query_language:
        raise FeedError(
            400, f"locale: the path says {path_language!r}, ?locale= says {query_language!r}"
        )
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        known = ", ".join(sorted(Locale.objects.values_list("language_code", flat=True)))
        raise FeedError(
            404 if path_language else 400, f"locale: unknown locale {code!r} (known: {known})"
        )
    return locale


def resolve_scope(
    kind: str, key: str, *, path_language: str | None, query: dict[str, str]
) -> FeedScope:
    """The scope of a feed request, or ``FeedError`` (404 for an unknown theme or tag)."""
    unknown = sorted(set(query) - {"limit", "locale"})
    if unknown:
        raise FeedError(400, f"{unknown[0]}: unknown parameter (feeds take limit and locale)")
    limit = parse_limit(query.get("limit"))
    locale = resolve_locale(path_language, query.get("locale"))
    common = {"language": locale.language_code, "locale_id": locale.pk, "limit": limit}
    if kind == "theme":
        theme = Theme.objects.filter(slug=key).values_list("pk", "name").first()
        if theme is None:
            raise FeedError(404, _("There is no theme %r. See /feeds/opml/ for every feed.") % key)
        return FeedScope("theme", key=key, object_id=theme[0], name=theme[1], **common)
    if kind == "tag":
        # A tag only private pages carry is as unknown as a tag nobody created.
        tag = public_tags().filter(slug=key).values_list("pk", "name").first()
        if tag is None:
            # Not the slug back: it may name a private page's tag (the canary crawl reads this).
            raise FeedError(
                404,
                _("There is no public tag at that address. See /feeds/opml/ for every feed."),
            )
        return FeedScope("tag", key=key, object_id=tag[0], name=tag[1], **common)
    return FeedScope(kind, key=key, **common)
