"""Bench-only URLs: Kanal's own, stock Wagtail API v2 and v3 on the same data, and a ceiling view.

The stock ``api_fields`` are declared in ``tests/bench/apps.py`` (before v3 builds its schemas).

``/bench/stock/`` is stock v2 as a project would mount it: under ``ATOMIC_REQUESTS``, which
Kanal turns on (on SQLite every request then opens an IMMEDIATE transaction). Kanal takes its
own API out of it (``cms.urls.non_atomic``), so ``/bench/stock-na/`` mounts stock v2 the same
way, to show what that difference alone is worth; v3 is mounted non-atomic like ours.
"""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.v3.urls import api as v3_api

from cms.urls import non_atomic

stock_router = WagtailAPIRouter("stockapi")
stock_router.register_endpoint("pages", PagesAPIViewSet)

stock_non_atomic_router = WagtailAPIRouter("stockapi_na")
stock_non_atomic_router.register_endpoint("pages", PagesAPIViewSet)

v3_patterns, v3_app_name, v3_namespace = v3_api.urls

_ceiling: list[bytes] = []


@transaction.non_atomic_requests
def ceiling(request):
    """Pre-rendered bytes (our list response, read once): the fastest Django can answer.

    Outside ``ATOMIC_REQUESTS`` like our API: inside it, on SQLite, every request would open
    an IMMEDIATE transaction and the two workers would queue for the write lock, which made
    this "ceiling" slower than the API it is meant to bound.
    """
    if not _ceiling:
        _ceiling.append(Path(settings.BENCH_CEILING_FILE).read_bytes())
    return HttpResponse(_ceiling[0], content_type="application/json")


urlpatterns = [
    path("bench/stock/", stock_router.urls),
    path(
        "bench/stock-na/",
        include(
            (non_atomic(stock_non_atomic_router.get_urlpatterns()), "stockapi_na"),
            namespace="stockapi_na",
        ),
    ),
    path("bench/v3/", include((non_atomic(v3_patterns), v3_app_name), namespace=v3_namespace)),
    path("bench/ceiling/", ceiling),
    path("", include("cms.urls")),
]
