"""Imported posts are reviewed through their source: one line per source in the dashboard's
review panel, with how many live posts it brought in and its health."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import Page

from cms.models import ArticleIndexPage, ArticlePage, HomePage
from cms.review import contributed_lines
from syndication.pull.models import UNHEALTHY_AFTER, ImportedItem, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources():
    home = Page.get_first_root_node().add_child(instance=HomePage(title="Start", slug="s-rl"))
    index = home.add_child(instance=ArticleIndexPage(title="Aktuellt", slug="aktuellt"))
    healthy = Source.objects.create(
        name="Skolbloggen", url="https://blogg.example/", kind="feed", index_page=index
    )
    broken = Source.objects.create(
        name="Förskolebloggen",
        url="https://forskola.example/",
        kind="feed",
        index_page=index,
        error_count=UNHEALTHY_AFTER,
        last_error="HTTP 500 från servern",
    )
    for number in range(3):
        page = ArticlePage(title=f"Inlägg {number}", origin_url=f"https://blogg.example/{number}")
        page.live = number < 2  # the third is a draft awaiting moderation
        index.add_child(instance=page)
        ImportedItem.objects.create(source=healthy, key=str(number), page=page, fingerprint="x")
    ImportedItem.objects.create(source=broken, key="gone", page=None, fingerprint="x")
    return healthy, broken


def member(group: str):
    account = get_user_model().objects.create_user(group, f"{group}@skola.example", "pw")
    account.groups.add(Group.objects.get(name=group))
    return account


def test_one_line_per_source_with_live_posts_and_health(sources):
    lines = contributed_lines(member("Syndikeringsansvarig"))
    assert [(line.label, line.count, line.healthy) for line in lines] == [
        ("Förskolebloggen", 0, False),
        ("Skolbloggen", 2, True),
    ]
    assert lines[0].health == "ohälsosam: HTTP 500 från servern"
    assert lines[1].url == f"/admin/syndication/sources/{sources[0].pk}/items/"


def test_editors_without_sources_get_no_lines(sources):
    assert contributed_lines(member("Redaktör")) == []


def test_the_dashboard_panel_shows_the_lines(sources, client):
    client.force_login(member("Syndikeringsansvarig"))
    html = client.get("/admin/").content.decode()
    panel = html[html.index('id="kanal-review-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert "Importerat innehåll granskas via sin källa" in panel
    assert "Skolbloggen" in panel and "Förskolebloggen" in panel
    assert "Inlägg 0" not in panel


def test_a_syndication_manager_sees_sources_not_pages(sources, client):
    client.force_login(member("Syndikeringsansvarig"))
    html = client.get("/admin/").content.decode()
    panel = html[html.index('id="kanal-review-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert "Skolbloggen" in panel
    assert "granskat inom det senaste året" not in panel  # no page list of their own


def test_no_panel_for_someone_without_pages_or_sources(sources, client):
    account = get_user_model().objects.create_user("viewer", "viewer@skola.example", "pw")
    account.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    client.force_login(account)
    assert 'id="kanal-review-heading"' not in client.get("/admin/").content.decode()
