"""Absolute URLs the API hands out, built from settings so they do not depend on a request.

The representation is cached and reused outside requests (event payloads), so every URL in it
comes from ``KANAL_BASE_URL`` (this CMS) or ``KANAL_FRONTEND_URL`` (the consuming sites).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.encoding import iri_to_uri

API_PREFIX = "/api/v2/"


def base_url() -> str:
    return settings.KANAL_BASE_URL.rstrip("/")


def frontend_url() -> str:
    return settings.KANAL_FRONTEND_URL.rstrip("/")


def absolute(path: str) -> str:
    """An absolute URL on this CMS for a path (or the URL itself when already absolute)."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + path


def api_detail_url(endpoint: str, pk: int) -> str:
    return f"{base_url()}{API_PREFIX}{endpoint}/{pk}/"


def page_front_path(url_path: str, language_code: str) -> str:
    """The page's path on the front end: its tree path below its locale's home page.

    ``/start/artiklar/x/`` becomes ``/artiklar/x/``; pages in a language other than the
    default are prefixed with it (``/en/…``).
    """
    parts = [part for part in url_path.split("/") if part][1:]
    path = "/" + "/".join(parts) + ("/" if parts else "")
    default = settings.LANGUAGE_CODE.split("-")[0]
    if language_code and language_code.split("-")[0] != default:
        path = f"/{language_code}{path}"
    return path


def page_html_url(url_path: str, language_code: str) -> str:
    return frontend_url() + page_front_path(url_path, language_code)


FEED_FORMATS = ("rss", "atom", "json")
# The page types with a feed of their own, and its key: ``/feeds/<key>/{rss,atom,json}/``.
TYPE_FEED_KEYS = {
    "cms.ArticlePage": "articles",
    "cms.VideoPage": "videos",
    "cms.ProgramPage": "programs",
}


def default_language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0]


def feed_path(kind: str, key: str, fmt: str, language: str) -> str:
    """The stable path of an outgoing feed (served by ``syndication.feeds``; README "Feeds").

    ``kind`` is ``all``, ``type`` (``key`` = articles, videos, programs), ``theme`` or ``tag``
    (``key`` = slug). The default language's feeds live at ``/feeds/…``, others' at
    ``/<lang>/feeds/…``. Declared here, once, because the API links the feeds too.
    """
    prefix = "" if language == default_language() else f"/{language}"
    middle = {"all": "", "type": f"{key}/", "theme": f"themes/{key}/", "tag": f"tags/{key}/"}[kind]
    # Tag slugs may be Unicode ("träff"): the URL is their RFC 3987 -> RFC 3986 mapping.
    return iri_to_uri(f"{prefix}/feeds/{middle}{fmt}/")


def feed_links(kind: str, key: str, language: str | None = None) -> dict[str, str]:
    """``{"rss": url, "atom": url, "json": url}`` of one feed scope, absolute on this CMS."""
    language = language or default_language()
    return {fmt: base_url() + feed_path(kind, key, fmt, language) for fmt in FEED_FORMATS}


def meetings_calendar_path(program_slug: str, language: str) -> str:
    """The stable path of a program's meetings as iCalendar (``syndication.feeds.calendar``)."""
    prefix = "" if language == default_language() else f"/{language}"
    return iri_to_uri(f"{prefix}/feeds/programs/{program_slug}/meetings.ics")
