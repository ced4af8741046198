"""ParsedEntry -> NormalisedItem: identity key, page kind, sanitised fields, fingerprint.

Identity (``key``) is what makes polling idempotent. In order of preference:

* the entry's guid/id, normalised so that ``http://`` vs ``https://``, host case and a trailing
  slash do not make a new item;
* else its canonical link (fragment and ``utm_*`` parameters removed);
* else a hash of title and publication date.

Feeds whose guids are mostly missing or duplicated use links for every entry, and a guid or
link that is duplicated *within* one feed is never used as an identity. ``candidate_keys``
lists every identity an entry could have had, so a feed that switches between guids and links
from one poll to the next still finds its existing pages.

The ``fingerprint`` covers the fields an editor would call the content (title, URL, text,
video, thumbnail, author, labels) after sanitising and whitespace collapsing, and not the dates:
feeds that flap their timestamps, add tracking pixels or reflow whitespace do not cause updates.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cms.video_urls import UnknownVideoURL, parse_video_url

from .echo import is_own_url
from .richtext import html_to_text, sanitise_html
from .values import MAX_TITLE, NormalisedItem, ParsedEntry, ParsedFeed, SkipEntry

MAX_INTRO = 600
MAX_DESCRIPTION = 5_000
_SPACE = re.compile(r"\s+")
_TRACKING_PARAMS = re.compile(r"^(utm_|fbclid$|gclid$|mc_cid$|mc_eid$)", re.IGNORECASE)


def normalise_url_identity(value: str) -> str:
    """Scheme-less, lower-case host, no trailing slash, no fragment, no tracking parameters."""
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return value
    params = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(k, v) for k, v in params if not _TRACKING_PARAMS.match(k)])
    host = parts.netloc.lower()
    for default in (":80", ":443"):
        host = host.removesuffix(default)
    return urlunsplit(("", host, parts.path.rstrip("/") or "", query, "")).lstrip("/")


def guid_key(guid: str) -> str:
    return "id:" + normalise_url_identity(guid) if guid else ""


def link_key(link: str) -> str:
    return "link:" + normalise_url_identity(link) if link else ""


def hash_key(entry: ParsedEntry) -> str:
    when = entry.published or entry.updated
    basis = f"{entry.title}\n{when.isoformat() if when else ''}"
    return "hash:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


class FeedIdentity:
    """Decides, once per feed, which identities are trustworthy."""

    def __init__(self, feed: ParsedFeed):
        guids = Counter(guid_key(e.guid) for e in feed.entries if e.guid)
        links = Counter(link_key(e.link) for e in feed.entries if e.link)
        self.duplicate_guids = {k for k, n in guids.items() if n > 1}
        self.duplicate_links = {k for k, n in links.items() if n > 1}
        unusable = sum(
            1 for e in feed.entries if not e.guid or guid_key(e.guid) in self.duplicate_guids
        )
        self.prefer_links = bool(feed.entries) and unusable * 2 > len(feed.entries)

    def link_key(self, entry: ParsedEntry) -> str:
        link = link_key(entry.link)
        return link if link and link not in self.duplicate_links else ""

    def keys(self, entry: ParsedEntry) -> tuple[str, tuple[str, ...]]:
        guid = guid_key(entry.guid)
        guid = guid if guid and guid not in self.duplicate_guids else ""
        link = link_key(entry.link)
        link = link if link and link not in self.duplicate_links else ""
        fallback = hash_key(entry)
        order = [link, guid, fallback] if self.prefer_links else [guid, link, fallback]
        candidates = tuple(k for k in order if k)
        return candidates[0], candidates


def _video_url(entry: ParsedEntry) -> str:
    if entry.youtube_video_id:
        return f"https://www.youtube.com/watch?v={entry.youtube_video_id}"
    for url in (entry.link, *(e.url for e in entry.enclosures)):
        if not url:
            continue
        try:
            parse_video_url(url)
        except UnknownVideoURL:
            continue
        return url
    return ""


def _thumbnail(entry: ParsedEntry) -> str:
    if entry.thumbnail:
        return entry.thumbnail
    for enclosure in entry.enclosures:
        if enclosure.type.startswith("image/"):
            return enclosure.url
    return ""


def raw_hash(entry: ParsedEntry) -> str:
    """The entry exactly as parsed, dates and position aside (see pipeline's fast path)."""
    basis = (
        entry.guid, entry.link, entry.title, entry.summary, entry.content, entry.author,
        entry.labels, [(e.url, e.type, e.length) for e in entry.enclosures], entry.thumbnail,
        entry.youtube_video_id, entry.media_description,
    )  # fmt: skip
    encoded = json.dumps(basis, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def fingerprint(item: dict) -> str:
    significant = {
        name: _SPACE.sub(" ", value).strip() if isinstance(value, str) else value
        for name, value in item.items()
    }
    encoded = json.dumps(significant, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def normalise(entry: ParsedEntry, identity: FeedIdentity) -> NormalisedItem:
    """One entry -> NormalisedItem, or SkipEntry with the reason."""
    key, candidates = identity.keys(entry)
    url = entry.link
    if url and is_own_url(url):
        raise SkipEntry(f"echo: {url} is one of our own pages")
    html = entry.content or entry.summary
    video_url = _video_url(entry)
    title = html_to_text(entry.title, MAX_TITLE) if "<" in entry.title else entry.title
    title = title or html_to_text(html, 80)
    if not title:
        raise SkipEntry("the entry has no title and no text")
    fields = {
        "kind": "video" if video_url else "article",
        "title": title[:MAX_TITLE],
        "url": url or (video_url if video_url else ""),
        "author": entry.author,
        "labels": sorted(set(entry.labels)),
    }
    if video_url:
        description_source = entry.media_description or entry.summary or entry.content
        fields.update(
            video_url=video_url,
            thumbnail_url=_thumbnail(entry),
            description=html_to_text(description_source, MAX_DESCRIPTION),
        )
    else:
        body = sanitise_html(html, url)
        if entry.content and entry.summary:
            intro = html_to_text(entry.summary, MAX_INTRO)
        else:
            intro = html_to_text(body, MAX_INTRO)
        if not body and not url:
            raise SkipEntry("the entry has neither text nor a link")
        fields.update(body=body, intro=intro)
    return NormalisedItem(
        key=key,
        candidate_keys=candidates,
        link_key=identity.link_key(entry),
        raw_hash=raw_hash(entry),
        published=entry.published or entry.updated,
        fingerprint=fingerprint(fields),
        labels=tuple(fields.pop("labels")),
        **{k: v for k, v in fields.items()},
    )
