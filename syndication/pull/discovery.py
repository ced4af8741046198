"""What an editor pastes -> a feed URL.

``resolve_offline`` handles every case whose feed URL follows from the URL's shape, without
the network (Kanal calls no third-party host on its own while a form is being validated):

* YouTube: ``/channel/UC…``, a bare ``UC…`` id, ``/playlist?list=…``
  -> ``https://www.youtube.com/feeds/videos.xml?channel_id=…`` (or ``playlist_id``);
* Vimeo: ``vimeo.com/<user>`` and ``vimeo.com/channels/<name>`` -> ``…/videos/rss``;
* PeerTube: ``/c/<channel>``, ``/video-channels/<channel>``, ``/a/<account>``,
  ``/accounts/<account>`` -> ``/feeds/videos.xml?videoChannelName=…`` (``accountName``);
* WordPress: ``….wordpress.com`` sites and URLs under ``/wp-json``/``/wp-content`` -> ``/feed/``;
* URLs that already look like feeds (``/feed``, ``.rss``, ``.xml``, ``.atom``, ``.json``…).

Anything else (a YouTube ``@handle``, a blog's home page) needs ``discover``: fetch the page
through the safe client; if it is a feed, use it; else follow its
``<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">``; else try
WordPress's ``/feed/``.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urljoin, urlsplit

from django.utils.translation import gettext as _

from syndication import http

from .coerce import clean_url
from .fetch import FetchError, fetch
from .guard import RefusedDocument, guard
from .models import SourceKind
from .parse import parse
from .values import NotAFeed

_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com"}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com"}
_CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
_VIMEO_RESERVED = {"channels", "groups", "album", "showcase", "ondemand", "categories", "watch"}
_FEED_SUFFIXES = (".rss", ".xml", ".atom", ".rdf", ".json", "/feed", "/rss", "/atom", "/feed.json")
FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
}


@dataclass(frozen=True)
class Resolved:
    kind: str
    feed_url: str


def resolve_offline(value: str) -> Resolved | None:
    """Feed URL from the URL's shape alone, or None when the network is needed."""
    value = (value or "").strip()
    if _CHANNEL_ID.match(value):
        return Resolved(
            SourceKind.YOUTUBE, f"https://www.youtube.com/feeds/videos.xml?channel_id={value}"
        )
    url = clean_url(value)
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)

    if host in _YOUTUBE_HOSTS:
        if parts.path.startswith("/feeds/videos.xml"):
            return Resolved(SourceKind.YOUTUBE, url)
        if len(segments) >= 2 and segments[0] == "channel" and _CHANNEL_ID.match(segments[1]):
            return Resolved(
                SourceKind.YOUTUBE,
                f"https://www.youtube.com/feeds/videos.xml?channel_id={segments[1]}",
            )
        if segments[:1] == ["playlist"] and query.get("list"):
            playlist = quote(query["list"][0], safe="")
            return Resolved(
                SourceKind.YOUTUBE,
                f"https://www.youtube.com/feeds/videos.xml?playlist_id={playlist}",
            )
        return None  # @handle, /c/, /user/: the channel page names its feed (discover)

    if host in _VIMEO_HOSTS:
        if parts.path.endswith("/rss"):
            return Resolved(SourceKind.VIMEO, url)
        if len(segments) >= 2 and segments[0] == "channels":
            return Resolved(
                SourceKind.VIMEO, f"https://vimeo.com/channels/{segments[1]}/videos/rss"
            )
        if segments and segments[0] not in _VIMEO_RESERVED and not segments[0].isdigit():
            return Resolved(SourceKind.VIMEO, f"https://vimeo.com/{segments[0]}/videos/rss")
        return None

    origin = f"{parts.scheme}://{parts.netloc}"
    if parts.path.startswith("/feeds/videos.") and (
        "videoChannelName" in query or "videoChannelId" in query or "accountName" in query
    ):
        return Resolved(SourceKind.PEERTUBE, url)
    if len(segments) >= 2 and segments[0] in ("c", "video-channels"):
        name = quote(segments[1], safe="@.")
        return Resolved(SourceKind.PEERTUBE, f"{origin}/feeds/videos.xml?videoChannelName={name}")
    if len(segments) >= 2 and segments[0] in ("a", "accounts"):
        name = quote(segments[1], safe="@.")
        return Resolved(SourceKind.PEERTUBE, f"{origin}/feeds/videos.xml?accountName={name}")

    if host.endswith(".wordpress.com") or parts.path.startswith(("/wp-json", "/wp-content")):
        if parts.path.rstrip("/").endswith("/feed"):
            return Resolved(SourceKind.WORDPRESS, url)
        return Resolved(SourceKind.WORDPRESS, f"{origin}/feed/")

    if parts.path.rstrip("/").lower().endswith(_FEED_SUFFIXES) or "feed=" in parts.query:
        return Resolved(SourceKind.FEED, url)
    return None


class _AlternateLinks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.base = ""

    def handle_starttag(self, tag, attrs):
        if tag == "base" and not self.base:
            self.base = dict(attrs).get("href") or ""
        if tag != "link":
            return
        attributes = {k.lower(): (v or "") for k, v in attrs}
        rels = attributes.get("rel", "").lower().split()
        kind = attributes.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and attributes.get("href"):
            self.links.append((kind, attributes["href"]))


def alternate_links(html: str, page_url: str) -> list[str]:
    """Feed URLs a page declares (``<link rel="alternate">``), in document order."""
    parser = _AlternateLinks()
    with contextlib.suppress(Exception):  # a broken page just has no links
        parser.feed(html[:1_000_000])
    base = urljoin(page_url, parser.base) if parser.base else page_url
    found = []
    for _kind, href in parser.links:
        url = clean_url(href, base)
        if url and url not in found:
            found.append(url)
    return found


class DiscoveryError(ValueError):
    pass


def discover(value: str) -> Resolved:
    """Resolve offline if possible, else look at the page (safe client). Raises DiscoveryError."""
    resolved = resolve_offline(value)
    if resolved is not None:
        return resolved
    url = clean_url(value)
    if not url:
        raise DiscoveryError(_("Give a full address starting with https://."))
    host = (urlsplit(url).hostname or "").lower()
    kind = SourceKind.YOUTUBE if host in _YOUTUBE_HOSTS else SourceKind.PAGE
    try:
        result = fetch(url)
    except (http.UnsafeURLError, FetchError) as exc:
        raise DiscoveryError(
            _("Could not fetch %(url)s: %(error)s") % {"url": url, "error": exc}
        ) from exc
    content_type = result.content_type.lower()
    if "html" not in content_type:
        try:
            parse(guard(result.body, result.content_type), result.url)
            return Resolved(SourceKind.FEED, result.url)
        except (RefusedDocument, NotAFeed) as exc:
            raise DiscoveryError(
                _("%(url)s is not a feed: %(error)s") % {"url": url, "error": exc}
            ) from exc
    links = alternate_links(result.body.decode("utf-8", "replace"), result.url)
    if links:
        return Resolved(kind, links[0])
    wordpress = urljoin(result.url, "/feed/")
    try:
        probe = fetch(wordpress)
        parse(guard(probe.body, probe.content_type), probe.url)
    except Exception as exc:
        raise DiscoveryError(
            _(
                'The page %(url)s links no feed (<link rel="alternate">). Paste the '
                "feed's address directly."
            )
            % {"url": url}
        ) from exc
    return Resolved(SourceKind.WORDPRESS, probe.url)
