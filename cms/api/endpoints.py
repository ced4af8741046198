"""The API's endpoints: Wagtail API v2 viewsets, extended.

Every GET goes through ``caching.conditional_response``: a fresh ``If-None-Match`` answers 304
after one indexed read, a cached response is returned as bytes, and only a miss runs filters
and serialisation. Errors are ``{"message": …}`` with 400 (naming the parameter), 401, 403,
404, 405 or 429 — never a 500 for any input.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from themes.models import Theme

from ..models import OrganisationUnit, Person
from ..representation.cache import page_rows, representations_for_rows
from ..representation.media import (
    RENDITION_FILTERS,
    document_representation,
    image_representation,
    restricted_collection_ids,
)
from ..representation.pages import META_FIELDS, fields_of, represented_models
from ..representation.resolver import Resolver
from ..representation.urls import feed_links
from . import fields as field_selection
from . import filters
from .caching import conditional_response
from .errors import error_response
from .keys import ApiKeyAuthentication, RateThrottle
from .pagination import apply_cursor, limit_and_offset, make_cursor, next_url
from .params import positive_int
from .search import SearchTooExpensive, search_budget

PAGE_LIST_PARAMETERS = frozenset(
    [
        "type",
        "theme",
        "tag",
        "locale",
        "published_after",
        "published_before",
        "updated_since",
        "child_of",
        "descendant_of",
        "search",
        "order",
        "fields",
        "limit",
        "offset",
        "cursor",
        "site",
    ]
)
DETAIL_PARAMETERS = frozenset(["fields", "site"])
SIMPLE_LIST_PARAMETERS = frozenset(["fields", "limit", "offset"])


def dumps(data: Any) -> bytes:
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()


def check_parameters(request, allowed: Iterable[str]) -> None:
    """Refuse unknown parameters and values no database accepts (NUL bytes, huge strings)."""
    allowed = set(allowed)
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise BadRequestError(
            gettext("%(name)s: unknown query parameter (allowed: %(allowed)s)")
            % {"name": unknown[0], "allowed": ", ".join(sorted(allowed))}
        )
    for name, values in request.GET.lists():
        if len(values) > 1:
            raise BadRequestError(gettext("%s: given more than once") % name)
        if "\x00" in values[0]:
            raise BadRequestError(gettext("%s: NUL characters are not allowed") % name)
        if len(values[0]) > 2000:
            raise BadRequestError(gettext("%s: value too long") % name)


class KanalEndpointMixin:
    """What every Kanal endpoint shares: JSON only, API keys, rate limits, readable errors."""

    renderer_classes = [JSONRenderer]
    schema = None  # described by cms.api.schema
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [RateThrottle]

    def handle_exception(self, exc):
        response = error_response(exc)
        if response is None:
            return super().handle_exception(exc)
        return response


class KanalPagesAPIViewSet(KanalEndpointMixin, PagesAPIViewSet):
    """``pages/``: live, public pages with their full representation, filters and cursors."""

    filter_backends = [
        filters.ThemeFilter,
        filters.TagFilter,
        filters.LocaleFilter,
        filters.PublishedAfterFilter,
        filters.PublishedBeforeFilter,
        filters.UpdatedSinceFilter,
        filters.ChildOfFilter,
        filters.DescendantOfFilter,
        filters.OrderingFilter,
        filters.SearchFilter,  # last: search results cannot be filtered further
    ]
    known_query_parameters = PAGE_LIST_PARAMETERS

    def page_types(self) -> list[type[Page]]:
        value = self.request.GET.get("type")
        if not value:
            return []
        try:
            models = page_models_from_string(value)
        except (LookupError, ValueError) as exc:
            raise BadRequestError(
                gettext("type: unknown page type in %r (use app_label.Model, e.g. cms.ArticlePage)")
                % value
            ) from exc
        return list(models)

    def get_base_queryset(self):
        """Wagtail's public pages; an unknown ``?site=`` is a bad parameter, not a 404."""
        try:
            return super().get_base_queryset()
        except Http404 as exc:
            if "site" in self.request.GET:
                raise BadRequestError(
                    gettext("site: no site with this hostname (give hostname or hostname:port)")
                ) from exc
            raise

    def get_queryset(self):
        models = self.page_types()
        base = self.get_base_queryset()
        if len(models) == 1:
            return models[0].objects.filter(pk__in=base.values("pk"))
        if models:
            return base.type(*models)
        return base

    def available_fields(self) -> set[str]:
        models = self.page_types() or represented_models()
        names = set(META_FIELDS)
        for model in models:
            names |= set(fields_of(model))
        return names

    # -- list ----------------------------------------------------------------------------
    def listing_view(self, request):
        return conditional_response(request, self.build_listing)

    def build_listing(self) -> bytes:
        if "search" not in self.request.GET:
            return self._build_listing()
        try:
            with search_budget():
                return self._build_listing()
        except SearchTooExpensive as exc:
            raise BadRequestError(
                gettext("search: too costly to answer; use fewer or more specific words")
            ) from exc

    def _build_listing(self) -> bytes:
        request = self.request
        check_parameters(request, PAGE_LIST_PARAMETERS)
        limit, offset = limit_and_offset(request)
        chosen, nested = field_selection.selected(
            field_selection.parse(request), self.available_fields(), field_selection.LISTING_DEFAULT
        )
        queryset = self.filter_queryset(self.get_queryset())
        next_link = None
        if isinstance(queryset, QuerySet):
            total = queryset.count()
            spec = filters.total_ordering(request)
            columns = [field for field, _ in spec]
            rows = list(
                apply_cursor(request, queryset).values_list(
                    "pk",
                    "content_type_id",
                    "live_revision_id",
                    "locale_id",
                    "api_cache_stamp__stamp",
                    *columns,
                )[offset : offset + limit + 1]
            )
            if limit and len(rows) > limit:
                rows = rows[:limit]
                next_link = next_url(request, make_cursor(request, list(rows[-1][5:])))
            rows = [row[:5] for row in rows]
        else:  # search results: relevance order, offset pagination only
            total = queryset.count()
            found = [page.pk for page in queryset[offset : offset + limit]]
            by_pk = {row[0]: row for row in page_rows(found)}
            rows = [by_pk[pk] for pk in found if pk in by_pk]
            if offset + limit < total and limit:
                query = request.GET.copy()
                query["offset"] = str(offset + limit)
                next_link = request.build_absolute_uri(request.path) + "?" + query.urlencode()
        representations = representations_for_rows(rows)
        items = [
            field_selection.apply(representations[row[0]], chosen, nested)
            for row in rows
            if row[0] in representations
        ]
        return dumps({"meta": {"total_count": total, "next": next_link}, "items": items})

    # -- detail and find -----------------------------------------------------------------
    def detail_view(self, request, pk):
        return conditional_response(request, lambda: self.build_detail(pk))

    def build_detail(self, pk: int) -> bytes:
        check_parameters(self.request, DETAIL_PARAMETERS)
        rows = list(
            self.get_base_queryset()
            .filter(pk=pk)
            .values_list(
                "pk", "content_type_id", "live_revision_id", "locale_id", "api_cache_stamp__stamp"
            )
        )
        if not rows:
            raise Http404(gettext("no live, public page with this id"))
        data = representations_for_rows(rows)[pk]
        available = set(META_FIELDS) | set(data) - {"id", "meta"}
        chosen, nested = field_selection.selected(
            field_selection.parse(self.request), available, available
        )
        return dumps(field_selection.apply(data, chosen, nested))

    def find_view(self, request):
        check_parameters(request, {"html_path", "id", "fields", "site"})
        if "html_path" not in request.GET and "id" not in request.GET:
            raise BadRequestError(gettext("html_path: required (or id)"))
        return super().find_view(request)

    def find_object(self, queryset, request):
        if "id" in request.GET:
            return queryset.filter(pk=positive_int("id", request.GET["id"])).first()
        site = Site.find_for_request(request)
        if site is None:
            return None
        parts = [part for part in request.GET["html_path"].split("/") if part]
        root = site.root_page
        languages = set(Locale.objects.values_list("language_code", flat=True))
        if parts and parts[0] in languages and parts[0] != root.locale.language_code:
            translated = root.get_translations().filter(locale__language_code=parts[0]).first()
            if translated is not None:
                root, parts = translated, parts[1:]
        try:
            page, _args, _kwargs = root.specific.route(request, parts)
        except Http404:
            return None
        return page if queryset.filter(pk=page.pk).exists() else None


