"""Rich-text link and embed handlers for the HTML views: only public targets render.

Registered in ``cms.wagtail_hooks`` after Wagtail's own; the rule is ``cms.visibility``'s.
Imported only once the app registry is ready (Wagtail's handlers load models at import).
"""

from __future__ import annotations

from typing import Any

from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.images.rich_text import ImageEmbedHandler
from wagtail.rich_text.pages import PageLinkHandler

from .visibility import public_page_ids, restricted_collection_ids


class PublicPageLinkHandler(PageLinkHandler):
    """Rich-text page links: only to live, public pages; others render as plain text."""

    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list[Any]:
        pages = super().get_many(attrs_list)
        public = public_page_ids(page.pk for page in pages if page is not None)
        return [page if page is not None and page.pk in public else None for page in pages]


class PublicDocumentLinkHandler(DocumentLinkHandler):
    """Rich-text document links: only to documents outside private collections."""

    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list[Any]:
        hidden = restricted_collection_ids()
        return [
            doc if doc is not None and doc.collection_id not in hidden else None
            for doc in super().get_many(attrs_list)
        ]


class PublicImageEmbedHandler(ImageEmbedHandler):
    """Rich-text images: only from collections that are not private."""

    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list[Any]:
        hidden = restricted_collection_ids()
        return [
            image if image is not None and image.collection_id not in hidden else None
            for image in super().get_many(attrs_list)
        ]
