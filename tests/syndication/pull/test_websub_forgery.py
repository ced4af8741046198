"""Forged WebSub verifications are refused (issue 14, findings 4 and 5).

The callback URL carries an unguessable token per subscription, rotated on every
(re)subscription, and a verification is accepted only for the request Kanal sent and is still
waiting on (W3C WebSub §5.3: the subscriber verifies that it wants what the hub says).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from syndication.models import Source
from syndication.pull import websub
from syndication.pull.tasks import poll
from tests.support.loopback import LoopbackServer

from .test_websub import TOPIC, feed

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(settings):
    settings.KANAL_WEBSUB_ENABLED = True
    with LoopbackServer(lambda request: (202, {}, b"")) as server:
        yield server


@pytest.fixture
def subscribed(hub, feed_server, make_source, django_capture_on_commit_callbacks):
    """A source whose feed declares a hub: polling it sent one subscription request."""
    feed_server.serve("/feed.xml", feed(hub.url("/hub"), "forsta"))
    source = make_source(feed_server.url("/feed.xml"))
    with django_capture_on_commit_callbacks(execute=True):
        poll(source)  # the poll reports the hub; pull.tasks subscribes
    source.refresh_from_db()
    assert len(hub.requests) == 1  # the premise
    return source


def sent_callback(hub, n: int = 0) -> str:
    return urlsplit(parse_qs(hub.requests[n]["body"].decode())["hub.callback"][0]).path


def verify(client, path, mode="subscribe", **extra):
    params = {"hub.mode": mode, "hub.topic": TOPIC, "hub.challenge": "c-1", **extra}
    return client.get(path, params)


class TestTheCallbackIsUnguessable:
    def test_the_callback_carries_a_long_random_token(self, subscribed, hub):
        path = sent_callback(hub)
        token = path.rstrip("/").rsplit("/", 1)[-1]
        assert len(token) >= 32 and str(subscribed.pk) in path

    def test_the_id_alone_reaches_nothing(self, client, subscribed):
        response = client.get(
            f"/syndication/websub/{subscribed.pk}/", {"hub.mode": "denied", "hub.topic": TOPIC}
        )
        assert response.status_code == 404
        subscribed.refresh_from_db()
        assert subscribed.websub_state == websub.PENDING

    def test_a_wrong_token_cannot_deny(self, client, subscribed, hub):
        forged = sent_callback(hub).rstrip("/").rsplit("/", 1)[0] + "/" + "x" * 43 + "/"
        response = client.get(forged, {"hub.mode": "denied", "hub.topic": TOPIC})
        assert response.status_code == 404
        subscribed.refresh_from_db()
        assert subscribed.websub_state == websub.PENDING

    def test_a_wrong_token_cannot_verify_with_its_own_lease(self, client, subscribed, hub):
        forged = sent_callback(hub).rstrip("/").rsplit("/", 1)[0] + "/" + "y" * 43 + "/"
        response = verify(client, forged, **{"hub.lease_seconds": "999999999"})
        assert response.status_code == 404
        subscribed.refresh_from_db()
        assert subscribed.websub_state == websub.PENDING
        assert subscribed.websub_lease_expires_at is None

    def test_the_token_is_rotated_on_resubscribe(self, client, subscribed, hub):
        first = sent_callback(hub)
        websub.subscribe(Source.objects.get(pk=subscribed.pk))
        second = sent_callback(hub, 1)
        assert first != second
        assert verify(client, first).status_code == 404
        assert verify(client, second).status_code == 200


class TestOnlyWhatKanalWaitsOn:
    def test_the_real_verification_is_accepted_once(self, client, subscribed, hub):
        path = sent_callback(hub)
        assert verify(client, path, **{"hub.lease_seconds": "86400"}).content == b"c-1"
        subscribed.refresh_from_db()
        assert subscribed.websub_state == websub.VERIFIED
        lease = subscribed.websub_lease_expires_at
        # A replay (e.g. with a longer lease) is not awaited any more.
        assert verify(client, path, **{"hub.lease_seconds": "999999"}).status_code == 404
        subscribed.refresh_from_db()
        assert subscribed.websub_lease_expires_at == lease

    def test_an_unsubscription_we_did_not_ask_for_is_refused(self, client, subscribed, hub):
        assert verify(client, sent_callback(hub), mode="unsubscribe").status_code == 404

    @pytest.mark.parametrize(
        ("given", "expected_seconds"),
        [
            ("99999999999999999", websub.MAX_LEASE_SECONDS),
            ("-5", websub.LEASE_SECONDS),
            ("abc", websub.LEASE_SECONDS),
            ("1" * 5000, websub.MAX_LEASE_SECONDS),
        ],
    )
    def test_absurd_leases_are_bounded_not_a_500(
        self,
        client,
        subscribed,
        hub,
        given,
        expected_seconds,
    ):
        response = verify(client, sent_callback(hub), **{"hub.lease_seconds": given})
        assert response.status_code == 200
        subscribed.refresh_from_db()
        expected = timezone.now() + timedelta(seconds=expected_seconds)
        assert abs((subscribed.websub_lease_expires_at - expected).total_seconds()) < 120


class TestHostileCallbackInput:
    """The fuzz cases of ``tests/cms/api/test_fuzz.py`` against a real callback URL."""

    def test_no_input_answers_5xx(self, subscribed, hub):
        from django.test import Client

        from tests.cms.api.test_fuzz import HOSTILE_QUERIES

        client = Client(raise_request_exception=False)
        path = sent_callback(hub)
        failures = []
        for name, query in HOSTILE_QUERIES.items():
            for method in ("get", "post"):
                response = getattr(client, method)(f"{path}?{query}")
                if response.status_code >= 500:
                    failures.append((name, method, response.status_code))
        for body in (b"[" * 3000, b"\xff\xfe", b"<?xml version='1.0'?>" + b"<a>" * 3000):
            response = client.post(path, body, content_type="application/atom+xml")
            if response.status_code >= 500:
                failures.append(("body", len(body), response.status_code))
        assert failures == []