class SimpleEndpoint(KanalEndpointMixin, BaseAPIViewSet):
    """A list/detail endpoint over a model whose items are plain dicts (images, themes…)."""

    endpoint_name = ""

    def filtered(self):
        return self.model.objects.all().order_by("pk")

    def represent(self, objects: list) -> list[dict]:
        raise NotImplementedError

    def listing_view(self, request):
        return conditional_response(request, self.build_listing)

    def build_listing(self) -> bytes:
        check_parameters(self.request, SIMPLE_LIST_PARAMETERS)
        limit, offset = limit_and_offset(self.request)
        queryset = self.filtered()
        total = queryset.count()
        items = self.represent(list(queryset[offset : offset + limit]))
        next_link = None
        if limit and offset + limit < total:
            query = self.request.GET.copy()
            query["offset"] = str(offset + limit)
            next_link = self.request.build_absolute_uri(self.request.path) + "?" + query.urlencode()
        return dumps(
            {"meta": {"total_count": total, "next": next_link}, "items": self.select(items)}
        )

    def detail_view(self, request, pk):
        return conditional_response(request, lambda: self.build_detail(pk))

    def build_detail(self, pk: int) -> bytes:
        check_parameters(self.request, {"fields"})
        obj = self.filtered().filter(pk=pk).first()
        if obj is None:
            raise Http404(gettext("no %s item with this id") % self.endpoint_name)
        return dumps(self.select(self.represent([obj]))[0])

    def select(self, items: list[dict]) -> list[dict]:
        config = field_selection.parse(self.request)
        if not config or not items:
            return items
        available = set(items[0]) - {"id"}
        chosen, nested = field_selection.selected(config, available, available)
        result = []
        for item in items:
            picked = {"id": item["id"]}
            for key, value in item.items():
                if key in chosen:
                    picked[key] = (
                        field_selection._pick(value, nested[key], key) if key in nested else value
                    )
            result.append(picked)
        return result

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<int:pk>/", cls.as_view({"get": "detail_view"}), name="detail"),
        ]


