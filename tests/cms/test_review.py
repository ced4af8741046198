"""Editors are told which live pages are due for a content review."""

from datetime import date, timedelta

import pytest

from cms.models import ArticlePage
from cms.review import pages_due_for_review

pytestmark = pytest.mark.django_db


def test_stale_and_never_reviewed_pages_are_due_oldest_first(demo_site):
    today = date(2026, 11, 22)
    fresh, stale, never = ArticlePage.objects.live().order_by("pk")[:3]
    ArticlePage.objects.exclude(pk__in=[stale.pk, never.pk]).update(last_reviewed_at=today)
    ArticlePage.objects.filter(pk=stale.pk).update(last_reviewed_at=today - timedelta(days=400))
    ArticlePage.objects.filter(pk=never.pk).update(last_reviewed_at=None)
    due = [page.pk for page in pages_due_for_review(today) if isinstance(page, ArticlePage)]
    assert due == [never.pk, stale.pk]
    assert fresh.pk not in due


def test_dashboard_shows_the_review_panel(demo_site, admin_client):
    ArticlePage.objects.filter(slug="matematik-i-leken").update(last_reviewed_at=None)
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Innehåll att granska" in content
    assert "Matematik i leken på Förskolan Solrosen" in content


def test_origin_fields_are_read_only_in_the_editor(demo_site, admin_client):
    page = ArticlePage.objects.get(slug="ai-och-kallkritik")
    ArticlePage.objects.filter(pk=page.pk).update(
        origin_source="Skolbloggen", origin_url="https://blogg.example/inlagg"
    )
    response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    form = response.context["form"]
    assert "origin_url" not in form.fields
    assert "https://blogg.example/inlagg" in response.content.decode()
