"""Fixtures for the feed tests: the demo site, built once for the package and rolled back
after its last test (each test still runs in its own savepoint), and a fresh cache per test."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from wagtail.images import get_image_model

from cms.representation.media import RENDITION_FILTERS


@pytest.fixture(scope="package")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            for image in get_image_model().objects.all():
                image.get_renditions(*RENDITION_FILTERS)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def site(seeded, db):
    from cms.models import HomePage

    return HomePage.objects.get(depth=2, locale__language_code="sv")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def get(client):
    """GET that never accepts a server error."""

    def fetch(url, **headers):
        response = client.get(url, headers=headers)
        assert response.status_code < 500, response.content[:500]
        return response

    return fetch


@pytest.fixture
def feed_urls(site):
    """Every feed URL of the demo site: everything, each type, each theme and tag, each format."""
    from taggit.models import Tag

    from themes.models import Theme

    urls = []
    for fmt in ("rss", "atom", "json"):
        urls.append(f"/feeds/{fmt}/")
        urls += [f"/feeds/{kind}/{fmt}/" for kind in ("articles", "videos", "programs")]
        urls += [
            f"/feeds/themes/{slug}/{fmt}/" for slug in Theme.objects.values_list("slug", flat=True)
        ]
        urls += [
            f"/feeds/tags/{slug}/{fmt}/" for slug in Tag.objects.values_list("slug", flat=True)
        ]
    return urls
