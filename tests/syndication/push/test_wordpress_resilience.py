"""Push to the real WordPress when the network and the order of events misbehave:
lost responses, bursts of edits delivered out of order, and our own posts pulled back."""

from __future__ import annotations

import os
import random
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import transaction

from cms.events.models import Event
from syndication.dispatch import dispatch_event
from syndication.models import ImportedItem, Source
from syndication.pull.pipeline import poll_source
from syndication.push import delivery as push_delivery
from syndication.push.models import PushDelivery, PushTarget, RecordStatus, SyndicationRecord
from tests.support.loopback import LoopbackServer

pytestmark = [pytest.mark.wordpress, pytest.mark.slow]

LOST_RESPONSE_TRIES = int(os.environ.get("KANAL_PUSH_LOST_RESPONSE_TRIES", "100"))


class LosingProxy:
    """Forwards every request to WordPress; for a post *create* it lets WordPress commit the
    post, then drops the response (closes the connection without a status line)."""

    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.drop_creates = True
        self.creates_forwarded = 0
        self.server = LoopbackServer(self._handle)

    def _handle(self, request):
        route = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query).get(
            "rest_route", [""]
        )[0]
        is_create = request.command == "POST" and route == "/wp/v2/posts"
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in ("host", "content-length", "connection", "accept-encoding")
        }
        forward = urllib.request.Request(
            self.upstream + request.path,
            method=request.command,
            data=request.body if request.command in ("POST", "PUT") else None,
            headers=headers,
        )
        try:
            with urllib.request.urlopen(forward, timeout=60) as response:
                status, body, rheaders = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, rheaders = error.code, error.read(), error.headers
        if is_create:
            self.creates_forwarded += 1
            if self.drop_creates:
                request.close_connection = True
                return None  # WordPress committed the post; the caller never hears of it
        keep = {"Content-Type": rheaders.get("Content-Type", "application/json")}
        if rheaders.get("Location"):
            keep["Location"] = rheaders["Location"]
        return status, keep, body


@pytest.fixture
def losing_proxy(wordpress):
    proxy = LosingProxy(wordpress.url)
    with proxy.server:
        yield proxy


@pytest.fixture
def proxied_target(losing_proxy, wordpress, allow_loopback, db, settings) -> PushTarget:
    settings.KANAL_PUSH_RETRY_BASE_SECONDS = 0
    target = PushTarget(
        kind="wordpress",
        name="Blogg bakom en opålitlig proxy",
        endpoint=losing_proxy.server.url("/").rstrip("/"),
        username=wordpress.user,
    )
    target.set_secret(wordpress.app_password)
    target.save()
    return target


@pytest.mark.django_db
class TestLostCreateResponse:
    def test_a_create_whose_response_was_lost_never_makes_a_second_post(
        self, editor, proxied_target, losing_proxy, wordpress
    ):
        """N pages; each create's response is dropped after WordPress committed the post; the
        retry finds the post by its intent (slug) and adopts it: 0 duplicates."""
        duplicates = []
        for n in range(LOST_RESPONSE_TRIES):
            before = losing_proxy.creates_forwarded
            page = editor.publish_new(f"Förlorat svar {n}")
            rec = SyndicationRecord.objects.get(page_id=page.pk, target=proxied_target)
            # Premise: the create reached WordPress and its answer was lost.
            assert losing_proxy.creates_forwarded == before + 1
            assert rec.status == RecordStatus.CREATING and not rec.remote_id
            delivery = PushDelivery.objects.get(page_id=page.pk, target=proxied_target)
            assert delivery.status == "pending" and "ConnectionFailed" in delivery.last_error

            assert push_delivery.attempt(delivery.pk) == "delivered"
            rec.refresh_from_db()
            assert rec.status == RecordStatus.PUBLISHED
            posts = wordpress.posts(rec.intent_key)
            if len(posts) != 1:
                duplicates.append((n, len(posts)))
            assert str(posts[0]["id"]) == rec.remote_id
        assert losing_proxy.creates_forwarded == LOST_RESPONSE_TRIES  # no second create
        assert duplicates == []


@pytest.mark.django_db
class TestBurstOfEdits:
    def test_fifty_edits_delivered_in_random_order_end_as_the_last_revision(
        self, editor, wp_target, wordpress, django_capture_on_commit_callbacks
    ):
        page = editor.publish_new("Version 0")
        rec = SyndicationRecord.objects.get(page_id=page.pk, target=wp_target)
        assert rec.status == RecordStatus.PUBLISHED

        # 50 publishes whose wake-ups are lost (no after-commit hooks run) ...
        from cms.models import ArticlePage

        for n in range(1, 51):
            edited = ArticlePage.objects.get(pk=page.pk)
            edited.title = f"Version {n}"
            with transaction.atomic():
                edited.save_revision().publish()
        events = list(
            Event.objects.filter(object_id=page.pk, type="page.published", dispatched_at=None)
        )
        assert len(events) == 50
        # ... then dispatched and attempted in a random order (as retries and several workers
        # would), with no task queue in between.
        rng = random.Random(10)
        rng.shuffle(events)
        for event in events:
            with django_capture_on_commit_callbacks(execute=False):
                dispatch_event(event.pk)
        deliveries = list(
            PushDelivery.objects.filter(page_id=page.pk, target=wp_target, status="pending")
        )
        assert len(deliveries) == 50
        rng.shuffle(deliveries)
        for d in deliveries:
            push_delivery.attempt(d.pk)

        assert not PushDelivery.objects.filter(page_id=page.pk, status="pending").exists()
        rec.refresh_from_db()
        last = ArticlePage.objects.get(pk=page.pk)
        assert rec.last_revision == last.live_revision_id
        posts = wordpress.posts(rec.intent_key)
        assert [(p["title"]["raw"], p["status"]) for p in posts] == [("Version 50", "publish")]


@pytest.mark.django_db
class TestEchoSuppression:
    def test_pulling_the_blog_after_pushing_imports_none_of_our_posts(
        self, editor, wp_target, wordpress, article_index
    ):
        ours = [editor.publish_new(f"Eko {n}") for n in range(2)]
        urls = {
            SyndicationRecord.objects.get(page_id=p.pk, target=wp_target).remote_url for p in ours
        }
        # Control: a post written on the blog itself, which must be imported.
        theirs = wordpress.api(
            "/wp/v2/posts",
            method="POST",
            body={"title": "Bloggens egen post", "content": "<p>Hej</p>", "status": "publish"},
        )
        try:
            feed = wordpress.rss().decode()
            assert all(url in feed for url in urls)  # premise: the feed lists our posts
            source = Source.objects.create(
                name="Partnerbloggen",
                url=wordpress.url,
                feed_url=f"{wordpress.url}/?feed=rss2",
                index_page=article_index,
            )
            report = poll_source(source)

            imported = set(ImportedItem.objects.filter(source=source).values_list("url", flat=True))
            assert imported.isdisjoint(urls)
            assert theirs["link"] in imported
            echoes = [s for s in report.skipped if "echo" in str(s)]
            assert len(echoes) >= len(urls)
        finally:
            wordpress.api(f"/wp/v2/posts/{theirs['id']}", method="DELETE", force="true")
