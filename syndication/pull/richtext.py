"""Feed HTML -> Wagtail rich text, in two passes.

1. nh3 (ammonia) with an allow-list that matches ``cms.blocks.RICH_TEXT_FEATURES``: paragraphs,
   line breaks, h2-h4, bold, italic, lists and links with http(s)/mailto URLs. Script, style,
   SVG, MathML, iframes, objects, forms and templates are removed *with their content*; every
   other unknown element is unwrapped (its text kept); every attribute except ``href`` is
   dropped, so event handlers cannot survive; relative URLs are resolved against the entry.
2. Wagtail's own database-HTML converter (``DbHTMLConverter``) with the same features, so what
   we store is exactly what the editor would have produced.

``sanitise_body`` does the same but keeps what a post's body shows besides text: images
(``<img src alt>``, their URLs checked by nh3 like links) and video players (``<iframe>`` of
YouTube, Vimeo or PeerTube, recognised offline by ``cms.video_urls``). It splits the cleaned
HTML into ``BodyPart``s — text, image, video — in reading order; an image or player inside a
paragraph follows that paragraph. Other iframes are removed, and so are 1x1 tracking pixels
(declared ``width``/``height`` of at most 1), without fetching them. Downloading the images is
not this module's job (``syndication.pull.images``): it only names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from urllib.parse import urlsplit

import nh3
from bs4 import BeautifulSoup, Tag
from django.utils.html import escape
from wagtail.admin.rich_text.converters.db_html import DbHTMLConverter

from cms.blocks import RICH_TEXT_FEATURES
from cms.video_urls import PEERTUBE, VIMEO, YOUTUBE, UnknownVideoURL, parse_video_url

ALLOWED_TAGS = {"p", "br", "h2", "h3", "h4", "b", "strong", "i", "em", "ol", "ul", "li", "a"}
REMOVED_WITH_CONTENT = {
    "script", "style", "svg", "math", "iframe", "frame", "frameset", "object", "embed",
    "applet", "form", "template", "noscript", "textarea", "select", "button", "head", "title",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
_HEADING = re.compile(r"<(/?)h[1]\b", re.IGNORECASE)
_LOW_HEADING = re.compile(r"<(/?)h[56]\b", re.IGNORECASE)
_TEXT_BREAKS = {
    "p",
    "br",
    "li",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "blockquote",
}
_BLOCKS = {"p", "h2", "h3", "h4", "ol", "ul", "br"}
_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


MEDIA_TAGS = ("img", "iframe")
MAX_ALT = 250


@dataclass(frozen=True)
class BodyPart:
    """One piece of an imported body, in reading order.

    ``kind`` is ``"text"`` (``html`` is Wagtail database rich text), ``"image"`` (``url`` to
    download; ``alt`` is ``None`` when the feed gave no alt attribute, ``""`` when it marked
    the image decorative) or ``"video"`` (``url`` is the provider's page for the video).
    """

    kind: str
    html: str = ""
    url: str = ""
    alt: str | None = None
    caption: str = ""

    def as_json(self) -> list:
        """A compact, stable form for the item's fingerprint. An image counts by its address
        without query or fragment: trackers and cache-busters vary those on every fetch, and
        such noise must not look like an edit (a new picture has a new path)."""
        if self.kind == "text":
            return ["text", self.html]
        url = self.url
        if self.kind == "image":
            url = urlsplit(url)._replace(query="", fragment="").geturl()
        return [self.kind, url, self.alt, self.caption]


def escape_formatter(text: str) -> str:
    return escape(text)


@lru_cache(maxsize=256)
def _cleaner(base_url: str) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes={"a": {"href"}},
        url_schemes=URL_SCHEMES,
        url_relative=("rewrite_with_base", base_url) if base_url else "deny",
        link_rel=None,
        strip_comments=True,
    )


@lru_cache(maxsize=256)
def _media_cleaner(base_url: str) -> nh3.Cleaner:
    """As ``_cleaner``, but images and iframes survive with their URL checked by nh3."""
    return nh3.Cleaner(
        tags=ALLOWED_TAGS | set(MEDIA_TAGS),
        clean_content_tags=REMOVED_WITH_CONTENT - set(MEDIA_TAGS),
        attributes={
            "a": {"href"},
            "img": {"src", "alt", "width", "height", "title"},
            "iframe": {"src", "title"},
        },
        url_schemes=URL_SCHEMES - {"mailto"},
        url_relative=("rewrite_with_base", base_url) if base_url else "deny",
        link_rel=None,
        strip_comments=True,
    )


@lru_cache(maxsize=1)
def _converter() -> DbHTMLConverter:
    return DbHTMLConverter(features=RICH_TEXT_FEATURES)


def sanitise_html(html: str, base_url: str = "") -> str:
    """Untrusted HTML -> Wagtail database rich-text HTML (possibly empty)."""
    if not html or not html.strip():
        return ""
    return _convert(_cleaner(base_url).clean(_prepare(html)))


def _prepare(html: str) -> str:
    if not nh3.is_html(html):
        paragraphs = [p.strip() for p in html.split("\n\n") if p.strip()]
        html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    # Keep the document outline: h1 becomes h2 and h5/h6 become h4 (the editor's range).
    return _LOW_HEADING.sub(r"<\1h4", _HEADING.sub(r"<\1h2", html))


def sanitise_body(html: str, base_url: str = "") -> tuple[BodyPart, ...]:
    """Untrusted HTML -> text, image and video parts (text parts as ``sanitise_html``)."""
    if not html or not html.strip():
        return ()
    cleaned = _media_cleaner(base_url).clean(_prepare(html))
    if "<img" not in cleaned and "<iframe" not in cleaned:
        text = _convert(cleaned)
        return (BodyPart("text", html=text),) if text else ()
    soup = BeautifulSoup(cleaned, "html.parser")
    parts: list[BodyPart] = []
    pending: list[str] = []

    def flush() -> None:
        text = _convert("".join(pending))
        if text:
            parts.append(BodyPart("text", html=text))
        pending.clear()

    for node in list(soup.contents):
        if not isinstance(node, Tag):
            pending.append(escape(str(node)))
            continue
        media = [node] if node.name in MEDIA_TAGS else node.find_all(MEDIA_TAGS)
        if not media:
            pending.append(node.decode(formatter=escape_formatter))
            continue
        for element in media:
            element.extract()
        if node.name not in MEDIA_TAGS:
            pending.append(node.decode(formatter=escape_formatter))
        flush()
        parts.extend(part for element in media if (part := _media_part(element)) is not None)
    flush()
    return tuple(parts)


def _media_part(element: Tag) -> BodyPart | None:
    src = (element.get("src") or "").strip()
    if not src:
        return None  # nh3 removed a URL it does not allow (javascript:, data:, relative)
    if element.name == "iframe":
        url = _video_page_url(src)
        title = (element.get("title") or "").strip()[:300]
        return BodyPart("video", url=url, caption=title) if url else None
    if _is_tracking_pixel(element):
        return None
    alt = element.get("alt")
    return BodyPart("image", url=src, alt=None if alt is None else alt.strip()[:MAX_ALT])


def _is_tracking_pixel(element: Tag) -> bool:
    for name in ("width", "height"):
        value = (element.get(name) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= 1:
            return True
    return False


def _video_page_url(src: str) -> str:
    """A player's URL -> the video's page at its provider ("" for anything else)."""
    try:
        ref = parse_video_url(src)
    except UnknownVideoURL:
        return ""
    if ref.provider == YOUTUBE:
        return f"https://www.youtube.com/watch?v={ref.video_id}"
    if ref.provider == VIMEO:
        return f"https://vimeo.com/{ref.video_id}"
    if ref.provider == PEERTUBE:
        scheme = urlsplit(src).scheme
        return f"{scheme}://{ref.host}/w/{ref.video_id}"
    return ""


@lru_cache(maxsize=4096)
def _convert(cleaned: str) -> str:
    """Wagtail's conversion of already-clean HTML; cached, as re-polls repeat the same text."""
    converted, _removals = _converter().clean(cleaned)
    return _wrap_inline_runs(converted)


def _wrap_inline_runs(html: str) -> str:
    """Top-level text and inline elements go into paragraphs; links without href unwrap."""
    soup = BeautifulSoup(html, "html.parser")
    for anchor in soup.find_all("a"):
        if not anchor.get("href"):
            anchor.unwrap()
    blocks: list[str] = []
    run: list[str] = []

    def flush() -> None:
        text = "".join(run).strip()
        if text and _TAGS.sub("", text).strip():
            blocks.append(f"<p>{text}</p>")
        run.clear()

    for node in list(soup.contents):
        if getattr(node, "name", None) in _BLOCKS:
            flush()
            if node.name != "br":
                blocks.append(node.decode(formatter=escape_formatter))
        else:
            run.append(
                node.decode(formatter=escape_formatter)
                if getattr(node, "name", None)
                else escape(str(node))
            )
    flush()
    return "".join(blocks)


def html_to_text(html: str, limit: int) -> str:
    """Plain text of an HTML fragment (for intros and video descriptions)."""
    if not html:
        return ""
    kept = nh3.clean(
        html, tags=_TEXT_BREAKS, attributes={}, clean_content_tags=REMOVED_WITH_CONTENT
    )
    text = _TAGS.sub(" ", kept)
    return _SPACE.sub(" ", unescape(text)).strip()[:limit]
