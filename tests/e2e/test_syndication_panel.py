"""An editor publishes an article and sees, in the page editor's side panel, where it went:
the partner blog (a loopback Micropub server), the remote link, and "Push again"."""

import pytest
from playwright.sync_api import expect

from cms.models import ArticlePage
from syndication.push.models import PushTarget, RecordStatus, SyndicationRecord
from tests.support.micropub import MicropubServer

from .admin_ui import log_in, publish

pytestmark = pytest.mark.browser


def open_panel(page):
    """Open the syndication side panel (Wagtail reopens the last open panel on load; a click
    on an open panel's toggle would close it)."""
    toggle = page.locator('[data-side-panel-toggle="syndication"]')
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    panel = page.locator('[data-side-panel="syndication"]')
    expect(panel).to_be_visible()
    return panel


@pytest.fixture
def micropub(settings):
    settings.KANAL_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    with MicropubServer() as server:
        yield server


def test_the_side_panel_shows_where_a_published_article_went(
    live_server, site_tree, editor, page, micropub
):
    target = PushTarget(kind="micropub", name="Partnerbloggen", endpoint=micropub.site)
    target.set_secret(micropub.token)
    target.save()
    draft = site_tree.articles.add_child(
        instance=ArticlePage(title="Läslyftet i Norrby", slug="laslyftet", live=False)
    )
    log_in(page, live_server.url)
    edit_url = f"{live_server.url}/admin/pages/{draft.pk}/edit/"

    page.goto(edit_url)
    panel = open_panel(page)
    expect(panel.locator('[data-syndication-status="none"]')).to_be_visible()  # premise

    publish(page)  # the push runs in the server's request (the test task backend is immediate)
    expect(page.locator(".messages .success")).to_contain_text("Läslyftet i Norrby")
    record = SyndicationRecord.objects.get(page_id=draft.pk, target=target)
    assert record.status == RecordStatus.PUBLISHED, record.last_error

    page.goto(edit_url)
    panel = open_panel(page)
    expect(panel).to_contain_text("Partnerbloggen")
    expect(panel.locator('[data-syndication-status="published"]')).to_be_visible()
    link = panel.locator("[data-syndication-remote-url]")
    expect(link).to_have_attribute("href", record.remote_url)

    panel.locator("[data-syndication-push-again]").click()
    page.wait_for_url(edit_url)
    expect(page.locator(".messages .success")).to_contain_text("Partnerbloggen")
    assert micropub.creates == 1 and len(micropub.posts) == 1  # updated, never duplicated
