"""Parse a guarded document into a ``ParsedFeed``: feedparser for XML, our reader for JSON.

feedparser is handed **bytes in a BytesIO only**. Given a ``str`` it would fetch URLs itself
(without our timeouts or SSRF guard), and given ``bytes`` it tries ``open()`` on them as a file
name first — so a feed body of ``/etc/passwd`` would be read from disk. A ``BytesIO`` has
``read()``, which feedparser takes as "this is the document".

Which XML parser runs: feedparser tries its strict SAX path first with
``xml.sax.make_parser(PREFERRED_XML_PARSERS)``, whose default is ``["drv_libxml2"]``: libxml2's
Python driver, which expands entities. We pin the list to the standard-library expat reader,
so libxml2 is never used even if someone installs its bindings. Expat then sees a document that
``pull.guard`` has already stripped of any DOCTYPE and checked for entity declarations, with
external general entities off (feedparser sets ``feature_external_ges=0``); on any XML error
feedparser falls back to its loose sgmllib parser, which expands only the five predefined and
numeric entities. (Forcing the loose parser for everything would also be safe, but it is slower
and worse at namespaces, so we verify the strict path instead; ``tests/syndication`` pin this.)

feedparser's own HTML sanitiser is switched off: ``pull.richtext`` (nh3 + Wagtail) does that,
and feedparser's lets SVG and some ``javascript:`` forms through.
"""

from __future__ import annotations

import io
import logging

import feedparser
import feedparser.api

from . import jsonfeed
from .coerce import clean_block, clean_text, clean_url, struct_time_to_utc
from .guard import GuardedDocument
from .richtext import html_to_text
from .values import (
    MAX_AUTHOR,
    MAX_CONTENT,
    MAX_ENCLOSURES,
    MAX_ENTRIES,
    MAX_LABEL,
    MAX_LABELS,
    MAX_SUMMARY,
    MAX_TITLE,
    Enclosure,
    NotAFeed,
    ParsedEntry,
    ParsedFeed,
    SkippedEntry,
)

logger = logging.getLogger(__name__)

SAFE_XML_PARSERS = ["xml.sax.expatreader"]
feedparser.api.PREFERRED_XML_PARSERS = SAFE_XML_PARSERS


def parse(document: GuardedDocument, feed_url: str) -> ParsedFeed:
    """Parse a guarded document fetched from ``feed_url`` (the base for relative URLs)."""
    if document.kind == "json":
        return jsonfeed.parse(document.body, feed_url)
    return parse_xml(document.body, feed_url)


def parse_xml(body: bytes, feed_url: str) -> ParsedFeed:
    # The guard's invariant, restated where it matters: never the libxml2 driver.
    feedparser.api.PREFERRED_XML_PARSERS = SAFE_XML_PARSERS
    # No Content-Location: feedparser would then "resolve" relative guids into URLs, making
    # identities depend on where the feed was fetched from. We resolve links ourselves
    # (against the feed URL) and relative URLs inside content in ``pull.richtext``.
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    raw_feed = result.get("feed", {})
    raw_entries = result.get("entries", [])
    if not raw_entries and not raw_feed.get("title") and not result.get("version"):
        problem = result.get("bozo_exception")
        raise NotAFeed(
            "The document is not an RSS, Atom or JSON feed"
            + (f" ({clean_text(str(problem), 200)})." if problem else ".")
        )
    base = feed_url
    feed = ParsedFeed(
        kind=result.get("version") or "unknown",
        title=clean_text(raw_feed.get("title"), MAX_TITLE),
        link=clean_url(raw_feed.get("link"), feed_url),
    )
    for link in raw_feed.get("links", []) or []:
        rel, href = link.get("rel"), clean_url(link.get("href"), feed_url)
        if not href:
            continue
        if rel == "hub" and href not in feed.hub_urls:
            feed.hub_urls.append(href)
        elif rel == "self" and not feed.self_url:
            feed.self_url = href
    if result.get("bozo") and raw_entries:
        feed.warnings.append(
            f"The feed is not well-formed XML; read leniently "
            f"({clean_text(str(result.get('bozo_exception')), 200)})."
        )
    if len(raw_entries) > MAX_ENTRIES:
        feed.warnings.append(
            f"The feed has {len(raw_entries)} entries; the first {MAX_ENTRIES} were read."
        )
    for position, raw in enumerate(raw_entries[:MAX_ENTRIES]):
        try:
            feed.entries.append(_entry(raw, position, base, feed_url))
        except Exception as exc:  # one bad entry never stops the feed (lemon24/reader habit)
            logger.warning("Skipping entry %s of %s: %r", position, feed_url, exc)
            feed.skipped.append(SkippedEntry(position, f"unreadable entry: {exc!r}"[:300]))
    return feed


def _entry(raw, position: int, base: str, feed_url: str) -> ParsedEntry:
    content_items = raw.get("content") or []
    content = ""
    for item in content_items:
        if item.get("type", "").endswith("html"):
            content = item.get("value", "")
            break
    if not content and content_items:
        content = content_items[0].get("value", "")
    link = clean_url(raw.get("link"), base)
    labels = []
    for tag in raw.get("tags", []) or []:
        label = clean_text(tag.get("term") or tag.get("label"), MAX_LABEL)
        if label and label not in labels:
            labels.append(label)
    enclosures = []
    for link_item in raw.get("links", []) or []:
        if link_item.get("rel") == "enclosure":
            url = clean_url(link_item.get("href"), base)
            if url:
                length = str(link_item.get("length") or "")
                size = int(length) if length.isdigit() else None
                enclosures.append(Enclosure(url, clean_text(link_item.get("type"), 100), size))
    thumbnail = ""
    for thumb in raw.get("media_thumbnail", []) or []:
        thumbnail = clean_url(thumb.get("url"), base)
        if thumbnail:
            break
    media_description = clean_block(raw.get("media_description") or "", MAX_CONTENT)
    summary = clean_block(raw.get("summary") or "", MAX_CONTENT)
    return ParsedEntry(
        guid=clean_text(raw.get("id"), 1000),
        link=link,
        title=_plain_title(raw),
        summary=summary[:MAX_CONTENT] if not content else summary[: MAX_SUMMARY * 10],
        content=clean_block(content, MAX_CONTENT),
        # dict.get: FeedParserDict maps a missing updated_parsed to published_parsed (with a
        # DeprecationWarning); we want the feed's own values.
        published=struct_time_to_utc(dict.get(raw, "published_parsed")),
        updated=struct_time_to_utc(dict.get(raw, "updated_parsed")),
        author=clean_text(raw.get("author"), MAX_AUTHOR),
        labels=tuple(labels[:MAX_LABELS]),
        enclosures=tuple(enclosures[:MAX_ENCLOSURES]),
        thumbnail=thumbnail,
        youtube_video_id=clean_text(raw.get("yt_videoid"), 20),
        media_description=media_description,
        position=position,
    )


def _plain_title(raw) -> str:
    """Titles are plain text: Atom's ``type="html"`` titles (and stray markup) lose their tags."""
    title = raw.get("title")
    if not isinstance(title, str):
        return ""
    if "<" in title or "&" in title:
        title = html_to_text(title, MAX_TITLE * 2)
    return clean_text(title, MAX_TITLE)
