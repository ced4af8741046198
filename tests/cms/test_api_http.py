"""The API over a real HTTP server on loopback: conditional GET, invalidation, preview."""

from __future__ import annotations

import pytest
import requests
from django.core.management import call_command
from django.db import transaction

from cms.api.preview import make_token
from cms.models import ArticlePage


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_conditional_get_invalidation_and_preview_over_http(live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    session = requests.Session()
    url = f"{live_server.url}/api/v2/pages/?type=cms.ArticlePage&fields=*&limit=5"

    first = session.get(url, timeout=30)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "application/json"
    assert "stale-while-revalidate" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]

    again = session.get(url, headers={"If-None-Match": etag}, timeout=30)
    assert again.status_code == 304 and again.content == b""

    page = ArticlePage.objects.get(pk=first.json()["items"][0]["id"])
    page.title = "Ändrad över HTTP"
    with transaction.atomic():
        revision = page.save_revision()
        revision.publish()
    changed = session.get(url, headers={"If-None-Match": etag}, timeout=30)
    assert changed.status_code == 200
    assert changed.json()["items"][0]["title"] == "Ändrad över HTTP"

    page.title = "Utkast över HTTP"
    draft = page.save_revision()
    preview_url = f"{live_server.url}/api/v2/preview/{page.pk}/"
    token = make_token(page, draft)
    preview = session.get(preview_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert preview.status_code == 200 and preview.json()["title"] == "Utkast över HTTP"
    assert session.get(preview_url, timeout=30).status_code == 401
    public = session.get(f"{live_server.url}/api/v2/pages/{page.pk}/", timeout=30)
    assert public.json()["title"] == "Ändrad över HTTP"
