"""Every API URL answers every HTTP method without a server error.

The URLs are not listed by hand: the test walks the URL patterns ``/api/v2/`` mounts
(``cms.api.router.urlpatterns``: every endpoint of Wagtail's router, the change feed, the
schema, the docs, preview and feedback), so an endpoint added later is walked too.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver

from cms.api.router import urlpatterns

pytestmark = pytest.mark.django_db

METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
# Pattern pieces -> sample values: an id that exists (the first page, image …) is filled in
# by the test; ids that do not exist must answer just as cleanly.
PK = re.compile(r"<int:pk>|\(\?P<pk>\[0-9\]\+\)")


def routes(patterns, prefix: str = "") -> list[str]:
    result = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^").removesuffix("$").removesuffix(r"\Z")
        if isinstance(pattern, URLResolver):
            result += routes(pattern.url_patterns, route)
        else:
            assert isinstance(pattern, URLPattern)
            result.append(route)
    return result


def sample_urls(pk: int) -> list[str]:
    urls = []
    for route in routes(urlpatterns):
        url = "/api/v2/" + PK.sub(str(pk), route)
        # A converter this test does not know would be requested literally and only 404:
        # fail instead, so that the walk keeps covering every pattern for real.
        assert not re.search(r"[<>()\[\]^$\\]", url), f"unknown URL parameter in {route!r}"
        urls.append(url)
    return sorted(set(urls))


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """Hundreds of requests from one address: a 429 would hide the answer under test."""
    settings.KANAL_API_ANON_RATE_PER_MINUTE = 0


def test_the_walk_covers_every_kind_of_api_url():
    """The premise: the walk reaches the plain views as well as every router endpoint."""
    urls = sample_urls(1)
    for expected in (
        "/api/v2/changes/",
        "/api/v2/schema/",
        "/api/v2/docs/",
        "/api/v2/preview/1/",
        "/api/v2/feedback/",
        "/api/v2/pages/",
        "/api/v2/pages/1/",
        "/api/v2/pages/find/",
        "/api/v2/themes/",
        "/api/v2/tags/1/",
        "/api/v2/page-types/",
    ):
        assert expected in urls


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("pk", ["existing", 999999])
def test_every_api_url_answers_every_method_without_a_server_error(site, method, pk):
    from django.test import Client

    if pk == "existing":
        pk = site.pk
    client = Client(raise_request_exception=False)
    failures = []
    for url in [*sample_urls(pk), "/api/v2/no-such-endpoint/"]:
        response = client.generic(method, url)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
        elif method == "OPTIONS" and url != "/api/v2/no-such-endpoint/":
            # OPTIONS describes the resource: 200 with the methods it takes.
            assert response.status_code == 200, (url, response.status_code)
            assert "GET" in response["Allow"] or url == "/api/v2/feedback/", url
    assert failures == []


def test_head_answers_as_get(site, client):
    for url in sample_urls(site.pk):
        assert client.head(url).status_code == client.get(url).status_code, url


def test_feedback_takes_only_post(site, client):
    assert client.get("/api/v2/feedback/").status_code == 405
    options = client.options("/api/v2/feedback/")
    assert options.status_code == 200 and "POST" in options["Allow"]
    # The refusal of a body that is not JSON is still there for POST.
    assert client.post("/api/v2/feedback/", "x", content_type="text/plain").status_code == 415


def test_docs_answer_options(site, client):
    response = client.options("/api/v2/docs/")
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"
