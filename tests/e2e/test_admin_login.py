"""An editor logs in and reaches the dashboard, and the admin asks nothing of the internet."""

import pytest
from django.conf import settings

from .admin_ui import log_in

pytestmark = pytest.mark.browser


def test_login_shows_the_dashboard_and_stays_on_loopback(live_server, editor, page, request_log):
    log_in(page, live_server.url)

    assert page.locator("main h1").first.inner_text().strip() == settings.WAGTAIL_SITE_NAME
    # The sidebar is drawn by the admin's JavaScript: it shows only if the static files load.
    sidebar = page.locator("aside nav.sidebar-main-menu")
    sidebar.get_by_role("button", name="Teman").wait_for()
    page.wait_for_load_state("networkidle")
    assert any("/static/wagtailadmin/js/" in url for url in request_log.urls)
    assert request_log.offsite == [], "the admin must not call any host but Kanal itself"
