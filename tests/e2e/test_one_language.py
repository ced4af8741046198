"""In the browser, the dashboard and the page editor speak the user's language only (issue 13).

A Swedish editor (the default) and an administrator who chose English in their account log
in; the text the browser shows (``innerText``: the sidebar the admin's JavaScript renders,
panels, field labels) must hold the labels of their language and none of the other's. The
browser asks for Swedish (``sv-SE``) in both cases: the user's choice decides, not the browser.
"""

from __future__ import annotations

import pytest
from wagtail.users.models import UserProfile

from tests.support.one_language import KANAL_MENU, LANGUAGES, WAGTAIL_MENU, check_one_language

from .admin_ui import ADMIN_PASSWORD, log_in

pytestmark = pytest.mark.browser

DASHBOARD = ["Content to review", "Syndication: sources", "All sources"]
ARTICLE_EDITOR = ["introduction", "body", "author name", "publication date", "Review"]


@pytest.fixture
def user_in(e2e_db, django_user_model):
    def make(language: str):
        user = django_user_model.objects.create_superuser(
            username=f"admin-{language}", email=f"{language}@example.org", password=ADMIN_PASSWORD
        )
        if language == "en":
            profile = UserProfile.get_for_user(user)
            profile.preferred_language = "en"
            profile.save()
        return user

    return make


def shown_text(page) -> bytes:
    return page.evaluate("() => document.body.innerText").encode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard_and_page_editor_in_one_language(live_server, site_tree, user_in, page, language):
    user = user_in(language)
    log_in(page, live_server.url, username=user.username)
    page.locator(".sidebar-page-explorer-item").wait_for()  # the sidebar is drawn by JS
    check_one_language(shown_text(page), language, WAGTAIL_MENU + KANAL_MENU + DASHBOARD)

    page.goto(
        f"{live_server.url}/admin/pages/add/cms/articlepage/{site_tree.articles.pk}/",
        wait_until="domcontentloaded",
    )
    page.locator("#id_intro").wait_for()
    page.locator("#body-root .c-sf-add-button").first.wait_for()  # the StreamField is drawn
    check_one_language(shown_text(page), language, WAGTAIL_MENU + KANAL_MENU + ARTICLE_EDITOR)
