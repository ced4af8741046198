"""The page editor's syndication side panel, rendered by Wagtail's own edit view (Django test
client): registered through a per-page-type ``PageViewSet``, listing every target with
status, remote link, last error, next retry and "Push again"/"Try again"."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from cms.models import ArticlePage
from syndication.push import delivery as push_delivery
from syndication.push.models import PushDelivery, RecordStatus, SyndicationRecord
from syndication.push.side_panel import SyndicationEditView

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("redaktor", "r@example.org", "pw")
    client.force_login(user)
    return client


def edit_page(admin, page) -> BeautifulSoup:
    response = admin.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def panel_of(soup: BeautifulSoup):
    return soup.find(attrs={"data-side-panel": "syndication"})


def toggle_of(soup: BeautifulSoup):
    return soup.find(attrs={"data-side-panel-toggle": "syndication"})


class TestTheSidePanel:
    def test_the_edit_view_of_a_content_page_is_wagtails_with_the_panel_added(
        self, admin, editor, mp_target
    ):
        page = editor.publish_new("Syns i panelen")
        response = admin.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert isinstance(response.context["view"], SyndicationEditView)
        names = [panel.name for panel in response.context["side_panels"]]
        assert names[0] == "status" and "syndication" in names and "preview" in names

        soup = BeautifulSoup(response.content, "html.parser")
        # Beside Wagtail's own panels, in the side panel container, with its toggle.
        assert panel_of(soup).find_parent(attrs={"data-form-side": True}) is not None
        assert soup.find(attrs={"data-side-panel": "status"}) is not None
        assert toggle_of(soup)["aria-label"] == "Visa syndikering"
        assert (
            toggle_of(soup).find(attrs={"data-side-panel-toggle-counter": True}).has_attr("hidden")
        )  # nothing failed

    def test_it_shows_where_the_page_went_with_a_push_again_back_to_the_editor(
        self, admin, editor, mp_target, micropub
    ):
        page = editor.publish_new("Publicerad")
        record = SyndicationRecord.objects.get(page_id=page.pk, target=mp_target)
        assert record.status == RecordStatus.PUBLISHED

        row = panel_of(edit_page(admin, page)).find(
            attrs={"data-syndication-target": str(mp_target.pk)}
        )
        assert "Mikrobloggen" in row.get_text()
        assert row.find(attrs={"data-syndication-status": "published"}) is not None
        assert row.find("a", attrs={"data-syndication-remote-url": True})["href"] == (
            record.remote_url
        )
        assert row.find(attrs={"data-syndication-error": True}) is None
        form = row.find("button", attrs={"data-syndication-push-again": True}).find_parent("form")
        assert form["action"] == reverse(
            "syndication_page_push_again", args=[page.pk, mp_target.pk]
        )
        editor_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        assert form.find("input", attrs={"name": "next"})["value"] == editor_url

        response = admin.post(form["action"], {"next": editor_url})
        assert response.status_code == 302 and response["Location"] == editor_url
        assert micropub.creates == 1 and len(micropub.posts) == 1  # updated, not duplicated

    def test_a_failed_push_is_counted_on_the_toggle_with_its_error_and_a_retry(
        self, admin, editor, mp_target, micropub, settings, django_capture_on_commit_callbacks
    ):
        settings.KANAL_PUSH_RETRY_BASE_SECONDS = 0
        settings.KANAL_PUSH_MAX_ATTEMPTS = 2
        micropub.fail_next[:] = [(500, {}, b"nere")] * 10
        page = editor.publish_new("Misslyckad")
        delivery = PushDelivery.objects.get(page_id=page.pk)

        retrying = panel_of(edit_page(admin, page))
        assert retrying.find(attrs={"data-syndication-retry": True}) is not None
        assert "HTTP 500" in retrying.find(attrs={"data-syndication-error": True}).get_text()

        assert push_delivery.attempt(delivery.pk) == "failed"
        soup = edit_page(admin, page)
        counter = toggle_of(soup).find(attrs={"data-side-panel-toggle-counter": True})
        assert counter.get_text(strip=True) == "1" and not counter.has_attr("hidden")
        row = panel_of(soup).find(attrs={"data-syndication-target": str(mp_target.pk)})
        assert row.find(attrs={"data-syndication-status": "failed"}) is not None
        assert "gave up after 2 attempts" in row.find(attrs={"data-syndication-error": True}).text
        button = row.find("button", attrs={"data-syndication-push-again": True})
        assert button.get_text(strip=True) == "Försök igen"

        micropub.fail_next.clear()
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(button.find_parent("form")["action"])
        row = panel_of(edit_page(admin, page)).find(
            attrs={"data-syndication-target": str(mp_target.pk)}
        )
        assert row.find(attrs={"data-syndication-status": "published"}) is not None
        assert row.find(attrs={"data-syndication-error": True}) is None

    def test_a_page_not_syndicated_yet_says_so_and_offers_the_do_not_syndicate_switch(
        self, admin, editor, mp_target
    ):
        mp_target.tags = ["annat"]
        mp_target.save()
        page = editor.publish_new("Inte här")
        panel = panel_of(edit_page(admin, page))
        assert panel.find(attrs={"data-syndication-status": "none"}) is not None
        switch = panel.find("form", action=reverse("syndication_page_opt_out", args=[page.pk]))
        assert switch.find("input", attrs={"name": "opt_out"})["value"] == "1"

    def test_next_must_be_our_own_address(self, admin, editor, mp_target):
        page = editor.publish_new("Omdirigering")
        response = admin.post(
            reverse("syndication_page_opt_out", args=[page.pk]),
            {"opt_out": "0", "next": "https://evil.example/"},
        )
        assert response["Location"] == reverse("syndication_page", args=[page.pk])


class TestOnlyWhereItBelongs:
    def test_pages_that_are_not_content_keep_wagtails_plain_editor(self, admin, editor):
        response = admin.get(reverse("wagtailadmin_pages:edit", args=[editor.index.pk]))
        assert response.status_code == 200
        assert 'data-side-panel="syndication"' not in response.content.decode()

    def test_the_explorer_listing_of_articles_is_unchanged(self, admin, editor):
        page = editor.publish_new("I listan")
        response = admin.get(reverse("wagtailadmin_explore", args=[editor.index.pk]))
        assert response.status_code == 200 and page.title in response.content.decode()
        assert type(response.context["view"]).__module__.startswith("wagtail.")

    def test_an_editor_without_edit_permission_gets_no_panel_and_no_push(
        self, client, django_user_model, editor, mp_target
    ):
        page = editor.publish_new("Inte din")
        user = django_user_model.objects.create_user("gast", "g@example.org", "pw")
        client.force_login(user)
        assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code in (
            302,
            403,
        )
        response = client.post(reverse("syndication_page_push_again", args=[page.pk, mp_target.pk]))
        assert response.status_code in (302, 403)
        assert not PushDelivery.objects.filter(page_id=page.pk, manual=True).exists()
        assert ArticlePage.objects.filter(pk=page.pk).exists()
