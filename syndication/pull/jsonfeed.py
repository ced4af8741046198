"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/), read by our own code.

feedparser 6.0.14 cannot read JSON Feed. This reader follows the spec's field names and is
lenient the way feed readers are: 1.0's ``author`` and 1.1's ``authors`` are both read, a
numeric ``id`` (seen in 1.0 feeds) is turned into a string, and an item that is not an object
or has neither content, title nor URL is skipped with a reason.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from .coerce import clean_block, clean_text, clean_url, parse_iso_datetime
from .values import (
    MAX_AUTHOR,
    MAX_CONTENT,
    MAX_ENCLOSURES,
    MAX_ENTRIES,
    MAX_LABEL,
    MAX_LABELS,
    MAX_TITLE,
    Enclosure,
    NotAFeed,
    ParsedEntry,
    ParsedFeed,
    SkippedEntry,
)

VERSIONS = {
    "https://jsonfeed.org/version/1": "json10",
    "https://jsonfeed.org/version/1.1": "json11",
}


def parse(body: bytes, feed_url: str) -> ParsedFeed:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise NotAFeed(f"The JSON document cannot be read ({str(exc)[:200]}).") from exc
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
    ):
        raise NotAFeed("The JSON document is not a JSON Feed (no jsonfeed.org version).")
    version = VERSIONS.get(str(data["version"]).replace("http://", "https://"), "json")
    feed = ParsedFeed(
        kind=version,
        title=clean_text(data.get("title"), MAX_TITLE),
        link=clean_url(data.get("home_page_url"), feed_url),
        self_url=clean_url(data.get("feed_url"), feed_url),
    )
    for hub in data.get("hubs") or []:
        if isinstance(hub, dict) and str(hub.get("type", "")).lower() == "websub":
            url = clean_url(hub.get("url"), feed_url)
            if url:
                feed.hub_urls.append(url)
    items = data.get("items")
    if not isinstance(items, list):
        raise NotAFeed("The JSON Feed has no item list.")
    if len(items) > MAX_ENTRIES:
        feed.warnings.append(f"The feed has {len(items)} items; the first {MAX_ENTRIES} were read.")
    for position, item in enumerate(items[:MAX_ENTRIES]):
        try:
            feed.entries.append(_item(item, position, feed_url))
        except ValueError as exc:
            feed.skipped.append(SkippedEntry(position, str(exc)))
    return feed


def _authors(item: dict[str, Any]) -> str:
    authors = item.get("authors")
    if not isinstance(authors, list):
        authors = [item.get("author")] if isinstance(item.get("author"), dict) else []
    names = [clean_text(a.get("name"), MAX_AUTHOR) for a in authors if isinstance(a, dict)]
    return ", ".join(name for name in names if name)[:MAX_AUTHOR]


def _item(item: Any, position: int, base: str) -> ParsedEntry:
    if not isinstance(item, dict):
        raise ValueError("item is not a JSON object")
    raw_id = item.get("id")
    guid = str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else ""
    link = clean_url(item.get("url"), base) or clean_url(item.get("external_url"), base)
    content = item.get("content_html")
    if not isinstance(content, str) or not content.strip():
        text = item.get("content_text")
        content = _text_to_html(text) if isinstance(text, str) else ""
    title = clean_text(item.get("title"), MAX_TITLE)
    if not (title or content or link):
        raise ValueError("item has no title, content or URL")
    labels: list[str] = []
    for tag in item.get("tags") or []:
        label = clean_text(tag, MAX_LABEL)
        if label and label not in labels:
            labels.append(label)
    enclosures = []
    for attachment in item.get("attachments") or []:
        if isinstance(attachment, dict):
            url = clean_url(attachment.get("url"), base)
            size = attachment.get("size_in_bytes")
            if url:
                enclosures.append(
                    Enclosure(
                        url,
                        clean_text(attachment.get("mime_type"), 100),
                        size if isinstance(size, int) and not isinstance(size, bool) else None,
                    )
                )
    return ParsedEntry(
        guid=clean_text(guid, 1000),
        link=link,
        title=title,
        summary=clean_block(item.get("summary"), MAX_CONTENT),
        content=clean_block(content, MAX_CONTENT),
        published=parse_iso_datetime(item.get("date_published")),
        updated=parse_iso_datetime(item.get("date_modified")),
        author=_authors(item),
        labels=tuple(labels[:MAX_LABELS]),
        enclosures=tuple(enclosures[:MAX_ENCLOSURES]),
        thumbnail=clean_url(item.get("image"), base) or clean_url(item.get("banner_image"), base),
        position=position,
    )


def _text_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