class ImagesEndpoint(SimpleEndpoint):
    """``images/``: images outside private collections, with renditions."""

    model = get_image_model()
    name = endpoint_name = "images"

    def filtered(self):
        hidden = restricted_collection_ids()
        return self.model.objects.exclude(collection_id__in=hidden).order_by("pk")

    def represent(self, objects: list) -> list[dict]:
        ids = [obj.pk for obj in objects]
        images = {
            image.pk: image
            for image in self.model.objects.filter(pk__in=ids).prefetch_renditions(
                *RENDITION_FILTERS
            )
        }
        return [image_representation(images[pk]) for pk in ids if pk in images]


class DocumentsEndpoint(SimpleEndpoint):
    """``documents/``: documents outside private collections, with download URLs."""

    model = get_document_model()
    name = endpoint_name = "documents"

    def filtered(self):
        hidden = restricted_collection_ids()
        return self.model.objects.exclude(collection_id__in=hidden).order_by("pk")

    def represent(self, objects: list) -> list[dict]:
        return [document_representation(document) for document in objects]


class ThemesEndpoint(SimpleEndpoint):
    """``themes/``: the thematic taxonomy, with the external labels each theme absorbs."""

    model = Theme
    name = endpoint_name = "themes"

    def filtered(self):
        return Theme.objects.prefetch_related("aliases").order_by("sort_order", "name", "pk")

    def represent(self, objects: list) -> list[dict]:
        return [
            {
                "id": theme.pk,
                "slug": theme.slug,
                "name": theme.name,
                "description": theme.description,
                "colour": theme.colour,
                "icon": theme.icon,
                "aliases": sorted(alias.label for alias in theme.aliases.all()),
                "feeds": feed_links("theme", theme.slug),
            }
            for theme in objects
        ]


class PeopleEndpoint(SimpleEndpoint):
    """``people/``: contact persons and authors, with their photo's renditions."""

    model = Person
    name = endpoint_name = "people"

    def filtered(self):
        return Person.objects.order_by("name", "pk")

    def represent(self, objects: list) -> list[dict]:
        resolver = Resolver.for_people([person.pk for person in objects])
        return [resolver.person(person.pk) for person in objects]


class OrganisationUnitsEndpoint(SimpleEndpoint):
    """``organisation-units/``: addresses, contact details and opening hours."""

    model = OrganisationUnit
    name = endpoint_name = "organisation-units"

    def filtered(self):
        return OrganisationUnit.objects.order_by("name", "pk")

    def represent(self, objects: list) -> list[dict]:
        return [unit.external_representation() for unit in objects]
