"""Bench-only URLs: Kanal's own, stock Wagtail API v2 on the same data, and a ceiling view."""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path
from wagtail.api import APIField
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms.models import ArticlePage

# Stock Wagtail shows only declared api_fields: declare the article's fields so that the
# stock `fields=*` list carries the same content as ours.
ArticlePage.api_fields = [
    APIField(name)
    for name in (
        "intro",
        "body",
        "author",
        "author_name",
        "publication_date",
        "tags",
        "themes",
        "last_reviewed_at",
        "origin_source",
        "origin_url",
    )
]

stock_router = WagtailAPIRouter("stockapi")
stock_router.register_endpoint("pages", PagesAPIViewSet)

_ceiling: list[bytes] = []


def ceiling(request):
    """Pre-rendered bytes (our list response, read once): the fastest Django can answer."""
    if not _ceiling:
        _ceiling.append(Path(settings.BENCH_CEILING_FILE).read_bytes())
    return HttpResponse(_ceiling[0], content_type="application/json")


urlpatterns = [
    path("bench/stock/", stock_router.urls),
    path("bench/ceiling/", ceiling),
    path("", include("cms.urls")),
]
