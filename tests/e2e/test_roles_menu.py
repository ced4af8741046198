"""Each seeded role logs in and sees exactly its tools, in one language (issue 13).

A Swedish editor, a Swedish moderator, an administrator who chose English in their account
and a Swedish syndication manager log in through the browser (which asks for Swedish in every
case: the account decides). The sidebar must hold exactly the role's tools, found by their
addresses, and the text the browser shows must hold the role's labels in its language and no
label of the other language. A screenshot of each dashboard is kept as a test artifact
(``$KANAL_E2E_ARTIFACTS/screenshots/role-*.png``).

The groups come from the data migrations; transactional tests flush the database, so the
migrations' seeding functions are run again here (as ``e2e_db`` recreates the root page).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import pytest
from django.apps import apps
from wagtail.users.models import UserProfile

from tests.support.one_language import (
    KANAL_DASHBOARD,
    KANAL_MENU,
    WAGTAIL_MENU,
    contains,
    in_language,
    visible_words,
)

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
EDITING_LABELS = ["Pages", "Images", "Documents", "People", "Content to review"]
SYNDICATION_LABELS = ["Sources", "Push targets"]


@dataclass(frozen=True)
class Persona:
    group: str | None  # None: an administrator (superuser)
    language: str
    tools: frozenset[str]
    labels: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.group or 'Administrator'}-{self.language}"


PERSONAS = [
    Persona("Redaktör", "sv", frozenset(CONTENT), tuple(EDITING_LABELS)),
    Persona("Granskare", "sv", frozenset(CONTENT), tuple(EDITING_LABELS)),
    Persona(
        None, "en", frozenset(CONTENT | SYNDICATION), tuple(EDITING_LABELS + SYNDICATION_LABELS)
    ),
    Persona("Syndikeringsansvarig", "sv", frozenset(SYNDICATION), tuple(SYNDICATION_LABELS)),
]


@pytest.fixture
def roles(e2e_db):
    for module in (
        "cms.migrations.0007_school_roles",
        "syndication.migrations.0007_syndication_manager_permissions",
    ):
        migration = importlib.import_module(module)
        (getattr(migration, "seed", None) or migration.grant)(apps, None)


def make_user(django_user_model, persona: Persona):
    from django.contrib.auth.models import Group

    username = f"e2e-{persona.name}"
    if persona.group is None:
        user = django_user_model.objects.create_superuser(
            username, email="admin@example.org", password=PASSWORD
        )
    else:
        user = django_user_model.objects.create_user(username, password=PASSWORD)
        user.groups.add(Group.objects.get(name=persona.group))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = persona.language
    profile.save()
    return user


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda persona: persona.name)
def test_each_role_sees_its_tools_in_one_language(
    live_server, roles, page, django_user_model, screenshot, persona
):
    user = make_user(django_user_model, persona)
    log_in(page, live_server.url, user.username, PASSWORD)

    sidebar = page.locator("aside nav.sidebar-main-menu")
    sidebar.locator("a, button").first.wait_for()  # drawn by the admin's JavaScript
    hrefs = set(
        sidebar.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    assert hrefs & (CONTENT | SYNDICATION) == persona.tools
    if persona.tools & CONTENT:
        assert page.locator("#kanal-review-heading").is_visible()

    text = visible_words(page.evaluate("() => document.body.innerText").encode())
    other = "en" if persona.language == "sv" else "sv"
    missing = [
        in_language(persona.language, label)
        for label in persona.labels
        if not contains(text, in_language(persona.language, label))
    ]
    every_label = WAGTAIL_MENU + KANAL_MENU + KANAL_DASHBOARD + EDITING_LABELS
    foreign = [
        in_language(other, label)
        for label in every_label
        if in_language(other, label) != in_language(persona.language, label)
        and contains(text, in_language(other, label))
    ]
    screenshot(page, f"role-{persona.name}-dashboard")
    assert not missing, f"expected in {persona.language}: {missing}"
    assert not foreign, f"{other} words on a {persona.language} screen: {foreign}"
