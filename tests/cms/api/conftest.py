"""Fixtures for the API tests.

The demo site (with its image renditions) is built once for this package inside a
transaction that is rolled back after the package's last test; each test still runs in its
own savepoint, so tests cannot see each other's changes and the suite stays fast.
"""

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
    """The demo site's Swedish home page."""
    from cms.models import HomePage

    return HomePage.objects.get(depth=2, locale__language_code="sv")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(client):
    """A GET helper that returns the response and asserts it is never a server error."""

    def get(url, **headers):
        response = client.get(url, headers=headers)
        assert response.status_code < 500, response.content[:500]
        return response

    return get
