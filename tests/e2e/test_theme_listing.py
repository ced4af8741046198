"""The themes snippet listing: in the editors' sort order, and searchable by name."""

import pytest
from django.db.models import F
from playwright.sync_api import expect

from themes.models import Theme

from .admin_ui import log_in

pytestmark = pytest.mark.browser

NEW_THEME = "Naturvetenskap och teknik"


@pytest.fixture
def theme_without_aliases(demo_themes) -> Theme:
    """A theme slotted in third by sort order, though it is neither first by name nor by id."""
    Theme.objects.filter(sort_order__gte=2).update(sort_order=F("sort_order") + 1)
    return Theme.objects.create(name=NEW_THEME, slug="naturvetenskap", sort_order=2)


def listed_names(page):
    return page.locator("#listing-results td.title [id^=snippet_][id$=_title]")


def test_listing_follows_sort_order(live_server, editor, page, theme_without_aliases):
    by_sort_order = list(Theme.objects.order_by("sort_order").values_list("name", flat=True))
    assert by_sort_order != sorted(by_sort_order)
    assert by_sort_order != list(Theme.objects.order_by("pk").values_list("name", flat=True))
    log_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/snippets/themes/theme/")

    expect(listed_names(page)).to_have_text(by_sort_order)


def test_search_finds_a_theme_by_its_name(live_server, editor, page, theme_without_aliases):
    assert not theme_without_aliases.aliases.exists()
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/snippets/themes/theme/")
    expect(listed_names(page)).to_have_count(Theme.objects.count())

    page.fill("#id_q", "Naturvetenskap")

    expect(listed_names(page)).to_have_text([NEW_THEME])
