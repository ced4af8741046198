"""Rich text for front ends: Wagtail's stored HTML with every internal reference resolved.

Stored rich text points at objects (``<a linktype="page" id="3">``). The API resolves them:
pages become front-end URLs (``KANAL_FRONTEND_URL`` + path) with the API detail URL in
``data-api-url``; documents become download URLs; embedded images become renditions. A link
to a page that is not live and public becomes plain text, so drafts never leak through links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, extract_attrs

from .media import RENDITION_FILTERS

_LINK = re.compile(r"<a(\b[^>]*)>")
_EMBED = re.compile(r"<embed(\b[^>]*)/>")


def references(html: str) -> dict[str, set[int]]:
    """Ids of pages, documents and images a rich text value refers to."""
    found: dict[str, set[int]] = {"page": set(), "document": set(), "image": set()}
    for match in _LINK.finditer(html or ""):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") in ("page", "document") and attrs.get("id", "").isdigit():
            found[attrs["linktype"]].add(int(attrs["id"]))
    for match in _EMBED.finditer(html or ""):
        attrs = extract_attrs(match.group(1))
        if attrs.get("embedtype") == "image" and attrs.get("id", "").isdigit():
            found["image"].add(int(attrs["id"]))
    return found


def _attr(name: str, value: Any) -> str:
    return f' {name}="{escape(str(value), quote=True)}"'


def make_expander(
    page_link: Callable[[int], dict | None],
    document: Callable[[int], dict | None],
    image: Callable[[int], dict | None],
) -> Callable[[str], str]:
    """A function turning stored rich text into front-end HTML, using the given lookups."""

    def page_rule(attrs: dict) -> str:
        target = page_link(int(attrs["id"])) if attrs.get("id", "").isdigit() else None
        if target is None:
            return "<a>"
        return (
            f"<a{_attr('href', target['html_url'])}{_attr('data-page-id', target['id'])}"
            f"{_attr('data-api-url', target['detail_url'])}>"
        )

    def document_rule(attrs: dict) -> str:
        target = document(int(attrs["id"])) if attrs.get("id", "").isdigit() else None
        if target is None:
            return "<a>"
        return f"<a{_attr('href', target['url'])}{_attr('data-document-id', target['id'])}>"

    def image_rule(attrs: dict) -> str:
        target = image(int(attrs["id"])) if attrs.get("id", "").isdigit() else None
        if target is None:
            return ""
        largest = target["renditions"][-1]
        srcset = ", ".join(f"{r['url']} {r['width']}w" for r in target["renditions"])
        alt = attrs.get("alt") or target["alt"]
        return (
            f"<img{_attr('src', largest['url'])}{_attr('srcset', srcset)}{_attr('alt', alt)}"
            f"{_attr('width', largest['width'])}{_attr('height', largest['height'])}>"
        )

    links = LinkRewriter(rules={"page": page_rule, "document": document_rule})
    embeds = EmbedRewriter(rules={"image": image_rule})
    assert RENDITION_FILTERS  # the image rule relies on at least one rendition

    def expand(html: str) -> str:
        return embeds(links(html or ""))

    return expand
