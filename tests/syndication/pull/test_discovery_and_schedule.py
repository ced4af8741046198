"""What editors paste -> feed URLs; when sources are polled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from syndication.models import Source
from syndication.pull import schedule, tasks
from syndication.pull.discovery import DiscoveryError, alternate_links, discover, resolve_offline

YT = "https://www.youtube.com/feeds/videos.xml"


class TestOfflineResolution:
    @pytest.mark.parametrize(
        ("pasted", "kind", "feed_url"),
        [
            ("UCabcdefghijklmnopqrstuv", "youtube", f"{YT}?channel_id=UCabcdefghijklmnopqrstuv"),
            ("https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv/videos", "youtube",
             f"{YT}?channel_id=UCabcdefghijklmnopqrstuv"),
            ("https://youtube.com/playlist?list=PL123abc", "youtube", f"{YT}?playlist_id=PL123abc"),
            (f"{YT}?channel_id=UCabcdefghijklmnopqrstuv", "youtube",
             f"{YT}?channel_id=UCabcdefghijklmnopqrstuv"),
            ("https://vimeo.com/skolfilm", "vimeo", "https://vimeo.com/skolfilm/videos/rss"),
            ("https://vimeo.com/channels/larande", "vimeo",
             "https://vimeo.com/channels/larande/videos/rss"),
            ("https://video.skola.example.org/c/fortbildning/videos", "peertube",
             "https://video.skola.example.org/feeds/videos.xml?videoChannelName=fortbildning"),
            ("https://video.skola.example.org/video-channels/fortbildning", "peertube",
             "https://video.skola.example.org/feeds/videos.xml?videoChannelName=fortbildning"),
            ("https://video.skola.example.org/a/anna", "peertube",
             "https://video.skola.example.org/feeds/videos.xml?accountName=anna"),
            ("https://skolbloggen.wordpress.com/", "wordpress",
             "https://skolbloggen.wordpress.com/feed/"),
            ("https://rektor.example.org/feed/", "feed", "https://rektor.example.org/feed/"),
            ("https://matte.example.org/feed.json", "feed", "https://matte.example.org/feed.json"),
        ],
    )  # fmt: skip
    def test_url_shapes(self, pasted, kind, feed_url):
        resolved = resolve_offline(pasted)
        assert (resolved.kind, resolved.feed_url) == (kind, feed_url)

    @pytest.mark.parametrize(
        "pasted",
        [
            "https://www.youtube.com/@skolverkstan",
            "https://vimeo.com/123456789",
            "https://larlabbet.example.org/",
            "javascript:alert(1)",
            "",
        ],
    )
    def test_shapes_that_need_the_network_or_are_not_urls(self, pasted):
        assert resolve_offline(pasted) is None

    def test_alternate_links_in_document_order_resolved(self):
        html = (
            '<head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
            '<link rel="alternate" type="text/html" href="/other">'
            '<link rel="Alternate" type="application/atom+xml" href="atom.xml">'
            '<link rel="alternate" type="application/rss+xml" href="javascript:x"></head>'
        )
        assert alternate_links(html, "https://b.example.org/blog/") == [
            "https://b.example.org/feed.xml",
            "https://b.example.org/blog/atom.xml",
        ]


@pytest.mark.django_db
class TestNetworkDiscovery:
    def test_feed_url_pasted_directly(self, feed_server):
        assert discover(feed_server.url("/atom10_conference.xml")).kind == "feed"

    def test_wordpress_feed_probe(self, feed_server):
        from .conftest import corpus

        feed_server.serve("/", b"<html><head></head></html>", content_type="text/html")
        feed_server.serve("/feed/", corpus("wordpress_blog.xml"))
        resolved = discover(feed_server.url("/"))
        assert (resolved.kind, resolved.feed_url) == ("wordpress", feed_server.url("/feed/"))

    def test_private_addresses_are_refused(self, settings):
        settings.KANAL_ALLOW_PRIVATE_HOSTS = []
        with pytest.raises(DiscoveryError, match="private"):
            discover("http://127.0.0.1:9/blog")


@pytest.mark.django_db
class TestSchedule:
    def test_success_delay_is_the_interval_plus_up_to_ten_percent(self, make_source):
        source = make_source(poll_interval=30)
        delays = [schedule.success_delay(source).total_seconds() for _ in range(200)]
        assert min(delays) >= 1800 and max(delays) <= 1980
        assert len(set(delays)) > 100  # jitter

    def test_failure_delay_respects_retry_after_and_the_cap(self, make_source):
        source = make_source(poll_interval=30)
        assert schedule.failure_delay(source, 1) >= timedelta(minutes=60)
        assert schedule.failure_delay(source, 30) == timedelta(hours=24)
        assert schedule.failure_delay(source, 1, timedelta(hours=5)) >= timedelta(hours=5)

    def test_enqueue_due_polls_claims_due_active_sources_once(
        self, feed_server, make_source, django_capture_on_commit_callbacks
    ):
        now = timezone.now()
        due = make_source(feed_server.url("/rss_no_guids.xml"), name="due")
        later = make_source(feed_server.url("/jsonfeed11.json"), name="later")
        inactive = make_source(feed_server.url("/jsonfeed10.json"), name="inactive", active=False)
        Source.objects.filter(pk__in=[due.pk, inactive.pk]).update(
            next_poll_at=now - timedelta(minutes=1)
        )
        Source.objects.filter(pk=later.pk).update(next_poll_at=now + timedelta(minutes=10))
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.enqueue_due_polls() == 1
        for source in (due, later, inactive):
            source.refresh_from_db()
        assert (due.last_outcome, later.last_outcome, inactive.last_outcome) == ("imported", "", "")
        assert due.next_poll_at > now + timedelta(minutes=29)
        assert tasks.enqueue_due_polls() == 0


class TestUnhealthyNotice:
    def test_administrators_are_emailed_once_when_a_source_turns_unhealthy(
        self, make_source, mailoutbox, admin_user, django_capture_on_commit_callbacks, settings
    ):
        from syndication.pull.models import UNHEALTHY_AFTER
        from syndication.pull.schedule import record_failure

        settings.KANAL_ADMIN_EMAILS = ["drift@example.org"]
        source = make_source(name="Skolbloggen")
        for n in range(UNHEALTHY_AFTER + 2):
            with django_capture_on_commit_callbacks(execute=True):
                record_failure(source, f"HTTP 500 ({n})")
            assert len(mailoutbox) == (0 if n + 1 < UNHEALTHY_AFTER else 1)
        [mail] = mailoutbox
        assert sorted(mail.to) == sorted([admin_user.email, "drift@example.org"])
        assert "Skolbloggen" in mail.subject
        assert f"HTTP 500 ({UNHEALTHY_AFTER - 1})" in mail.body
