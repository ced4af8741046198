"""The page list's query parameters, one ``BaseFilterBackend`` each (as Wagtail's are).

Order matters only for ``SearchFilter``, which must be last: search results cannot be filtered
further. Each backend validates its own parameter and raises ``BadRequestError`` naming it.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext
from rest_framework.filters import BaseFilterBackend
from taggit.models import Tag
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from themes.models import Theme

from ..models import KanalPage
from . import search
from .params import csv, moment, positive_int

# ?order= values: public name -> model field. "date" is the first publication.
ORDERINGS = {
    "date": "first_published_at",
    "first_published_at": "first_published_at",
    "last_published_at": "last_published_at",
    "title": "title",
    "id": "id",
}


def kanal_page_models() -> list[type[KanalPage]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, KanalPage) and not model._meta.abstract
    ]


def _pages_tagged(lookup: dict) -> Q:
    """Pages whose tags (on each content page type) match ``lookup``."""
    condition = Q(pk__in=[])
    for model in kanal_page_models():
        tag_model = model._meta.get_field("tags").remote_field.through
        ids = tag_model.objects.filter(**lookup).values("content_object_id")
        condition |= Q(pk__in=ids)
    return condition


class ThemeFilter(BaseFilterBackend):
    """``?theme=slug[,slug…]``: pages with any of the themes. Unknown slugs are an error."""

    def filter_queryset(self, request, queryset, view):
        if "theme" not in request.GET:
            return queryset
        slugs = csv("theme", request.GET["theme"])
        themes = list(Theme.objects.filter(slug__in=slugs).values_list("pk", "slug"))
        unknown = sorted(set(slugs) - {slug for _, slug in themes})
        if unknown:
            raise BadRequestError(gettext("theme: unknown theme slug(s): %s") % ", ".join(unknown))
        return queryset.filter(
            Theme.objects.filter(pk__in=[pk for pk, _ in themes]).pages_condition()
        )


class TagFilter(BaseFilterBackend):
    """``?tag=name[,name…]``: pages with any of the tags (case-insensitive)."""

    def filter_queryset(self, request, queryset, view):
        if "tag" not in request.GET:
            return queryset
        names = csv("tag", request.GET["tag"])
        condition = Q()
        for name in names:
            condition |= Q(name__iexact=name)
        tag_ids = list(Tag.objects.filter(condition).values_list("pk", flat=True))
        if not tag_ids:
            raise BadRequestError(gettext("tag: no such tag: %s") % ", ".join(names))
        return queryset.filter(_pages_tagged({"tag_id__in": tag_ids}))


class LocaleFilter(BaseFilterBackend):
    """``?locale=sv``: pages in one language. Unknown language codes are an error."""

    def filter_queryset(self, request, queryset, view):
        if "locale" not in request.GET:
            return queryset
        code = request.GET["locale"]
        locale = Locale.objects.filter(language_code=code).first()
        if locale is None:
            known = ", ".join(Locale.objects.values_list("language_code", flat=True))
            raise BadRequestError(
                gettext("locale: unknown locale %(code)r (known: %(known)s)")
                % {"code": code, "known": known}
            )
        return queryset.filter(locale=locale)


class PublishedAfterFilter(BaseFilterBackend):
    """``?published_after=`` (inclusive), on the first publication date."""

    def filter_queryset(self, request, queryset, view):
        if "published_after" in request.GET:
            when = moment("published_after", request.GET["published_after"])
            queryset = queryset.filter(first_published_at__gte=when)
        return queryset


class PublishedBeforeFilter(BaseFilterBackend):
    """``?published_before=`` (exclusive), on the first publication date."""

    def filter_queryset(self, request, queryset, view):
        if "published_before" in request.GET:
            when = moment("published_before", request.GET["published_before"])
            queryset = queryset.filter(first_published_at__lt=when)
        return queryset


class UpdatedSinceFilter(BaseFilterBackend):
    """``?updated_since=``: pages whose representation changed since then (incremental sync).

    A representation changes when the page is published and when something it uses (an
    image, a person, a theme, a linked page) changes; the second is recorded on the page's
    cache stamp. Deletions and unpublications are reported by the change feed, not here.
    """

    def filter_queryset(self, request, queryset, view):
        if "updated_since" in request.GET:
            when = moment("updated_since", request.GET["updated_since"])
            queryset = queryset.filter(
                Q(last_published_at__gte=when) | Q(api_cache_stamp__changed_at__gte=when)
            )
        return queryset


def _anchor(request, view, name: str) -> Page:
    value = request.GET[name]
    if value == "root":
        return view.get_root_page()
    pk = positive_int(name, value)
    page = view.get_base_queryset().filter(pk=pk).first()
    if page is None:
        raise BadRequestError(
            gettext("%(name)s: no public page with id %(id)s") % {"name": name, "id": pk}
        )
    return page


class ChildOfFilter(BaseFilterBackend):
    """``?child_of=<id>|root``: direct children of a public page."""

    def filter_queryset(self, request, queryset, view):
        if "child_of" in request.GET:
            if "descendant_of" in request.GET:
                raise BadRequestError(gettext("child_of: cannot be combined with descendant_of"))
            queryset = queryset.child_of(_anchor(request, view, "child_of"))
        return queryset


class DescendantOfFilter(BaseFilterBackend):
    """``?descendant_of=<id>|root``: everything below a public page."""

    def filter_queryset(self, request, queryset, view):
        if "descendant_of" in request.GET:
            queryset = queryset.descendant_of(_anchor(request, view, "descendant_of"))
        return queryset


def ordering(request) -> list[tuple[str, bool]]:
    """``?order=`` as a list of (model field, descending); tree order by default."""
    value = request.GET.get("order")
    if not value:
        return [("path", False)]
    result = []
    for item in csv("order", value, limit=3):
        name = item.removeprefix("-")
        if name not in ORDERINGS:
            allowed = ", ".join(sorted(ORDERINGS))
            raise BadRequestError(
                gettext("order: cannot order by %(item)r (allowed: %(allowed)s)")
                % {"item": item, "allowed": allowed}
            )
        result.append((ORDERINGS[name], item.startswith("-")))
    return result


def total_ordering(request) -> list[tuple[str, bool]]:
    """``ordering`` completed with the id, in the last key's direction: a total order, which
    both the queryset's ``ORDER BY`` and the cursor's position rely on."""
    spec = ordering(request)
    if "id" not in [field for field, _ in spec]:
        spec.append(("id", spec[-1][1]))
    return spec


class OrderingFilter(BaseFilterBackend):
    """``?order=date|-date|title|-title|…``, always completed with the id (a total order)."""

    def filter_queryset(self, request, queryset, view):
        return queryset.order_by(
            *(("-" if desc else "") + field for field, desc in total_ordering(request))
        )


class SearchFilter(BaseFilterBackend):
    """``?search=``: full text (Swedish stemming on PostgreSQL). Must be the last backend."""

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        query = search.parse(request.GET["search"])
        if "cursor" in request.GET:
            raise BadRequestError(gettext("cursor: cannot be combined with search (use offset)"))
        try:
            return get_search_backend().search(
                query,
                queryset,
                order_by_relevance="order" not in request.GET,
                operator="and",
            )
        except (FilterFieldError, OrderByFieldError) as exc:
            raise BadRequestError(f"search: {exc}") from exc


def limit_max() -> int:
    return settings.KANAL_API_LIMIT_MAX
