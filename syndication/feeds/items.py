"""A feed item, derived from the page's shared API representation (never from the model).

Everything the feeds say about a page comes from the same dict the API serves, so feeds and
API cannot disagree, and a feed of N pages reads N cached representations instead of walking
N pages. Links point at the front end (``KANAL_FRONTEND_URL``), media at Kanal
(``KANAL_BASE_URL``); both are absolute in the representation already.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cms.representation.urls import TYPE_FEED_KEYS as TYPE_KEYS


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int | None
    mime_type: str


@dataclass(frozen=True)
class VideoMedia:
    """Media RSS (https://www.rssboard.org/media-rss) for a video page."""

    url: str
    player_url: str
    thumbnail_url: str
    duration_seconds: int | None


@dataclass(frozen=True)
class FeedItem:
    page_id: int
    type_key: str
    title: str
    link: str
    guid: str
    summary: str
    content_html: str
    author_name: str
    author_email: str
    categories: list[str]
    published: datetime | None
    updated: datetime | None
    image_url: str = ""
    video: VideoMedia | None = None
    enclosures: list[Enclosure] = field(default_factory=list)
    next_meeting: dict[str, Any] | None = None


def tag_uri(page_id: int) -> str:
    """A stable id per page (RFC 4151 tag URI): it names the page, not its slug or path, so
    renaming or moving a page never makes readers see it as a new item."""
    host = urlsplit(settings.KANAL_BASE_URL).hostname or "localhost"
    return f"tag:{host},2026:kanal/page/{page_id}"


def _when(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _image_url(image: dict | None, width: int = 800) -> str:
    if not image or not image.get("renditions"):
        return ""
    fitting = [r for r in image["renditions"] if r["width"] <= width] or image["renditions"][:1]
    return fitting[-1]["url"]


def _link(text: str, url: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def stream_html(blocks: list[dict[str, Any]]) -> str:
    """HTML for a StreamField body as the API represents it (links already absolute)."""
    parts: list[str] = []
    for block in blocks or []:
        kind, value = block.get("type"), block.get("value")
        if kind == "paragraph":
            parts.append(value or "")
        elif kind == "heading":
            level = value.get("level") if value.get("level") in ("h2", "h3", "h4") else "h2"
            parts.append(f"<{level}>{escape(value.get('text', ''))}</{level}>")
        elif kind == "image" and value.get("image"):
            src = _image_url(value["image"])
            caption = value.get("caption") or ""
            parts.append(
                f'<figure><img src="{escape(src)}" alt="{escape(value.get("alt_text") or "")}">'
                + (f"<figcaption>{escape(caption)}</figcaption>" if caption else "")
                + "</figure>"
            )
        elif kind == "quote":
            attribution = value.get("attribution") or ""
            parts.append(
                f"<blockquote><p>{escape(value.get('quote', ''))}</p>"
                + (f"<footer>{escape(attribution)}</footer>" if attribution else "")
                + "</blockquote>"
            )
        elif kind == "video":
            parts.append(f"<p>{_link(value.get('caption') or value['url'], value['url'])}</p>")
        elif kind == "documents":
            documents = [d for d in value.get("documents") or [] if d]
            if documents:
                heading = value.get("heading") or ""
                parts.append(
                    (f"<h3>{escape(heading)}</h3>" if heading else "")
                    + "<ul>"
                    + "".join(f"<li>{_link(d['title'], d['url'])}</li>" for d in documents)
                    + "</ul>"
                )
        elif kind == "call_to_action":
            target = (value.get("page") or {}).get("html_url") or value.get("url")
            title, text = escape(value.get("title", "")), escape(value.get("text", ""))
            text = f"<p><strong>{title}</strong> {text}</p>"
            parts.append(
                text + (f"<p>{_link(value.get('button_label', ''), target)}</p>" if target else "")
            )
        elif kind == "contact" and value.get("person"):
            person = value["person"]
            parts.append(f"<p>{escape(person['name'])}, {escape(person.get('role') or '')}</p>")
    return "\n".join(parts)


def _next_meeting(meetings: list[dict], now: datetime) -> dict | None:
    upcoming = [
        m
        for m in meetings
        if (when := _when(m.get("starts_at"))) is not None
        and when >= now
        and not m.get("cancelled")
    ]
    return min(upcoming, key=lambda m: m["starts_at"]) if upcoming else None


def meeting_text(meeting: dict) -> str:
    when = _when(meeting["starts_at"])
    local = timezone.localtime(when) if when else None
    stamp = local.strftime("%Y-%m-%d %H:%M") if local else meeting["starts_at"]
    return f"{stamp}, {meeting['place']}: {meeting['topic']}"


def feed_item(data: dict[str, Any], *, now: datetime) -> FeedItem:
    """The feed item for one page representation (see ``cms.representation.pages``)."""
    meta = data["meta"]
    type_key = TYPE_KEYS.get(meta["type"], "")
    author = data.get("author") or None
    author_name = (author or {}).get("name") or data.get("author_name") or ""
    categories = [t["name"] for t in data.get("themes", [])] + list(data.get("tags", []))
    summary = data.get("intro") or data.get("description") or data.get("summary") or ""
    published = _when(data.get("publication_date")) or _when(meta.get("first_published_at"))
    updated = _when(meta.get("last_published_at")) or published
    video = None
    enclosures: list[Enclosure] = []
    image_url = ""
    next_meeting = None
    if type_key == "articles":
        content = stream_html(data.get("body") or [])
        if data.get("intro"):
            content = f"<p><strong>{escape(data['intro'])}</strong></p>\n" + content
        for block in data.get("body") or []:
            if block.get("type") == "documents":
                enclosures += [
                    Enclosure(d["url"], d.get("file_size"), _mime(d.get("file_type", "")))
                    for d in block["value"].get("documents") or []
                    if d
                ]
    elif type_key == "videos":
        v = data["video"]
        image_url = _image_url(data.get("poster_image")) or v.get("thumbnail_url") or ""
        video = VideoMedia(
            v["url"], v.get("embed_url") or v["url"], image_url, v.get("duration_seconds")
        )
        content = (
            (f'<p><img src="{escape(image_url)}" alt=""></p>' if image_url else "")
            + f"<p>{escape(data.get('description') or '')}</p>"
            + f"<p>{_link(v['url'], v['url'])}</p>"
        )
    elif type_key == "programs":
        next_meeting = _next_meeting(data.get("meetings") or [], now)
        summary_html = f"<p><strong>{escape(data.get('summary') or '')}</strong></p>"
        content = f"{summary_html}\n{data.get('goals') or ''}"
        if next_meeting:
            label = _("Next meeting:")
            content += f"\n<p>{label} {escape(meeting_text(next_meeting))}</p>"
        enclosures = [
            Enclosure(m["url"], m.get("file_size"), _mime(m.get("file_type", "")))
            for m in data.get("materials") or []
        ]
    else:
        content = escape(summary)
    return FeedItem(
        page_id=data["id"],
        type_key=type_key,
        title=data["title"],
        link=meta["html_url"],
        guid=tag_uri(data["id"]),
        summary=summary,
        content_html=content,
        author_name=author_name,
        author_email=(author or {}).get("email") or "",
        categories=categories,
        published=published,
        updated=updated,
        image_url=image_url,
        video=video,
        enclosures=enclosures,
        next_meeting=next_meeting,
    )


MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain",
}


def _mime(extension: str) -> str:
    return MIME_TYPES.get(extension.lower(), "application/octet-stream")
