"""A video without transcript or captions is published only after the editor confirms a
warning; Wagtail's content checker carries Kanal's rules, in the userbar and in the editor."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from wagtail.admin.ui.side_panels import ChecksSidePanel
from wagtail.admin.userbar import ContentCheckerItem, apply_userbar_hooks
from wagtail.models import Page

from cms.accessibility import VIDEO_CHECK, VIDEO_RULE, KanalContentCheckerItem
from cms.models import HomePage, VideoIndexPage, VideoPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def videos(db):
    home = Page.get_first_root_node().add_child(instance=HomePage(title="Start", slug="start-a11y"))
    return home.add_child(instance=VideoIndexPage(title="Filmer", slug="filmer"))


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("granskare", "g@example.org", "x")


@pytest.fixture
def post_video(videos, admin_client):
    """POST the editor's "add video" form, as the admin's buttons do."""

    def post(action: str, **fields):
        data = {
            "title": "Film om läsning",
            "slug": "film-om-lasning",
            "video_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "publication_date": "2026-12-01 10:00",
            action: "1",
            **fields,
        }
        return admin_client.post(f"/admin/pages/add/cms/videopage/{videos.pk}/", data)

    return post


def form_errors(response) -> dict:
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


class TestPublishingWithoutTextAlternative:
    def test_publishing_without_transcript_or_captions_asks_for_confirmation(self, post_video):
        response = post_video("action-publish")
        assert response.status_code == 200
        errors = form_errors(response)
        assert list(errors) == ["publish_without_text_alternative"], errors
        assert (
            "saknar både transkription och undertexter"
            in errors["publish_without_text_alternative"][0]
        )
        assert not VideoPage.objects.exists()

    def test_confirming_publishes(self, post_video):
        response = post_video("action-publish", publish_without_text_alternative="on")
        assert response.status_code == 302, form_errors(response)
        assert VideoPage.objects.get().live

    @pytest.mark.parametrize(
        "fields",
        [{"transcript": "Hej och välkomna."}, {"has_captions": "on"}],
        ids=["transcript", "captions"],
    )
    def test_a_video_with_a_text_alternative_publishes_without_asking(self, post_video, fields):
        response = post_video("action-publish", **fields)
        assert response.status_code == 302, form_errors(response)
        assert VideoPage.objects.get().live

    def test_saving_a_draft_is_never_blocked(self, post_video):
        response = post_video("action-save")  # Wagtail's default action is a draft
        assert response.status_code == 302, form_errors(response)
        assert not VideoPage.objects.get().live


class TestContentChecker:
    def test_the_userbar_and_the_editors_checks_panel_use_kanals_rules(self, videos, editor):
        request = RequestFactory().get("/")
        request.user = editor
        items = [ContentCheckerItem()]
        apply_userbar_hooks(request, items, videos)
        assert type(items[0]) is KanalContentCheckerItem

        panel = ChecksSidePanel(videos, request)
        configuration = panel.get_axe_configuration()
        assert VIDEO_RULE in configuration["options"]["runOnly"]
        assert "image-alt" in configuration["options"]["runOnly"]
        assert VIDEO_RULE in {rule["id"] for rule in configuration["spec"]["rules"]}
        check = next(c for c in configuration["spec"]["checks"] if c["id"] == VIDEO_CHECK)
        assert check["evaluate"] == "has-descendant-evaluate"
        assert VIDEO_RULE in configuration["messages"]
        # Wagtail's own rules are kept.
        assert "alt-text-quality" in configuration["options"]["runOnly"]
