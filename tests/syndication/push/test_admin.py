"""The push admin: targets with a write-only secret, the page's syndication view with
"Push again" and "do not syndicate", and stopped targets on the dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from syndication.push.models import PushOptOut, PushTarget, RecordStatus, SyndicationRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("redaktor", "r@example.org", "pw")
    client.force_login(user)
    return client


class TestTargetAdmin:
    def test_the_secret_is_stored_encrypted_and_never_shown_again(self, admin, micropub):
        response = admin.post(
            reverse("push_targets:add"),
            {
                "kind": "micropub",
                "name": "Mikrobloggen",
                "endpoint": micropub.site,
                "secret": "topphemlig-token",
                "unpublish_action": "draft",
                "tags": "[]",
                "active": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        target = PushTarget.objects.get()
        assert target.secret() == "topphemlig-token"
        assert "topphemlig" not in target.credentials_encrypted
        edit = admin.get(reverse("push_targets:edit", args=[target.pk]))
        assert edit.status_code == 200
        assert b"topphemlig" not in edit.content
        assert target.credentials_encrypted.encode() not in edit.content

    def test_a_target_without_any_credential_is_refused_with_a_message(self, admin, micropub):
        response = admin.post(
            reverse("push_targets:add"),
            {
                "kind": "micropub",
                "name": "Utan token",
                "endpoint": micropub.site,
                "unpublish_action": "draft",
                "tags": "[]",
            },
        )
        assert response.status_code == 200
        assert "miljövariabel" in response.content.decode()
        assert not PushTarget.objects.exists()

    def test_new_credentials_make_a_stopped_target_healthy_again(self, admin, micropub):
        target = PushTarget(kind="micropub", name="M", endpoint=micropub.site)
        target.set_secret("gammal")
        target.healthy = False
        target.save()
        home = admin.get(reverse("wagtailadmin_home"))
        assert "Publiceringsmål som har stoppats" in home.content.decode()
        admin.post(
            reverse("push_targets:edit", args=[target.pk]),
            {
                "kind": "micropub",
                "name": "M",
                "endpoint": micropub.site,
                "secret": "ny",
                "unpublish_action": "draft",
                "tags": "[]",
                "active": "on",
            },
        )
        target.refresh_from_db()
        assert target.healthy and target.secret() == "ny"


class TestPageSyndication:
    def test_status_push_again_and_do_not_syndicate(
        self, admin, editor, micropub, django_capture_on_commit_callbacks
    ):
        target = PushTarget(kind="micropub", name="Mikrobloggen", endpoint=micropub.site)
        target.set_secret(micropub.token)
        target.save()
        page = editor.publish_new("Syns i panelen")
        record = SyndicationRecord.objects.get(page_id=page.pk)
        url = reverse("syndication_page", args=[page.pk])

        view = admin.get(url).content.decode()
        assert "Mikrobloggen" in view and record.remote_url in view and "publicerad" in view

        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(reverse("syndication_page_push_again", args=[page.pk, target.pk]))
        assert response.status_code == 302
        assert SyndicationRecord.objects.get(page_id=page.pk).attempts == 2
        assert micropub.creates == 1  # pushed again = the same post, updated
        assert len(micropub.posts) == 1

        with django_capture_on_commit_callbacks(execute=True):
            admin.post(reverse("syndication_page_opt_out", args=[page.pk]), {"opt_out": "1"})
        assert PushOptOut.objects.filter(page_id=page.pk).exists()
        record.refresh_from_db()
        assert record.status == RecordStatus.WITHDRAWN
        assert micropub.posts == {}  # the copy was withdrawn

        editor.edit(page, title="Ändrad men syndikeras inte")
        assert micropub.posts == {} and micropub.creates == 1

    def test_the_page_editor_shows_it_in_a_side_panel(self, admin, editor):
        page = editor.publish_new("Panel")
        content = admin.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
        assert 'data-side-panel-toggle="syndication"' in content
        assert 'data-side-panel="syndication"' in content
