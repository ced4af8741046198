"""Feed HTML -> Wagtail rich text, in two passes.

1. nh3 (ammonia) with an allow-list that matches ``cms.blocks.RICH_TEXT_FEATURES``: paragraphs,
   line breaks, h2-h4, bold, italic, lists and links with http(s)/mailto URLs. Script, style,
   SVG, MathML, iframes, objects, forms and templates are removed *with their content*; every
   other unknown element is unwrapped (its text kept); every attribute except ``href`` is
   dropped, so event handlers cannot survive; relative URLs are resolved against the entry.
   Images are dropped too (there is no image feature in rich text), which also removes
   tracking pixels.
2. Wagtail's own database-HTML converter (``DbHTMLConverter``) with the same features, so what
   we store is exactly what the editor would have produced.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

import nh3
from bs4 import BeautifulSoup
from django.utils.html import escape
from wagtail.admin.rich_text.converters.db_html import DbHTMLConverter

from cms.blocks import RICH_TEXT_FEATURES

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


@lru_cache(maxsize=1)
def _converter() -> DbHTMLConverter:
    return DbHTMLConverter(features=RICH_TEXT_FEATURES)


def sanitise_html(html: str, base_url: str = "") -> str:
    """Untrusted HTML -> Wagtail database rich-text HTML (possibly empty)."""
    if not html or not html.strip():
        return ""
    if not nh3.is_html(html):
        paragraphs = [p.strip() for p in html.split("\n\n") if p.strip()]
        html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    # Keep the document outline: h1 becomes h2 and h5/h6 become h4 (the editor's range).
    html = _LOW_HEADING.sub(r"<\1h4", _HEADING.sub(r"<\1h2", html))
    return _convert(_cleaner(base_url).clean(html))


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
