"""The WebSub publisher (W3C Recommendation): hub and self links in every feed, a publish pings
the hub for exactly the feeds it changed, bursts are deduplicated, failures back off — and
Kanal subscribed to its own feed through a loopback hub receives its own publish."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs
from xml.etree import ElementTree

import pytest
import time_machine
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from cms.demo.seeder import publish
from cms.events import Event
from cms.models import ArticlePage
from syndication.feeds import websub
from syndication.feeds.models import WebSubPing
from tests.support.loopback import LoopbackServer
from tests.support.websub_hub import LoopbackHub

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def hub(settings):
    with LoopbackHub() as server:
        settings.KANAL_WEBSUB_HUBS = [server.url("/hub")]
        settings.KANAL_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
        settings.KANAL_WEBSUB_PING_INTERVAL = 60
        yield server


def expected_topics(page) -> set[str]:
    topics = set()
    for fmt in ("rss", "atom", "json"):
        topics |= {f"{BASE}/feeds/{fmt}/", f"{BASE}/feeds/articles/{fmt}/"}
        topics |= {f"{BASE}/feeds/themes/{t.slug}/{fmt}/" for t in page.themes.all()}
        topics |= {iri_to_uri(f"{BASE}/feeds/tags/{t.slug}/{fmt}/") for t in page.tags.all()}
    return topics


def pings(hub) -> list[str]:
    return [
        parse_qs(r["body"].decode())["hub.url"][0] for r in hub.requests if r["method"] == "POST"
    ]


class TestDiscovery:
    def test_rss_and_atom_declare_hub_and_self(self, get, site, hub):
        rss = ElementTree.fromstring(get("/feeds/articles/rss/").content).find("channel")
        assert rss.find(f"{ATOM}link[@rel='hub']").get("href") == hub.url("/hub")
        assert rss.find(f"{ATOM}link[@rel='self']").get("href") == f"{BASE}/feeds/articles/rss/"
        atom = ElementTree.fromstring(get("/feeds/articles/atom/").content)
        assert atom.find(f"{ATOM}link[@rel='hub']").get("href") == hub.url("/hub")
        assert atom.find(f"{ATOM}link[@rel='self']").get("href") == f"{BASE}/feeds/articles/atom/"
        response = get("/feeds/articles/atom/")
        assert f'<{hub.url("/hub")}>; rel="hub"' in response["Link"]

    def test_json_feed_has_hubs(self, get, site, hub):
        document = json.loads(get("/feeds/json/").content)
        assert document["hubs"] == [{"type": "WebSub", "url": hub.url("/hub")}]

    def test_no_hub_configured_no_hub_link(self, get, site, settings):
        settings.KANAL_WEBSUB_HUBS = []
        rss = ElementTree.fromstring(get("/feeds/rss/").content).find("channel")
        assert rss.find(f"{ATOM}link[@rel='hub']") is None
        assert "hubs" not in json.loads(get("/feeds/json/").content)


class TestPublishPings:
    def article(self, site):
        return (
            ArticlePage.objects.live()
            .filter(locale=site.locale)
            .exclude(themes=None)
            .exclude(tags=None)
            .first()
        )

    def test_a_publish_pings_every_changed_feed_once(
        self, site, hub, django_capture_on_commit_callbacks
    ):
        article = self.article(site)
        with django_capture_on_commit_callbacks(execute=True):
            publish(article)
        sent = pings(hub)
        assert sorted(sent) == sorted(expected_topics(article))
        assert len(sent) > 6
        first = parse_qs(hub.requests[0]["body"].decode())
        assert first["hub.mode"] == ["publish"]
        assert hub.requests[0]["headers"]["Content-Type"] == "application/x-www-form-urlencoded"

    def test_a_burst_costs_one_ping_per_feed_per_interval(
        self, site, hub, django_capture_on_commit_callbacks
    ):
        article = self.article(site)
        with django_capture_on_commit_callbacks(execute=True):
            publish(article)
        first_round = len(pings(hub))
        for number in range(5):
            article.title = f"Ny rubrik {number}"
            with django_capture_on_commit_callbacks(execute=True):
                publish(article)
        assert len(pings(hub)) == first_round  # all deferred to the end of the interval
        pending = WebSubPing.objects.pending()
        assert pending.count() == first_round
        with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
            assert websub.send_due() == first_round
        assert len(pings(hub)) == 2 * first_round
        assert sorted(pings(hub)[first_round:]) == sorted(expected_topics(article))
        assert not WebSubPing.objects.pending().exists()

    def test_a_failing_hub_is_retried_with_backoff(
        self, site, settings, django_capture_on_commit_callbacks
    ):
        with LoopbackServer(lambda request: (503, {}, b"busy")) as broken:
            settings.KANAL_WEBSUB_HUBS = [broken.url("/hub")]
            settings.KANAL_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
            article = self.article(site)
            with django_capture_on_commit_callbacks(execute=True):
                publish(article)
            rows = list(WebSubPing.objects.all())
            assert rows and all(r.attempts == 1 and "503" in r.last_error for r in rows)
            assert all(r.due_at > timezone.now() + timedelta(seconds=20) for r in rows)
            assert websub.send_due() == 0  # nothing due yet: backing off
            attempts_so_far = len(broken.requests)
            with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
                websub.send_due()
            assert len(broken.requests) == 2 * attempts_so_far
            assert {r.attempts for r in WebSubPing.objects.all()} == {2}

    def test_a_page_of_another_type_does_not_ping_the_article_feeds(
        self, site, hub, django_capture_on_commit_callbacks
    ):
        from cms.models import VideoPage

        video = VideoPage.objects.live().filter(locale=site.locale).first()
        with django_capture_on_commit_callbacks(execute=True):
            publish(video)
        sent = pings(hub)
        assert f"{BASE}/feeds/videos/rss/" in sent
        assert not any("/feeds/articles/" in topic for topic in sent)


def test_the_relay_wakes_due_pings(site, hub, django_capture_on_commit_callbacks):
    """A ping left due (a lost task, a retry whose time has come) is sent by the relay's pass."""
    from syndication.relay import Relay

    article = ArticlePage.objects.live().filter(locale=site.locale).first()
    event = Event.objects.for_object("page", article.pk).order_by("sequence").last()
    topics = websub.topics_for_event(event)
    assert topics
    websub.request_pings(topics)  # recorded, never sent: as if the task had been lost
    assert pings(hub) == []
    report = Relay().run_once()
    assert report.websub == 1
    assert sorted(pings(hub)) == sorted(topics)
    assert not WebSubPing.objects.pending().exists()
