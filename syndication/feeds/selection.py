"""The pages a feed lists: live, public, unexpired, newest first, as representation rows.

Rows are the API's ``(pk, content type, live revision, locale, stamp)`` tuples, so the items'
representations come from the representation cache (``representations_for_rows``): a feed of
50 pages costs the same number of queries as a feed of one.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from wagtail.models import Page

from cms.models import ArticlePage, KanalPage, ProgramPage, VideoPage
from cms.representation.cache import Row
from cms.visibility import public_pages

from .scope import FeedScope

CONTENT_MODELS: tuple[type[KanalPage], ...] = (ArticlePage, VideoPage, ProgramPage)


__all__ = ["CONTENT_MODELS", "feed_rows", "public_pages", "scope_queryset"]


def _via(field: str, object_id: int) -> Q:
    condition = Q(pk__in=[])
    for model in CONTENT_MODELS:
        through = model._meta.get_field(field).remote_field.through
        if field == "themes":
            ids = through.objects.filter(theme_id=object_id).values(f"{model._meta.model_name}_id")
        else:
            ids = through.objects.filter(tag_id=object_id).values("content_object_id")
        condition |= Q(pk__in=ids)
    return condition


def scope_queryset(scope: FeedScope) -> QuerySet[Page]:
    queryset = public_pages().filter(locale_id=scope.locale_id)
    if scope.kind == "type":
        queryset = queryset.type(scope.model)
    else:
        queryset = queryset.type(*CONTENT_MODELS)
    if scope.kind == "theme":
        queryset = queryset.filter(_via("themes", scope.object_id))
    elif scope.kind == "tag":
        queryset = queryset.filter(_via("tags", scope.object_id))
    return queryset


def feed_rows(scope: FeedScope) -> list[Row]:
    """The newest ``scope.limit`` pages by first publication (ties: newest id first)."""
    return list(
        scope_queryset(scope)
        .order_by(F("first_published_at").desc(nulls_last=True), "-pk")
        .values_list(
            "pk", "content_type_id", "live_revision_id", "locale_id", "api_cache_stamp__stamp"
        )[: scope.limit]
    )
