"""One language per screen: the admin speaks the user's language, Wagtail's words and Kanal's alike.

Every screen an editor or administrator uses (dashboard, the page editor of each page type,
creating and editing, the sources, webhooks, push targets, themes and people listings, the
reports) is rendered for a user who left the language at its default (Swedish) and for one who
chose English in their account, the Wagtail way (``UserProfile.preferred_language``). Each
screen must show the labels of its language and none of the other's.

The labels are written once, as the English msgids they are in the source; the Swedish is
looked up in the catalogues (Wagtail's and Kanal's), and a label that reads the same in both
languages ("Status", "Webhooks") is left out of the check rather than counted as proof.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    PageFeedback,
    ProgramIndexPage,
    ProgramPage,
    VideoIndexPage,
    VideoPage,
)
from tests.support.one_language import (
    KANAL_DASHBOARD,
    KANAL_MENU,
    LANGUAGES,
    WAGTAIL_MENU,
    check_one_language,
    in_language,
)

pytestmark = pytest.mark.django_db

EDITOR_LABELS = {
    HomePage: ["introduction", "organisation unit"],
    ArticleIndexPage: ["introduction"],
    ArticlePage: ["introduction", "body", "author name", "publication date", "Byline", "Review"],
    VideoIndexPage: ["introduction"],
    VideoPage: ["video URL", "poster image", "description", "transcript", "part of program"],
    ProgramIndexPage: ["introduction"],
    ProgramPage: ["summary", "goals", "target audience", "Structure", "Meetings", "Material"],
}
# The syndication side panel beside an existing content page (push targets exist).
SIDE_PANEL = [
    "Show syndication",
    "Partner sites where the page is published when it is published here.",
    "Do not syndicate this page",
]


@pytest.fixture
def user_client(client, demo_site):
    """A client per language: a superuser who kept the default, and one who chose English."""

    def make(language: str):
        user = get_user_model().objects.create_superuser(
            f"admin-{language}", f"{language}@example.org", "pw"
        )
        if language == "en":
            profile = UserProfile.get_for_user(user)
            profile.preferred_language = "en"
            profile.save()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def syndication_rows(demo_site):
    """One source, webhook endpoint, push target (and a YouTube one, for the quota report and
    panel) and feedback entry, so the listings show their columns instead of an empty state."""
    from syndication.pull.models import Source
    from syndication.push.models import PushTarget
    from syndication.webhooks.models import WebhookEndpoint

    Source.objects.create(
        name="Skolbloggen",
        url="https://blogg.example.org/",
        feed_url="https://blogg.example.org/feed/",
        kind="feed",
        index_page=ArticleIndexPage.objects.first(),
    )
    WebhookEndpoint.objects.create(name="Webbplatsen", url="https://webb.example.org/hook")
    PushTarget.objects.create(
        kind="micropub",
        name="Mikrobloggen",
        endpoint="https://mikro.example.org/micropub",
        credentials_env="MICROPUB_TOKEN",
    )
    PushTarget.objects.create(
        kind="youtube",
        name="Skolans YouTube",
        endpoint="https://youtube.googleapis.com/",
        credentials_env="YOUTUBE_REFRESH_TOKEN",
        page_types=["cms.VideoPage"],
    )
    PageFeedback.objects.create(page=ArticlePage.objects.live().first(), useful=True)


def screens() -> list[tuple[str, str, list[str]]]:
    """(name, URL, labels to check) for every screen of the test."""
    found = [("dashboard", reverse("wagtailadmin_home"), KANAL_DASHBOARD + QUOTA_PANEL)]
    for model, labels in EDITOR_LABELS.items():
        page = model.objects.first()
        assert page is not None, f"the demo site has a {model.__name__}"
        edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
        parent = page.get_parent()
        add = reverse(
            "wagtailadmin_pages:add",
            args=[model._meta.app_label, model._meta.model_name, parent.pk],
        )
        side_panel = SIDE_PANEL if model in (ArticlePage, VideoPage, ProgramPage) else []
        found.append((f"edit {model.__name__}", edit, labels + side_panel))
        if model.can_create_at(parent):  # one home page per site: nothing to create there
            found.append((f"add {model.__name__}", add, labels))
    found += [(name, reverse(name), labels) for name, labels in LISTINGS.items()]
    return found


# The dashboard's YouTube quota panel (a YouTube target exists). Not "Channel": its Swedish,
# "Kanal", is also the product's name on every screen.
QUOTA_PANEL = ["YouTube quota today", "Show waiting updates"]
LISTINGS = {
    "syndication_source:index": [
        "Sources",
        "Last polled",
        "Next poll",
        "items imported",
        "errors in a row",
    ],
    "webhooks:index": ["name", "URL"],
    "push_targets:index": ["Push targets", "name"],
    "wagtailsnippets_themes_theme:list": ["Themes", "name", "sort order"],
    "wagtailsnippets_cms_person:list": ["People", "role", "phone"],
    "kanal_feedback_report": ["Feedback from readers", "Useful", "Not useful", "Latest comments"],
    "syndication_video_quota": [
        "YouTube quota",
        "Today's spend and waiting updates",
        "Day (Pacific time)",
        "Spent",
        "Waiting pages",
        "Resets",
        "Waiting updates",
        "Next attempt",
        "Why",
        "Nothing is waiting.",
    ],
    "wagtailadmin_reports:aging_pages": ["Reports"],
    "wagtailadmin_reports:site_history": ["Reports"],
    "wagtailadmin_reports:locked_pages": ["Reports"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_speaks_the_users_language(user_client, syndication_rows, language):
    """Dashboard, page editor (edit and create) of each page type, listings and reports.

    One test per language renders them all (the demo site is loaded once per test, and that
    is the slow part); every screen's problems are collected and reported together.
    """
    client = user_client(language)
    problems = []
    rendered = 0
    for name, url, labels in screens():
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{name} ({url}): HTTP {response.status_code}")
            continue
        rendered += 1
        try:
            check_one_language(response.content, language, WAGTAIL_MENU + KANAL_MENU + labels)
        except AssertionError as error:
            problems.append(f"{name} ({url}): {error}".splitlines()[0])
    assert problems == [], "\n".join(problems)
    assert rendered == len(screens()) >= 20


def test_the_check_sees_a_foreign_label():
    """The premise: a Swedish screen with one English menu label is caught, and the Swedish
    one it replaced is missed."""
    swedish = in_language("sv", "Sources")
    screen = f"<nav>{in_language('sv', 'Themes')} {in_language('sv', 'People')} {swedish}</nav>"
    with translation.override("sv"):
        check_one_language(screen.encode(), "sv", ["Themes", "People", "Sources"])
    tampered = screen.replace(swedish, "Sources").encode()
    with pytest.raises(AssertionError, match="expected in sv"):
        check_one_language(tampered, "sv", ["Themes", "People", "Sources"])
    with pytest.raises(AssertionError, match="en words on a sv screen"):
        check_one_language(tampered + b" " + swedish.encode(), "sv", ["Sources"])
