"""Each seeded role logs in and sees exactly its tools in the sidebar (issue 13).

The groups come from the data migrations; transactional tests flush the database, so the
migrations' seeding functions are run again here (as ``e2e_db`` recreates the root page).
Links are found by their addresses, not their labels, so the test holds in either language.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from .admin_ui import log_in

pytestmark = pytest.mark.browser

PASSWORD = "e2e-roll-lösenord-123"  # throwaway test accounts

CONTENT = {
    "/admin/images/",
    "/admin/documents/",
    "/admin/snippets/cms/person/",
    "/admin/snippets/cms/organisationunit/",
}
SYNDICATION = {"/admin/syndication_source/", "/admin/webhooks/", "/admin/push-targets/"}
SEES = {
    "Redaktör": CONTENT,
    "Granskare": CONTENT,
    "Syndikeringsansvarig": SYNDICATION,
}


@pytest.fixture
def roles(e2e_db):
    for module in (
        "cms.migrations.0007_school_roles",
        "syndication.migrations.0007_syndication_manager_permissions",
    ):
        migration = importlib.import_module(module)
        (getattr(migration, "seed", None) or migration.grant)(apps, None)


@pytest.mark.parametrize("role", list(SEES))
def test_each_role_sees_its_tools(live_server, roles, page, django_user_model, role):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(f"e2e-{role}", password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    log_in(page, live_server.url, user.username, PASSWORD)

    sidebar = page.locator("aside nav.sidebar-main-menu")
    sidebar.locator("a, button").first.wait_for()  # drawn by the admin's JavaScript
    hrefs = set(
        sidebar.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    every = CONTENT | SYNDICATION
    assert hrefs & every == SEES[role]
    if role != "Syndikeringsansvarig":
        assert page.locator("#kanal-review-heading").is_visible()
