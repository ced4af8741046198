"""WebSub subscriber (W3C WebSub): discovery, subscription, verification of intent,
signed content distribution, lease renewal, polling kept as the fallback."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.models import ArticlePage
from syndication.models import Source
from syndication.pull import tasks, websub
from syndication.pull.pipeline import poll_source
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.django_db

TOPIC = "https://blogg.example.org/feed.xml"


def feed(hub: str, *titles: str) -> bytes:
    entries = "".join(
        f"<entry><id>urn:{t}</id><title>{t}</title><link href='https://blogg.example.org/{t}'/>"
        f"<updated>2026-11-20T10:00:00Z</updated><content type='html'>&lt;p&gt;{t}&lt;/p&gt;"
        "</content></entry>"
        for t in titles
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>Blogg</title><link rel="hub" href="{hub}"/><link rel="self" href="{TOPIC}"/>'
        f"{entries}</feed>"
    ).encode()


def sign(secret: str, body: bytes, method: str = "sha256") -> str:
    return f"{method}={hmac.new(secret.encode(), body, getattr(hashlib, method)).hexdigest()}"


@pytest.fixture
def hub(settings):
    settings.KANAL_WEBSUB_ENABLED = True
    with LoopbackServer(lambda request: (202, {}, b"")) as server:
        yield server


@pytest.fixture
def subscribed(hub, feed_server, make_source, django_capture_on_commit_callbacks):
    feed_server.serve("/feed.xml", feed(hub.url("/hub"), "forsta"))
    source = make_source(feed_server.url("/feed.xml"))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.poll(source)
    source.refresh_from_db()
    return source


def callback(source: Source) -> str:
    """The callback URL Kanal sent the hub (with the request's token)."""
    source.refresh_from_db()
    return reverse("syndication_websub_callback", args=[source.pk, source.websub_callback_token])


class TestSubscription:
    def test_a_declared_hub_is_subscribed_to(self, subscribed, hub):
        assert (subscribed.hub_url, subscribed.topic_url) == (hub.url("/hub"), TOPIC)
        assert subscribed.websub_state == websub.PENDING
        sent = parse_qs(hub.requests[0]["body"].decode())
        assert sent["hub.mode"] == ["subscribe"]
        assert sent["hub.topic"] == [TOPIC]
        assert sent["hub.secret"] == [subscribed.websub_secret]
        assert sent["hub.callback"][0].endswith(callback(subscribed))
        assert hub.requests[0]["headers"]["Content-Type"] == "application/x-www-form-urlencoded"

    def test_no_resubscription_while_pending(
        self, subscribed, hub, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.poll(subscribed)
        assert len(hub.requests) == 1

    def test_the_poll_itself_only_reports_the_hub(
        self, hub, feed_server, make_source, django_capture_on_commit_callbacks
    ):
        feed_server.serve("/feed.xml", feed(hub.url("/hub"), "forsta"))
        source = make_source(feed_server.url("/feed.xml"))
        with django_capture_on_commit_callbacks(execute=True):
            report = poll_source(source)
        assert (report.hubs, report.topic) == ([hub.url("/hub")], TOPIC)
        assert hub.requests == []
        source.refresh_from_db()
        assert (source.hub_url, source.websub_state) == ("", "")


class TestVerificationOfIntent:
    def test_challenge_is_echoed_for_our_subscription(self, client, subscribed):
        response = client.get(
            callback(subscribed),
            {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.challenge": "c-123",
             "hub.lease_seconds": "86400"},
        )  # fmt: skip
        assert (response.status_code, response.content) == (200, b"c-123")
        subscribed.refresh_from_db()
        assert subscribed.websub_state == websub.VERIFIED
        expected = timezone.now() + timedelta(seconds=86400)
        assert abs((subscribed.websub_lease_expires_at - expected).total_seconds()) < 60

    @pytest.mark.parametrize(
        "params",
        [
            {
                "hub.mode": "subscribe",
                "hub.topic": "https://evil.example.net/",
                "hub.challenge": "x",
            },
            {"hub.mode": "subscribe", "hub.topic": TOPIC},
            {"hub.mode": "unsubscribe", "hub.topic": TOPIC, "hub.challenge": "x"},
        ],
        ids=["wrong-topic", "no-challenge", "unsubscribe-we-did-not-ask-for"],
    )
    def test_anything_we_did_not_ask_for_is_refused(self, client, subscribed, params):
        response = client.get(callback(subscribed), params)
        assert response.status_code == 404
        assert b"x" not in response.content

    def test_denial_is_recorded(self, client, subscribed):
        client.get(callback(subscribed), {"hub.mode": "denied", "hub.topic": TOPIC})
        subscribed.refresh_from_db()
        assert subscribed.websub_state == websub.DENIED


class TestContentDistribution:
    def test_signed_notification_is_imported(self, client, subscribed, hub):
        body = feed(hub.url("/hub"), "forsta", "andra")
        response = client.post(
            callback(subscribed), body, content_type="application/atom+xml",
            HTTP_X_HUB_SIGNATURE=sign(subscribed.websub_secret, body),
        )  # fmt: skip
        assert response.status_code == 202
        assert ArticlePage.objects.filter(title="andra").exists()

    @pytest.mark.parametrize("method", ["sha1", "sha384", "sha512"])
    def test_other_digests_are_accepted(self, client, subscribed, hub, method):
        body = feed(hub.url("/hub"), "tredje")
        client.post(
            callback(subscribed), body, content_type="application/atom+xml",
            HTTP_X_HUB_SIGNATURE=sign(subscribed.websub_secret, body, method),
        )  # fmt: skip
        assert ArticlePage.objects.filter(title="tredje").exists()

    @pytest.mark.parametrize(
        "signature", [None, "sha256=00", "md5=abc", "sha256"], ids=["none", "wrong", "md5", "bare"]
    )
    def test_unsigned_or_badly_signed_notifications_are_ignored(
        self, client, subscribed, hub, signature
    ):
        body = feed(hub.url("/hub"), "forfalskad")
        headers = {"HTTP_X_HUB_SIGNATURE": signature} if signature else {}
        response = client.post(
            callback(subscribed), body, content_type="application/atom+xml", **headers
        )
        assert response.status_code == 202  # WebSub §8: acknowledge, but ignore
        assert not ArticlePage.objects.filter(title="forfalskad").exists()

    def test_signature_over_a_different_body_fails(self, subscribed, hub):
        body = feed(hub.url("/hub"), "a")
        assert not websub.signature_ok(
            subscribed, body + b" ", sign(subscribed.websub_secret, body)
        )
        assert websub.signature_ok(subscribed, body, sign(subscribed.websub_secret, body))


class TestLeasesAndFallback:
    def test_leases_ending_within_a_day_are_renewed(self, subscribed, hub):
        Source.objects.filter(pk=subscribed.pk).update(
            websub_state=websub.VERIFIED,
            websub_lease_expires_at=timezone.now() + timedelta(hours=12),
        )
        assert tasks.renew_websub_leases() == 1
        assert len(hub.requests) == 2
        assert parse_qs(hub.requests[1]["body"].decode())["hub.mode"] == ["subscribe"]

    def test_leases_far_from_their_end_are_left_alone(self, subscribed, hub):
        Source.objects.filter(pk=subscribed.pk).update(
            websub_state=websub.VERIFIED,
            websub_lease_expires_at=timezone.now() + timedelta(days=5),
        )
        assert tasks.renew_websub_leases() == 0

    def test_polling_continues_as_fallback(self, subscribed):
        Source.objects.filter(pk=subscribed.pk).update(
            websub_state=websub.VERIFIED, next_poll_at=timezone.now() - timedelta(minutes=1)
        )
        assert Source.objects.due().filter(pk=subscribed.pk).exists()
        assert tasks.enqueue_due_polls() >= 1
