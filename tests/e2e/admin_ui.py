"""Steps an editor takes in the Wagtail admin, written once for the browser tests.

Selectors lean on what Wagtail renders for every site (field ids, ``name`` attributes, ARIA
roles) rather than on translated button texts, so the tests follow the editors' language.
"""

from __future__ import annotations

ADMIN_USERNAME = "redaktor"
ADMIN_PASSWORD = "e2e-lösenord-123"  # a throwaway test account


def log_in(page, base_url: str, username: str = ADMIN_USERNAME, password: str = ADMIN_PASSWORD):
    """Log in through the admin's login form and land on the dashboard."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def publish(page) -> None:
    """Open the footer's action menu and press Publish."""
    page.click("footer .w-dropdown-button button.w-dropdown__toggle")
    page.click("footer button[name=action-publish]")
