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


def add_stream_block(page, field: str, block_label: str):
    """Append a block to a StreamField through its block picker; return the new block."""
    blocks = page.locator(f"#{field}-root [data-streamfield-child]")
    count = blocks.count()
    # One "insert" button sits above the first block and one below each block: use the last.
    page.locator(f"#{field}-root .c-sf-add-button").last.click()
    page.get_by_role("option", name=block_label, exact=True).click()
    new_block = blocks.nth(count)
    new_block.wait_for()
    return new_block


def field_errors(page, field_name: str):
    """The error messages Wagtail shows next to a form field."""
    return page.locator(f"[data-field-wrapper]:has(#id_{field_name}) [data-field-errors]")
