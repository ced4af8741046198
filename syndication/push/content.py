"""The push body: a page's external representation turned into a blog post.

Built only from the shared shape (``cms.representation``), never by re-reading model fields:
the API, the event payloads, the feeds and the blogs all see the same page. Every URL in the
representation is already absolute (``KANAL_BASE_URL`` / ``KANAL_FRONTEND_URL``), so the HTML
works on the remote site; a canonical link back to the original closes the post.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FeaturedImage:
    image_id: int
    url: str
    alt: str


@dataclass(frozen=True)
class PushPost:
    page_id: int
    title: str
    html: str
    excerpt: str
    published: str | None  # ISO 8601, UTC
    canonical_url: str
    slug: str
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    featured_image: FeaturedImage | None = None


def _largest(image: dict[str, Any] | None) -> str:
    renditions = (image or {}).get("renditions") or []
    return renditions[-1]["url"] if renditions else ""


def _block_html(block: dict[str, Any]) -> str:
    kind, value = block.get("type"), block.get("value")
    if kind == "heading":
        level = value.get("level") if value.get("level") in ("h2", "h3", "h4") else "h2"
        return f"<{level}>{escape(value.get('text', ''))}</{level}>"
    if kind == "paragraph":
        return str(value or "")  # rich text, already expanded to absolute links by the shape
    if kind == "image":
        url = _largest(value.get("image"))
        if not url:
            return ""
        alt = escape(value.get("alt_text") or "")
        caption = value.get("caption") or ""
        figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
        return f'<figure><img src="{escape(url)}" alt="{alt}">{figcaption}</figure>'
    if kind == "quote":
        attribution = value.get("attribution") or ""
        cite = f"<cite>{escape(attribution)}</cite>" if attribution else ""
        return f"<blockquote><p>{escape(value.get('quote', ''))}</p>{cite}</blockquote>"
    if kind == "video":
        url = value.get("url", "")
        label = value.get("caption") or url
        return f'<p><a href="{escape(url)}">{escape(label)}</a></p>'
    if kind == "documents":
        items = "".join(
            f'<li><a href="{escape(doc["url"])}">{escape(doc.get("title", ""))}</a></li>'
            for doc in value.get("documents") or []
            if isinstance(doc, dict) and doc.get("url")
        )
        heading = value.get("heading") or ""
        return (f"<h3>{escape(heading)}</h3>" if heading else "") + (
            f"<ul>{items}</ul>" if items else ""
        )
    if kind == "call_to_action":
        page = value.get("page")
        url = (page or {}).get("html_url") if isinstance(page, dict) else None
        url = url or value.get("url") or ""
        text = f"<p>{escape(value.get('text', ''))}</p>" if value.get("text") else ""
        link = (
            f'<p><a href="{escape(url)}">{escape(value.get("button_label") or url)}</a></p>'
            if url
            else ""
        )
        return f"<h3>{escape(value.get('title', ''))}</h3>{text}{link}"
    return ""  # contact cards carry personal data: not pushed to third-party blogs


def _featured_image(data: dict[str, Any]) -> FeaturedImage | None:
    for name in ("image", "thumbnail", "hero_image"):
        image = data.get(name)
        if isinstance(image, dict) and image.get("id"):
            return FeaturedImage(image["id"], _largest(image), image.get("alt") or "")
    body = data.get("body") or []
    for block in body if isinstance(body, list) else []:
        if block.get("type") == "image" and (block.get("value") or {}).get("image"):
            image = block["value"]["image"]
            return FeaturedImage(
                image["id"], _largest(image), block["value"].get("alt_text") or image.get("alt", "")
            )
    return None


def build_post(data: dict[str, Any]) -> PushPost:
    """``data`` is ``page_representation(page)`` or ``revision_representation(page, rev)``."""
    meta = data["meta"]
    canonical = meta["html_url"]
    parts = []
    intro = data.get("intro") or data.get("description") or ""
    if intro:
        parts.append(f"<p><strong>{escape(intro)}</strong></p>")
    body = data.get("body") or []
    if isinstance(body, str):  # a rich-text body (home and index pages), already absolute
        parts.append(body)
    else:
        parts.extend(filter(None, (_block_html(block) for block in body)))
    first_published_at = _("First published at")
    parts.append(
        f'<p class="kanal-canonical">{escape(first_published_at)} '
        f'<a href="{escape(canonical)}" rel="canonical">{escape(canonical)}</a></p>'
    )
    published = data.get("publication_date") or meta.get("first_published_at")
    return PushPost(
        page_id=data["id"],
        title=data["title"],
        html="\n".join(parts),
        excerpt=intro or meta.get("search_description") or "",
        published=published,
        canonical_url=canonical,
        slug=f"{meta['slug']}-k{data['id']}",
        tags=list(data.get("tags") or []),
        categories=[theme["name"] for theme in data.get("themes") or []],
        featured_image=_featured_image(data),
    )
