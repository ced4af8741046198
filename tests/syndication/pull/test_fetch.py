"""Fetching through the safe client, as the pull pipeline does it: conditional GET,
Retry-After, backoff and health, SSRF refusals, caps and timeouts — all on loopback."""

from __future__ import annotations

import gzip
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from syndication.pull.fetch import fetch
from syndication.pull.models import UNHEALTHY_AFTER, PollOutcome
from syndication.pull.pipeline import poll_source
from tests.support.loopback import LoopbackServer

from .conftest import corpus

pytestmark = pytest.mark.django_db


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]


class TestConditionalGet:
    def test_validators_are_sent_and_304_costs_no_parsing_and_no_page_writes(
        self, feed_server, make_source
    ):
        body = corpus("rss20_school_blog.xml")

        def conditional(request):
            if request.headers.get("If-None-Match") == '"v1"':
                return 304, {"ETag": '"v1"'}, b""
            return 200, {"ETag": '"v1"', "Last-Modified": "Mon, 16 Nov 2026 08:00:00 GMT"}, body

        feed_server.routes["/c.xml"] = conditional
        source = make_source(feed_server.url("/c.xml"))
        assert poll_source(source).created == 3
        with CaptureQueriesContext(connection) as queries:
            report = poll_source(source)
        assert report.outcome == PollOutcome.NOT_MODIFIED
        sent = feed_server.requests[-1]["headers"]
        assert sent["If-None-Match"] == '"v1"'
        assert sent["If-Modified-Since"] == "Mon, 16 Nov 2026 08:00:00 GMT"
        assert sent["User-Agent"].startswith("Kanal/")
        # The poll's lease on the source, then its schedule row (which releases it): no more.
        assert len(writes(queries)) == 2

    def test_retry_after_is_honoured_on_429_and_503(self, feed_server, make_source):
        source = make_source(feed_server.url("/busy.xml"), poll_interval=1)
        feed_server.serve("/busy.xml", b"", status=503, **{"Retry-After": "7200"})
        before = timezone.now()
        report = poll_source(source)
        assert report.outcome == PollOutcome.FAILED
        source.refresh_from_db()
        assert source.next_poll_at >= before + timedelta(hours=2)
        assert "503" in source.last_error


class TestBackoffAndHealth:
    def test_failures_double_the_delay_up_to_a_day_and_mark_unhealthy(
        self, feed_server, make_source
    ):
        source = make_source(feed_server.url("/down.xml"), poll_interval=30)
        feed_server.serve("/down.xml", b"oops", status=500)
        delays = []
        for _ in range(8):
            started = timezone.now()
            poll_source(source)
            source.refresh_from_db()
            delays.append((source.next_poll_at - started).total_seconds() / 60)
        # 60, 120, 240 ... minutes (+ up to 10 % jitter), capped at 24 h
        for n, minutes in enumerate(delays[:5], start=1):
            assert 30 * 2**n <= minutes <= 30 * 2**n * 1.1 + 1
        assert max(delays) <= 24 * 60 + 1
        assert delays[-1] >= 24 * 60 - 1
        assert source.error_count == 8 and not source.is_healthy
        assert "500" in source.last_error
        assert UNHEALTHY_AFTER <= 8

    def test_a_success_resets_health(self, feed_server, make_source):
        source = make_source(feed_server.url("/flaky.xml"))
        feed_server.serve("/flaky.xml", b"", status=500)
        poll_source(source)
        feed_server.serve("/flaky.xml", corpus("rss_no_guids.xml"))
        poll_source(source)
        source.refresh_from_db()
        assert (source.error_count, source.last_error, source.last_outcome) == (0, "", "imported")

    def test_refused_documents_count_as_failures_with_the_reason(self, feed_server, make_source):
        from .hostile import BILLION_LAUGHS

        source = make_source(feed_server.url("/lol.xml"))
        feed_server.serve("/lol.xml", BILLION_LAUGHS)
        report = poll_source(source)
        assert report.outcome == PollOutcome.REFUSED
        source.refresh_from_db()
        assert source.error_count == 1 and "entit" in source.last_error


class TestSafety:
    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["localhost"])
    @pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/feed", "http://169.254.169.254/"])
    def test_redirects_to_private_addresses_are_refused_without_connecting(
        self, make_source, target
    ):
        with LoopbackServer(lambda r: (200, {}, corpus("rss_no_guids.xml"))) as victim:
            location = target.format(port=victim.port)
            with LoopbackServer(lambda r: (302, {"Location": location}, b"")) as server:
                source = make_source(server.url("/feed", host="localhost"))
                report = poll_source(source)
            assert report.outcome == PollOutcome.REFUSED
            assert victim.connections == 0

    def test_private_feed_urls_are_refused(self, settings, make_source):
        settings.KANAL_ALLOW_PRIVATE_HOSTS = []
        with LoopbackServer(lambda r: (200, {}, b"")) as server:
            report = poll_source(make_source(server.url("/feed.xml")))
            assert report.outcome == PollOutcome.REFUSED
            assert server.connections == 0

    def test_gzip_bomb_is_stopped_at_the_cap(self, feed_server, make_source):
        bomb = gzip.compress(b"<rss>" + b" " * (64 * 1024 * 1024), compresslevel=9)
        feed_server.serve("/bomb.xml", bomb, **{"Content-Encoding": "gzip"})
        source = make_source(feed_server.url("/bomb.xml"))
        report = poll_source(source)
        assert report.outcome == PollOutcome.FAILED
        assert "TooLarge" in report.error

    @override_settings(KANAL_PULL_TIMEOUTS=(1.0, 0.5, 1.5))
    def test_silent_server_is_stopped_at_the_timeout(self, feed_server, make_source):
        feed_server.routes["/silent.xml"] = lambda request: time.sleep(3)
        report = poll_source(make_source(feed_server.url("/silent.xml")))
        assert report.outcome == PollOutcome.FAILED and "Timeout" in report.error

    @override_settings(KANAL_PULL_TIMEOUTS=(1.0, 1.0, 1.0))
    def test_slow_drip_is_stopped_at_the_total_timeout(self, feed_server, make_source):
        def drip(request):
            request.send_response(200)
            request.send_header("Content-Length", "100000")
            request.end_headers()
            for _ in range(100000):
                try:
                    request.wfile.write(b" ")
                    request.wfile.flush()
                except OSError:
                    return
                time.sleep(0.05)

        feed_server.routes["/drip.xml"] = drip
        report = poll_source(make_source(feed_server.url("/drip.xml")))
        assert report.outcome == PollOutcome.FAILED and "Timeout" in report.error


class TestOneRequestPerHost:
    def test_requests_to_one_host_are_serialised(self, feed_server):
        active = {"now": 0, "max": 0}
        lock = threading.Lock()

        def slow(request):
            with lock:
                active["now"] += 1
                active["max"] = max(active["max"], active["now"])
            time.sleep(0.1)
            with lock:
                active["now"] -= 1
            return 200, {}, b"<rss/>"

        feed_server.routes["/a"] = feed_server.routes["/b"] = slow
        threads = [
            threading.Thread(target=fetch, args=(feed_server.url(path),))
            for path in ("/a", "/b", "/a", "/b")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(feed_server.requests) == 4
        assert active["max"] == 1
