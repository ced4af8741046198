"""Images and documents as the API shows them, wherever they appear.

An image carries a set of renditions (``RENDITION_WIDTHS``; fewer for originals narrower than
that, as Wagtail does not upscale) plus the original's dimensions, its focal point and alt
text, so a front end can build ``srcset`` without a second request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from ..visibility import restricted_collection_ids
from .urls import absolute, api_detail_url

__all__ = ["restricted_collection_ids"]  # re-exported: callers import it from here

RENDITION_WIDTHS = (480, 960, 1600)
RENDITION_FILTERS = tuple(f"width-{width}" for width in RENDITION_WIDTHS)


def load_images(ids: Iterable[int], hidden_collections: set[int]) -> dict[int, Any]:
    ids = {pk for pk in ids if pk}
    if not ids:
        return {}
    images = (
        get_image_model()
        .objects.filter(pk__in=ids)
        .exclude(collection_id__in=hidden_collections)
        .prefetch_renditions(*RENDITION_FILTERS)
    )
    return {image.pk: image for image in images}


def load_documents(ids: Iterable[int], hidden_collections: set[int]) -> dict[int, Any]:
    ids = {pk for pk in ids if pk}
    if not ids:
        return {}
    documents = (
        get_document_model()
        .objects.filter(pk__in=ids)
        .exclude(collection_id__in=hidden_collections)
    )
    return {document.pk: document for document in documents}


def _distinct_widths(renditions: dict) -> list[dict[str, Any]]:
    """One entry per distinct width: Wagtail never upscales, so a small original yields fewer
    renditions than ``RENDITION_WIDTHS`` (a srcset must not repeat a width)."""
    result: list[dict[str, Any]] = []
    for spec in RENDITION_FILTERS:
        rendition = renditions[spec]
        if not result or rendition.width > result[-1]["width"]:
            result.append(
                {
                    "width": rendition.width,
                    "height": rendition.height,
                    "url": absolute(rendition.url),
                }
            )
    return result


def image_representation(image, alt_text: str = "", decorative: bool = False) -> dict[str, Any]:
    """An image: renditions at several widths, original size, focal point and alt text —
    empty, with ``decorative`` true, where the image is marked decorative (WCAG 1.1.1)."""
    renditions = image.get_renditions(*RENDITION_FILTERS)
    focal = None
    if image.focal_point_x is not None:
        focal = {
            "x": image.focal_point_x,
            "y": image.focal_point_y,
            "width": image.focal_point_width,
            "height": image.focal_point_height,
        }
    return {
        "id": image.pk,
        "title": image.title,
        "alt": "" if decorative else (alt_text or image.default_alt_text),
        "decorative": decorative,
        "width": image.width,
        "height": image.height,
        "focal_point": focal,
        "renditions": _distinct_widths(renditions),
        "detail_url": api_detail_url("images", image.pk),
    }


def _file_size(document) -> int | None:
    """The size in bytes, without writing to the database (a read must not change state)."""
    if document.file_size is not None:
        return document.file_size
    try:
        return document.file.size
    except OSError:
        return None


def document_representation(document, title: str = "") -> dict[str, Any]:
    """A document as a download: title, URL, size in bytes and file type (extension)."""
    return {
        "id": document.pk,
        "title": title or document.title,
        "url": absolute(document.url),
        "file_size": _file_size(document),
        "file_type": document.file_extension.lower(),
        "detail_url": api_detail_url("documents", document.pk),
    }
