"""The URL map of ``/api/v2/``: Wagtail's router for the viewsets plus plain views."""

from __future__ import annotations

import functools
import hashlib
import re
import time

from django.urls import path
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail.api.v2.router import WagtailAPIRouter

from .caching import cache_control
from .changes import ChangesView
from .endpoints import (
    DocumentsEndpoint,
    ImagesEndpoint,
    KanalPagesAPIViewSet,
    OrganisationUnitsEndpoint,
    PeopleEndpoint,
    ThemesEndpoint,
)
from .feedback import FeedbackView
from .preview import PreviewView

STARTED_AT = time.time()
CSRF_TOKEN = re.compile(rb'(?<=CSRFTOKEN"\] = ")[^"]*')

api_router = WagtailAPIRouter("kanalapi")
api_router.register_endpoint("pages", KanalPagesAPIViewSet)
api_router.register_endpoint("images", ImagesEndpoint)
api_router.register_endpoint("documents", DocumentsEndpoint)
api_router.register_endpoint("themes", ThemesEndpoint)
api_router.register_endpoint("people", PeopleEndpoint)
api_router.register_endpoint("organisation-units", OrganisationUnitsEndpoint)


def with_validators(view):
    """ETag, Last-Modified and Cache-Control for views outside the page cache (schema, docs).

    Their content changes only with a deploy, so Last-Modified is when this process started
    and the ETag is a digest of the body; a matching ``If-None-Match`` gets 304.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method != "GET" or response.status_code != 200:
            return response
        if hasattr(response, "render"):
            response.render()
        # The docs page embeds a freshly masked CSRF token: leave it out of the digest.
        stable = CSRF_TOKEN.sub(b"", response.content)
        response["ETag"] = quote_etag(hashlib.sha1(stable, usedforsecurity=False).hexdigest())
        response["Last-Modified"] = http_date(STARTED_AT)
        response["Cache-Control"] = cache_control()
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=int(STARTED_AT), response=response
        )

    return wrapped


def get_urlpatterns() -> list:
    return [
        path("preview/<int:pk>/", PreviewView.as_view(), name="kanalapi-preview"),
        path("feedback/", FeedbackView.as_view(), name="kanalapi-feedback"),
        path("changes/", ChangesView.as_view(), name="kanalapi-changes"),
        path("schema/", with_validators(SpectacularAPIView.as_view()), name="kanalapi-schema"),
        path(
            "docs/",
            with_validators(SpectacularSwaggerSplitView.as_view(url_name="kanalapi-schema")),
            name="kanalapi-docs",
        ),
        path("", api_router.urls),
    ]


urlpatterns = get_urlpatterns()
