"""Content-Security-Policy on every response (issue 14, finding 10).

The API's JSON gets ``default-src 'none'``; the HTML views a policy without inline scripts;
the admin what Wagtail needs (inline scripts) and nothing more. The browser tests
(``tests/e2e``) check that real pages raise no violation under these policies.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def directives(header: str) -> dict[str, list[str]]:
    result = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/pages/",
        "/api/v2/pages/999999/",
        "/api/v2/themes/",
        "/api/v2/schema/",
        "/api/v2/changes/",
        "/api/v2/no-such-endpoint/",
        "/api/v2/pages/?limit=0",
    ],
)
def test_api_responses_allow_nothing(site, url):
    response = Client(raise_request_exception=False).get(url)
    assert response["Content-Security-Policy"] == API_POLICY


def test_feedback_errors_allow_nothing(site, client):
    response = client.post("/api/v2/feedback/", "x", content_type="text/plain")
    assert response["Content-Security-Policy"] == API_POLICY


@pytest.mark.parametrize("url", ["/", "/aktuellt/", "/no-such-page/"])
def test_html_views_allow_no_inline_script(site, client, url):
    policy = directives(client.get(url)["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_admin_allows_only_what_wagtail_needs(site, admin_client):
    policy = directives(admin_client.get("/admin/")["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


def test_api_docs_page_has_no_inline_script(site, client):
    response = client.get("/api/v2/docs/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
