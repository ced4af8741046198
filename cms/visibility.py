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

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Collection, CollectionViewRestriction, Page


def public_pages() -> QuerySet[Page]:
    """Live pages an anonymous reader may see: no view restriction on them or an ancestor,
    and not past their expiry (``expire_at``) even if the expiry job has not run yet."""
    return (
        Page.objects.live()
        .public()
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()))
    )


def public_tags() -> QuerySet[Tag]:
    """Tags of at least one public page (``public_pages``).

    A tag is named by an editor and can say as much as a title ("omorganisation-2027"):
    one that only drafts or restricted pages carry is private too, in the API's tag list,
    the tag feeds and the OPML list alike.
    """
    public = public_pages().values("pk")
    condition = Q(pk__in=[])
    for model in apps.get_models():
        if issubclass(model, Page) and hasattr(model, "tagged_items"):
            through = model._meta.get_field("tagged_items").related_model
            condition |= Q(pk__in=through.objects.filter(content_object__in=public).values("tag"))
    return Tag.objects.filter(condition)


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
