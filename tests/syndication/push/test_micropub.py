"""Push to a Micropub server (the loopback implementation of the W3C Recommendation in
tests/support/micropub.py), and the failure policy editors can act on."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cms.events.models import Event
from syndication.push import delivery as push_delivery
from syndication.push.clients.micropub import discover_endpoint
from syndication.push.models import PushDelivery, PushTarget, RecordStatus, SyndicationRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def mp_target(micropub) -> PushTarget:
    # The editor pasted the site's address; the endpoint is discovered (§5.3).
    target = PushTarget(kind="micropub", name="Mikrobloggen", endpoint=micropub.site)
    target.set_secret(micropub.token)
    target.save()
    return target


def record_of(page, target) -> SyndicationRecord:
    return SyndicationRecord.objects.get(page_id=page.pk, target=target)


class TestDiscovery:
    def test_the_endpoint_is_found_from_the_site_link_header(self, micropub):
        assert discover_endpoint(micropub.site) == micropub.endpoint

    def test_a_page_without_a_micropub_link_has_no_endpoint(self, micropub):
        assert discover_endpoint(micropub.server.url("/posts/none")) is None


class TestMicropubLifecycle:
    def test_publish_creates_an_h_entry_with_name_html_content_and_categories(
        self, editor, mp_target, micropub
    ):
        page = editor.publish_new("Matematiklyftet", intro="Om matematik")
        page = editor.edit(page, tags=["matte"])

        rec = record_of(page, mp_target)
        assert rec.status == RecordStatus.PUBLISHED, rec.last_error
        assert list(micropub.posts) == [rec.remote_url]
        properties = micropub.posts[rec.remote_url]["properties"]
        assert properties["name"] == ["Matematiklyftet"]
        assert "Om matematik" in properties["content"][0]["html"]
        assert properties["category"] == ["matte"]
        assert micropub.creates == 1  # the edit replaced, it did not create
        mp_target.refresh_from_db()
        assert mp_target.discovered_endpoint == micropub.endpoint
        assert mp_target.media_endpoint == micropub.media_endpoint

    def test_the_api_lists_where_the_page_was_published(self, editor, mp_target, client):
        from wagtail.models import Site

        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"root_page": editor.index.get_parent(), "hostname": "localhost"},
        )
        page = editor.publish_new("Syns i API:t")
        rec = record_of(page, mp_target)
        data = client.get(f"/api/v2/pages/{page.pk}/?fields=syndicated_to").json()
        assert data["syndicated_to"] == [{"target": "Mikrobloggen", "url": rec.remote_url}]

        editor.unpublish(page)
        editor.edit(page)  # published again: the same post, listed once
        data = client.get(f"/api/v2/pages/{page.pk}/?fields=syndicated_to").json()
        assert data["syndicated_to"] == [
            {"target": "Mikrobloggen", "url": record_of(page, mp_target).remote_url}
        ]

    def test_unpublish_deletes_the_entry(self, editor, mp_target, micropub):
        page = editor.publish_new("Tas bort")
        url = record_of(page, mp_target).remote_url
        editor.unpublish(page)
        assert url not in micropub.posts and url in micropub.deleted
        assert record_of(page, mp_target).status == RecordStatus.WITHDRAWN

    def test_the_bearer_token_is_sent_and_never_stored_in_clear(self, editor, mp_target, micropub):
        editor.publish_new("Hemligt")
        sent = [r["headers"].get("Authorization") for r in micropub.server.requests]
        assert f"Bearer {micropub.token}" in sent
        stored = PushTarget.objects.values_list("credentials_encrypted", flat=True).get()
        assert micropub.token not in stored and stored
        assert micropub.token not in repr(mp_target)


class TestFailures:
    def test_refused_credentials_stop_after_three_attempts_and_tell_the_admins(
        self, editor, mp_target, micropub, settings
    ):
        settings.KANAL_PUSH_RETRY_BASE_SECONDS = 0
        settings.ADMINS = [("Admin", "admin@example.org")]
        mp_target.set_secret("wrong-token")
        mp_target.save()
        page = editor.publish_new("Nekad")
        delivery = PushDelivery.objects.get(page_id=page.pk)
        assert delivery.last_status_code == 403
        assert push_delivery.attempt(delivery.pk) == "pending"
        assert push_delivery.attempt(delivery.pk) == "failed"
        assert push_delivery.attempt(delivery.pk) is None  # stopped: nothing more is tried

        mp_target.refresh_from_db()
        assert mp_target.healthy is False
        assert "forbidden" in mp_target.last_error or "not valid" in mp_target.last_error
        assert len(mail.outbox) == 1 and mp_target.name in mail.outbox[0].subject
        assert Event.objects.filter(type="syndication.failed").count() == 1

    def test_429_waits_for_retry_after(self, editor, mp_target, micropub):
        micropub.fail_next.append((429, {"Retry-After": "120"}, b""))
        before = timezone.now()
        page = editor.publish_new("Strypt")
        delivery = PushDelivery.objects.get(page_id=page.pk)
        assert delivery.status == "pending" and delivery.last_status_code == 429
        wait = delivery.next_attempt_at - before
        assert timedelta(seconds=119) <= wait <= timedelta(seconds=125)

    def test_503_with_an_http_date_waits_until_then(self, editor, mp_target, micropub):
        when = timezone.now().replace(microsecond=0) + timedelta(minutes=10)
        micropub.fail_next.append(
            (503, {"Retry-After": when.strftime("%a, %d %b %Y %H:%M:%S GMT")}, b"")
        )
        page = editor.publish_new("Underhåll")
        delivery = PushDelivery.objects.get(page_id=page.pk)
        assert abs(delivery.next_attempt_at - when) < timedelta(seconds=2)

    def test_a_refused_category_marks_the_record_failed_with_the_remote_message(
        self, editor, mp_target, micropub
    ):
        page = editor.publish_new("Otillåten kategori")
        editor.edit(page, tags=["forbidden-tag"])

        rec = record_of(page, mp_target)
        assert rec.status == RecordStatus.FAILED
        assert "Category 'forbidden-tag' is not allowed." in rec.last_error
        failed = PushDelivery.objects.filter(page_id=page.pk, status="failed").get()
        assert failed.attempts == 1  # a content error is not retried
        event = Event.objects.get(type="syndication.failed")
        assert "forbidden-tag" in event.data["error"]
        mp_target.refresh_from_db()
        assert mp_target.healthy  # the target works; it refused one post


class TestServerConformance:
    """The loopback server itself answers as the Recommendation says (so tests against it
    mean something): form-encoded create, q=source, 401 without a token."""

    def test_form_encoded_create_and_source_query(self, micropub):
        from syndication import http

        response = http.request(
            "POST",
            micropub.endpoint,
            headers={
                "Authorization": f"Bearer {micropub.token}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            data="h=entry&content=Hej&category[]=a&category[]=b",
        )
        assert response.status == 201
        location = response.headers["Location"]
        source = http.request(
            "GET",
            f"{micropub.endpoint}?q=source&url={location}",
            headers={"Authorization": f"Bearer {micropub.token}"},
        )
        assert json.loads(source.body)["properties"]["category"] == ["a", "b"]

    def test_no_token_is_401(self, micropub):
        from syndication import http

        assert http.request("GET", f"{micropub.endpoint}?q=config").status == 401
