"""Search is configured for Swedish: on PostgreSQL, inflected forms find each other."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from cms.models import ArticlePage

pytestmark = pytest.mark.django_db


def test_search_backend_is_configured_for_swedish():
    assert settings.WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] == "swedish"


@pytest.mark.postgres
@pytest.mark.skipif(
    not settings.DATABASE_IS_POSTGRES,
    reason="Swedish stemming is PostgreSQL's; CI runs this suite on PostgreSQL too",
)
def test_swedish_stemming_finds_inflected_forms(demo_site):
    call_command("update_index", stdout=io.StringIO())
    # The demo article says "rektorer"; the form "rektorerna" appears nowhere in the demo,
    # so only the Swedish stemmer (rektorerna -> rektor) can make it match.
    results = {page.title for page in ArticlePage.objects.live().search("rektorerna")}
    assert "Nya rektorer får mentorer" in results


def test_search_finds_demo_content(demo_site):
    call_command("update_index", stdout=io.StringIO())
    results = [page.title for page in ArticlePage.objects.live().search("cirkelmodellen")]
    assert "Cirkelmodellen lyfte skrivandet i SO" in results
