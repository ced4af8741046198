"""The push machinery on its own: fan-out filters, echo suppression, stale pushes, relay
recovery of a killed attempt, credentials at rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from syndication.push import credentials
from syndication.push import delivery as push_delivery
from syndication.push.models import PushDelivery, PushTarget, RecordStatus, SyndicationRecord
from syndication.relay import claim_due_push_deliveries

pytestmark = pytest.mark.django_db


@pytest.fixture
def mp_target(micropub) -> PushTarget:
    target = PushTarget(kind="micropub", name="Mikrobloggen", endpoint=micropub.site)
    target.set_secret(micropub.token)
    target.save()
    return target


class TestFanOut:
    def test_a_tag_filter_lets_only_matching_pages_through(self, editor, mp_target, micropub):
        mp_target.tags = ["skolutveckling"]
        mp_target.save()
        other = editor.publish_new("Annat ämne")
        assert not PushDelivery.objects.filter(page_id=other.pk).exists()
        matching = editor.publish_new("Rätt ämne")
        editor.edit(matching, tags=["Skolutveckling"])
        assert SyndicationRecord.objects.get(page_id=matching.pk).status == "published"
        assert len(micropub.posts) == 1

    def test_a_page_type_filter(self, editor, mp_target):
        mp_target.page_types = ["cms.VideoPage"]
        mp_target.save()
        page = editor.publish_new("Artikel")
        assert not PushDelivery.objects.filter(page_id=page.pk).exists()

    def test_an_inactive_target_gets_nothing(self, editor, mp_target):
        mp_target.active = False
        mp_target.save()
        page = editor.publish_new("Inaktiv")
        assert not PushDelivery.objects.filter(page_id=page.pk).exists()


class TestEchoSuppression:
    def test_a_page_imported_from_the_target_site_is_never_pushed_back(
        self, editor, mp_target, micropub
    ):
        imported = editor.publish_new(
            "Importerad", origin_url=micropub.server.url("/posts/deras"), origin_source="Bloggen"
        )
        assert not PushDelivery.objects.filter(page_id=imported.pk).exists()
        # ... while a page imported from elsewhere is pushed like any other.
        elsewhere = editor.publish_new(
            "Från annat håll", origin_url="https://annan.example.org/post", origin_source="Annan"
        )
        assert SyndicationRecord.objects.get(page_id=elsewhere.pk).status == "published"

    def test_our_remote_copies_count_as_our_own_urls_for_pull(self, editor, mp_target):
        from syndication.pull.echo import is_own_url

        page = editor.publish_new("Vår kopia")
        url = SyndicationRecord.objects.get(page_id=page.pk).remote_url
        assert is_own_url(url)
        assert not is_own_url(url + "-someone-else")


class TestConvergence:
    def test_a_stale_delivery_is_dropped(self, editor, mp_target, micropub, settings):
        page = editor.publish_new("Version 1")
        editor.edit(page, title="Version 2")
        rec = SyndicationRecord.objects.get(page_id=page.pk)
        old = PushDelivery.objects.filter(page_id=page.pk).order_by("version").first()
        # Replay the older delivery (a late retry): it must not overwrite the newer post.
        PushDelivery.objects.filter(pk=old.pk).update(
            status="pending", next_attempt_at=timezone.now()
        )
        assert push_delivery.attempt(old.pk) == "skipped"
        assert micropub.posts[rec.remote_url]["properties"]["name"] == ["Version 2"]


class TestPrivacy:
    def test_a_page_that_becomes_restricted_is_withdrawn_not_pushed(
        self, editor, mp_target, micropub
    ):
        from wagtail.models import PageViewRestriction

        page = editor.publish_new("Blir privat")
        assert len(micropub.posts) == 1
        PageViewRestriction.objects.create(page=page, restriction_type="login")
        editor.edit(page, title="Privat text")
        assert micropub.posts == {}
        assert SyndicationRecord.objects.get(page_id=page.pk).status == RecordStatus.WITHDRAWN
        assert all("Privat text" not in str(r["body"]) for r in micropub.server.requests)


class TestRelayRecovery:
    def test_an_attempt_whose_worker_died_is_retried_after_its_lease(
        self, editor, mp_target, micropub, django_capture_on_commit_callbacks
    ):
        from cms.events.models import Event
        from syndication.dispatch import dispatch_event

        page = editor.publish_new("Dödad arbetare", run_hooks=False)
        event = Event.objects.get(object_id=page.pk, type="page.published")
        with django_capture_on_commit_callbacks(execute=False):
            dispatch_event(event.pk)
        delivery = PushDelivery.objects.get(page_id=page.pk)
        # A worker claims the delivery and dies before sending (no verdict is recorded).
        assert push_delivery.claim(delivery.pk) is not None
        now = timezone.now()
        assert claim_due_push_deliveries(now + timedelta(seconds=1)) == []  # leased
        later = now + push_delivery.lease_duration() + timedelta(seconds=1)
        assert claim_due_push_deliveries(later) == [delivery.pk]
        assert push_delivery.attempt(delivery.pk) is None  # the dead worker's lease still holds
        PushDelivery.objects.filter(pk=delivery.pk).update(lease_until=now, next_attempt_at=now)
        assert push_delivery.attempt(delivery.pk) == "delivered"
        assert len(micropub.posts) == 1
        assert PushDelivery.objects.get(pk=delivery.pk).attempts == 2


class TestCredentials:
    def test_encrypted_with_the_key_and_refused_with_another(self, settings):
        token = credentials.encrypt("hemligt")
        assert "hemligt" not in token and credentials.decrypt(token) == "hemligt"
        settings.KANAL_CREDENTIALS_KEY = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMTI="
        with pytest.raises(credentials.CredentialsError, match="cannot be decrypted"):
            credentials.decrypt(token)

    @override_settings(KANAL_CREDENTIALS_KEY="")
    def test_without_a_key_secrets_cannot_be_stored(self):
        with pytest.raises(credentials.CredentialsError, match="KANAL_CREDENTIALS_KEY is not set"):
            credentials.encrypt("x")

    def test_a_missing_environment_variable_stops_the_target_like_refused_credentials(
        self, editor, micropub, monkeypatch
    ):
        monkeypatch.delenv("KANAL_TEST_MISSING_TOKEN", raising=False)
        target = PushTarget.objects.create(
            kind="micropub",
            name="Env",
            endpoint=micropub.site,
            credentials_env="KANAL_TEST_MISSING_TOKEN",
        )
        page = editor.publish_new("Utan variabel")
        d = PushDelivery.objects.get(page_id=page.pk, target=target)
        assert "KANAL_TEST_MISSING_TOKEN is not set" in d.last_error
        assert micropub.server.requests == []
        assert SyndicationRecord.objects.get(page_id=page.pk).status != RecordStatus.PUBLISHED
