"""``feedgenerator`` subclasses: Media RSS and WebSub links on RSS 2.0 and Atom, and JSON Feed.

Extended the way ``django/utils/feedgenerator.py`` intends, by overriding the
``*_attributes`` and ``add_*_elements`` hooks:

* RSS 2.0 (https://www.rssboard.org/rss-specification) with ``content:encoded``, Media RSS
  (``media:content``, ``media:thumbnail``, ``media:player``; https://www.rssboard.org/media-rss)
  and ``atom:link rel="hub"``/``rel="self"`` (WebSub §4, https://www.w3.org/TR/websub/#discovery);
* Atom 1.0 (RFC 4287) with full ``content``, the same Media RSS elements and hub/self links;
* JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) as a generator of the same shape, with
  the ``hubs`` member.

Item extras arrive through ``Feed.item_extra_kwargs``: ``content_html``, ``video``
(``items.VideoMedia``), ``image``, ``summary``; feed extras through ``feed_extra_kwargs``:
``hubs`` (hub URLs) and ``updated`` (the time to show when the feed has no items).
"""

from __future__ import annotations

import json
from datetime import datetime

from django.utils.feedgenerator import (
    Atom1Feed,
    Rss201rev2Feed,
    SyndicationFeed,
    rfc3339_date,
)

MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


class _StableDate:
    """``latest_post_date`` without Django's fallback to *now* for an empty feed: the same items
    must give the same bytes (the ETag is a digest of them)."""

    feed: dict
    items: list

    def latest_post_date(self) -> datetime:
        if self.items:
            return super().latest_post_date()  # type: ignore[misc]
        return self.feed["updated"]


def _add_media(handler, item: dict) -> None:
    video = item.get("video")
    if video is None:
        return
    attributes = {"url": video.url, "medium": "video"}
    if video.duration_seconds:
        attributes["duration"] = str(video.duration_seconds)
    handler.addQuickElement("media:content", None, attributes)
    if video.thumbnail_url:
        handler.addQuickElement("media:thumbnail", None, {"url": video.thumbnail_url})
    handler.addQuickElement("media:player", None, {"url": video.player_url})


class KanalRssFeed(_StableDate, Rss201rev2Feed):
    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), "xmlns:media": MEDIA_NS, "xmlns:content": CONTENT_NS}

    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)  # includes atom:link rel="self"
        for hub in self.feed.get("hubs") or []:
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": hub})

    def add_item_elements(self, handler, item: dict) -> None:
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])
        _add_media(handler, item)


class KanalAtomFeed(_StableDate, Atom1Feed):
    def root_attributes(self) -> dict[str, str]:
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)  # includes link rel="self"
        for hub in self.feed.get("hubs") or []:
            handler.addQuickElement("link", "", {"rel": "hub", "href": hub})

    def add_item_elements(self, handler, item: dict) -> None:
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
        _add_media(handler, item)


class JsonFeed(_StableDate, SyndicationFeed):
    """JSON Feed 1.1: ``version``, ``title`` and ``items`` (each with ``id`` and content) are
    required; everything else is optional and written only when known."""

    content_type = "application/feed+json; charset=utf-8"
    version = "https://jsonfeed.org/version/1.1"

    def as_dict(self) -> dict:
        feed = self.feed
        document: dict = {"version": self.version, "title": feed["title"]}
        document["home_page_url"] = feed["link"]
        if feed.get("feed_url"):
            document["feed_url"] = feed["feed_url"]
        if feed.get("description"):
            document["description"] = feed["description"]
        if feed.get("language"):
            document["language"] = feed["language"]
        if feed.get("author_name"):
            document["authors"] = [{"name": feed["author_name"]}]
        if feed.get("hubs"):
            document["hubs"] = [{"type": "WebSub", "url": hub} for hub in feed["hubs"]]
        document["items"] = [self._item(item) for item in self.items]
        return document

    @staticmethod
    def _item(item: dict) -> dict:
        entry: dict = {"id": item["unique_id"], "url": item["link"], "title": item["title"]}
        entry["content_html"] = item.get("content_html") or item["description"] or ""
        if item.get("summary"):
            entry["summary"] = item["summary"]
        if item.get("image"):
            entry["image"] = item["image"]
        if item["pubdate"] is not None:
            entry["date_published"] = rfc3339_date(item["pubdate"])
        if item["updateddate"] is not None:
            entry["date_modified"] = rfc3339_date(item["updateddate"])
        if item["author_name"]:
            entry["authors"] = [{"name": item["author_name"]}]
        if item["categories"]:
            entry["tags"] = list(item["categories"])
        attachments = []
        for enclosure in item["enclosures"]:
            attachment: dict = {"url": enclosure.url, "mime_type": enclosure.mime_type}
            if str(enclosure.length).isdigit() and int(enclosure.length):
                attachment["size_in_bytes"] = int(enclosure.length)
            attachments.append(attachment)
        video = item.get("video")
        if video is not None:
            attachments.append({"url": video.url, "mime_type": "text/html", "title": item["title"]})
            if video.duration_seconds:
                attachments[-1]["duration_in_seconds"] = video.duration_seconds
        if attachments:
            entry["attachments"] = attachments
        return entry

    def write(self, outfile, encoding) -> None:
        outfile.write(json.dumps(self.as_dict(), ensure_ascii=False, indent=1))
