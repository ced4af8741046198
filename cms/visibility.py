"""What an anonymous visitor may see, for every output that is not the API.

The API filters its links and media through its resolver (``cms.representation.resolver``); the HTML
views render Wagtail's stored rich text and blocks directly, so they need the same rule in a
form Wagtail's renderers can use: the rich-text handlers (``cms.rich_text``) and the blocks'
``render_basic`` ask these functions, and a reference to a draft, a restricted page or a file
in a private collection renders as plain text (or not at all). Lives outside ``cms.api`` so
that blocks and models can use it without importing the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from wagtail.models import Collection, CollectionViewRestriction, Page


def restricted_collection_ids() -> set[int]:
    """Collections (and their descendants) under any view restriction.

    Outputs that are the same for every reader (API, feeds, cached HTML) treat a private
    collection as private whatever restriction type it has.
    """
    roots = list(
        Collection.objects.filter(
            pk__in=CollectionViewRestriction.objects.values("collection_id")
        ).values_list("path", flat=True)
    )
    if not roots:
        return set()
    condition = Q()
    for path in roots:
        condition |= Q(path__startswith=path)
    return set(Collection.objects.filter(condition).values_list("pk", flat=True))


def public_page_ids(ids: Iterable[Any]) -> set[int]:
    """Those of ``ids`` that are live pages without a view restriction (on them or above)."""
    wanted = {int(pk) for pk in ids if pk is not None and str(pk).isdigit()}
    if not wanted:
        return set()
    return set(Page.objects.live().public().filter(pk__in=wanted).values_list("pk", flat=True))


def is_public_page(page: Page | None) -> bool:
    return page is not None and page.pk in public_page_ids([page.pk])


def in_public_collection(obj: Any) -> bool:
    """An image or document outside every restricted collection."""
    return obj is not None and obj.collection_id not in restricted_collection_ids()
