"""The browser reports Content-Security-Policy violations, and the site causes none.

Every browser test asserts 0 violations at teardown (``page`` fixture); this file proves that
the listener sees one when a page breaks the policy, and walks the admin's busiest screens.
"""

from __future__ import annotations

import pytest

from .admin_ui import log_in

pytestmark = pytest.mark.browser


def test_an_inline_script_on_an_html_view_is_reported(
    live_server, site_tree, browser_context, csp_violations
):
    page = browser_context.new_page()
    response = page.goto(f"{live_server.url}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert any("script-src" in v for v in csp_violations)
    csp_violations.clear()


def test_admin_screens_raise_no_violation(live_server, editor, site_tree, page):
    log_in(page, live_server.url)
    for path in ["/admin/", "/admin/pages/", f"/admin/pages/{site_tree.home.pk}/edit/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok
        assert "content-security-policy" in response.headers
        page.wait_for_load_state("networkidle")
