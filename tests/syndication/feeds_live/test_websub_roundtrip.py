"""Kanal subscribed to its own feed receives its own publish: Kanal's WebSub subscriber
(``syndication.pull.websub``) follows Kanal's Atom feed on a live server, discovers the hub
from the feed's ``rel="hub"``, is verified by a loopback hub that follows the Recommendation,
and a publish reaches it as a signed content distribution.

In its own package: it needs a live server and committed data (``transaction=True``), which
must not run inside the feed tests' package-wide seeded transaction."""

from __future__ import annotations

from wagtail.models import Page

from syndication.pull import tasks as pull_tasks
from syndication.pull import websub as subscriber
from tests.cms.api.helpers import add_article
from tests.support.websub_hub import LoopbackHub


def test_kanal_receives_its_own_publish_through_the_hub(
    live_db, live_server, settings, monkeypatch
):
    from cms.models import ArticleIndexPage, HomePage
    from syndication.models import Source

    with LoopbackHub() as hub:
        settings.KANAL_BASE_URL = settings.KANAL_FRONTEND_URL = live_server.url
        settings.KANAL_WEBSUB_HUBS = [hub.url("/hub")]
        settings.KANAL_WEBSUB_ENABLED = True
        settings.KANAL_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
        home = Page.get_first_root_node().add_child(
            instance=HomePage(title="Kanal", slug="kanal-ws")
        )
        articles = home.add_child(instance=ArticleIndexPage(title="Artiklar", slug="artiklar"))
        imports = home.add_child(instance=ArticleIndexPage(title="Import", slug="import"))
        add_article(articles, "Första artikeln")
        topic = f"{live_server.url}/feeds/articles/atom/"
        source = Source.objects.create(
            name="Kanal själv", url=topic, feed_url=topic, index_page=imports
        )

        pull_tasks.poll(source)  # discovers the hub in our own feed and subscribes
        source.refresh_from_db()
        assert (source.hub_url, source.topic_url) == (hub.url("/hub"), topic)
        assert source.websub_state == subscriber.PENDING
        hub.verify()  # §5.3: the hub GETs our callback, we echo the challenge
        source.refresh_from_db()
        assert source.websub_state == subscriber.VERIFIED
        assert [s.topic for s in hub.subscriptions] == [topic]

        received = []
        original = subscriber.receive

        def spy(source, body, content_type, signature):
            received.append((body, subscriber.signature_ok(source, body, signature)))
            return original(source, body, content_type, signature)

        monkeypatch.setattr(subscriber, "receive", spy)
        add_article(articles, "Nyhet från Kanal")  # publish: the hub is pinged on commit
        assert topic in hub.published
        hub.distribute()  # §7: the hub fetches the topic and POSTs it to the subscriber

        assert hub.distributed and all(status == 202 for _, status in hub.distributed)
        assert len(received) == 1
        body, signed_correctly = received[0]
        assert signed_correctly
        assert "Nyhet från Kanal".encode() in body
