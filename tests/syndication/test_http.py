"""The safe client against real loopback servers: guard, redirects, timeouts, size caps;
and its one reading of ``Retry-After``."""

import gzip
import ipaddress
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from syndication import http
from tests.support.loopback import LoopbackServer


def ok(body=b"hello", status=200, headers=None):
    return lambda request: (status, headers or {}, body)


class TestAddressGuard:
    @pytest.mark.parametrize(
        "address",
        [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "240.0.0.1",
            "::1",
            "fe80::1",
            "fc00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "::127.0.0.1",
        ],
    )
    def test_private_and_reserved_addresses_are_not_public(self, address):
        assert not http.is_public_address(ipaddress.ip_address(address))

    @pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::6810:85e5", "1.1.1.1"])
    def test_global_unicast_is_public(self, address):
        assert http.is_public_address(ipaddress.ip_address(address))

    @pytest.mark.parametrize(
        ("url", "reason"),
        [
            ("ftp://example.org/feed", "Only http and https URLs are allowed, not 'ftp'."),
            ("file:///etc/passwd", "Only http and https URLs are allowed, not 'file'."),
            ("gopher://127.0.0.1/", "Only http and https URLs are allowed, not 'gopher'."),
            ("http://user:pw@example.org/", "Credentials in the URL are not allowed"),
            ("http:///nohost", "The URL has no host."),
            ("http://127.0.0.1/", "127.0.0.1 resolves to 127.0.0.1, a private or reserved"),
            ("http://2130706433/", "resolves to 127.0.0.1, a private or reserved address"),
            ("http://[::ffff:7f00:1]/", "resolves to ::ffff:7f00:1, a private or reserved"),
            ("http://169.254.169.254/latest/meta-data/", "resolves to 169.254.169.254, a priv"),
            ("http://localhost/", "localhost resolves to"),
        ],
    )
    def test_unsafe_urls_are_refused_with_a_reason(self, url, reason, settings):
        settings.KANAL_ALLOW_PRIVATE_HOSTS = []
        with pytest.raises(http.UnsafeURLError) as excinfo:
            http.check_url(url)
        assert reason in str(excinfo.value)


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class TestRetryAfter:
    """RFC 9110 §10.2.3: ``Retry-After = HTTP-date / delay-seconds``; one parser for feeds and
    webhooks, capped at ``MAX_RETRY_AFTER`` (a day)."""

    @pytest.mark.parametrize(
        ("value", "seconds"),
        [
            ("120", 120),
            (" 120 ", 120),
            ("0", 0),
            ("Mon, 02 Mar 2026 09:30:00 GMT", 1800),  # IMF-fixdate
            ("Monday, 02-Mar-26 09:30:00 GMT", 1800),  # obsolete RFC 850 form
            ("Mon Mar  2 09:30:00 2026", 1800),  # obsolete asctime form: no zone, means GMT
            ("Mon, 02 Mar 2026 09:30:00 -0000", 1800),  # parsed naive: still GMT
            ("Mon, 02 Mar 2026 10:30:00 +0100", 1800),
            ("Wed, 21 Oct 2015 07:28:00 GMT", 0),  # in the past: now
        ],
    )
    def test_both_forms(self, value, seconds):
        assert http.parse_retry_after(value, NOW) == timedelta(seconds=seconds)

    @pytest.mark.parametrize(
        "value",
        ["604800", "99999999999999999999999", "Mon, 09 Mar 2026 09:00:00 GMT"],
        ids=["a-week", "huge", "a-week-away"],
    )
    def test_a_day_at_most(self, value):
        assert http.parse_retry_after(value, NOW) == http.MAX_RETRY_AFTER == timedelta(hours=24)

    def test_the_cap_is_the_callers_to_choose(self):
        assert http.parse_retry_after("7200", NOW, cap=timedelta(hours=1)) == timedelta(hours=1)

    @pytest.mark.parametrize(
        "value",
        [None, "", "x", "-5", "1.5", "²", "Mon, 99 Foo 2026 09:30:00 GMT", "soon GMT"],
        ids=["none", "empty", "word", "negative", "fraction", "superscript", "bad-date", "junk"],
    )
    def test_garbage_is_no_delay(self, value):
        assert http.parse_retry_after(value, NOW) is None


@pytest.mark.django_db(transaction=False)
class TestRequests:
    def test_loopback_refused_without_allow_list_and_no_connection_made(self, settings):
        settings.KANAL_ALLOW_PRIVATE_HOSTS = []
        with LoopbackServer(ok()) as server:
            with pytest.raises(http.UnsafeURLError):
                http.request("GET", server.url())
            assert server.connections == 0

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    def test_allowed_loopback_request_returns_body_status_and_headers(self):
        with LoopbackServer(ok(b"feed", headers={"ETag": '"v1"'})) as server:
            response = http.request("GET", server.url("/feed.xml"), headers={"X-Test": "1"})
        assert (response.status, response.body, response.headers["etag"]) == (200, b"feed", '"v1"')
        sent = server.requests[0]
        assert sent["path"] == "/feed.xml"
        assert sent["headers"]["X-Test"] == "1"
        assert sent["headers"]["User-Agent"] == f"Kanal/0.1 (+{settings.KANAL_BASE_URL})"
        assert sent["headers"]["Host"] == f"127.0.0.1:{server.port}"

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.0/8"])
    def test_post_sends_body(self):
        with LoopbackServer(ok(b"", status=204)) as server:
            response = http.request("POST", server.url("/hook"), data=b'{"a":1}')
        assert response.status == 204
        assert server.requests[0]["body"] == b'{"a":1}'

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    def test_redirects_are_returned_not_followed_by_default(self):
        with LoopbackServer(ok(b"", status=302, headers={"Location": "/elsewhere"})) as server:
            response = http.request("GET", server.url("/"))
        assert response.status == 302
        assert len(server.requests) == 1

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    def test_redirects_followed_when_asked_and_capped(self):
        def handler(request):
            hop = int(request.path.strip("/") or 0)
            return 301, {"Location": f"/{hop + 1}"}, b""

        with LoopbackServer(handler) as server:
            with pytest.raises(http.TooManyRedirects):
                http.request("GET", server.url("/0"), max_redirects=5)
        assert len(server.requests) == 6

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["localhost"])
    @pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/", "http://169.254.169.254/"])
    def test_redirect_to_a_private_address_is_refused_before_connecting(self, target):
        with LoopbackServer(lambda r: None) as victim:
            port = victim.port

            def handler(request):
                return 302, {"Location": target.format(port=port)}, b""

            with LoopbackServer(handler) as server:
                with pytest.raises(http.UnsafeURLError):
                    http.request("GET", server.url("/", host="localhost"), max_redirects=5)
            assert victim.connections == 0

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    def test_gzip_bomb_stops_at_the_decoded_cap(self):
        bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)
        with LoopbackServer(ok(bomb, headers={"Content-Encoding": "gzip"})) as server:
            with pytest.raises(http.TooLarge):
                http.request("GET", server.url(), max_bytes=1024 * 1024)

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    def test_gzip_body_is_decoded(self):
        payload = gzip.compress(b"<rss/>")
        with LoopbackServer(ok(payload, headers={"Content-Encoding": "gzip"})) as server:
            assert http.request("GET", server.url()).body == b"<rss/>"

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    def test_declared_oversize_body_refused(self):
        with LoopbackServer(ok(b"x" * 2048)) as server:
            with pytest.raises(http.TooLarge):
                http.request("GET", server.url(), max_bytes=1024)

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    def test_silent_server_stopped_by_read_timeout(self):
        def silent(request):
            time.sleep(3)

        with LoopbackServer(silent) as server:
            with pytest.raises(http.ReadTimeout):
                http.request("GET", server.url(), read_timeout=0.3, total_timeout=5)

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    def test_slow_drip_stopped_by_total_timeout(self):
        def drip(request):
            request.send_response(200)
            request.send_header("Content-Length", "1000")
            request.end_headers()
            for _ in range(1000):
                try:
                    request.wfile.write(b"x")
                    request.wfile.flush()
                except OSError:
                    return
                time.sleep(0.05)

        with LoopbackServer(drip) as server:
            with pytest.raises(http.ReadTimeout):
                http.request("GET", server.url(), read_timeout=1, total_timeout=0.8)


class TestSession:
    """Keep-alive connections for a batch: checked once per connection target, reused."""

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    def test_requests_to_one_host_share_one_connection(self):
        with LoopbackServer(ok(b"", status=204)) as server:
            with http.Session() as session:
                for n in range(3):
                    http.request("POST", server.url(f"/hook/{n}"), data=b"{}", session=session)
                assert session.targets_checked == 1
            assert server.connections == 1
        assert [r["path"] for r in server.requests] == ["/hook/0", "/hook/1", "/hook/2"]

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    def test_without_a_session_every_request_connects(self):
        with LoopbackServer(ok(b"", status=204)) as server:
            for _ in range(3):
                http.request("POST", server.url("/hook"), data=b"{}")
            assert server.connections == 3

    def test_the_guard_still_refuses_before_connecting(self, settings):
        settings.KANAL_ALLOW_PRIVATE_HOSTS = []
        with LoopbackServer(ok()) as server:
            with http.Session() as session, pytest.raises(http.UnsafeURLError):
                http.request("GET", server.url(), session=session)
            assert server.connections == 0

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["localhost"])
    def test_a_redirect_to_a_private_address_is_checked_in_a_session_too(self):
        with LoopbackServer(lambda r: None) as victim:
            target = f"http://127.0.0.1:{victim.port}/"
            with LoopbackServer(ok(b"", status=302, headers={"Location": target})) as server:
                with http.Session() as session, pytest.raises(http.UnsafeURLError):
                    http.request(
                        "GET", server.url("/", host="localhost"), max_redirects=5, session=session
                    )
            assert victim.connections == 0

    @override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
    def test_a_failed_connection_is_dropped_and_the_next_request_reconnects(self):
        answers = iter([None, (204, {}, b"")])

        def handler(request):
            answer = next(answers)
            if answer is None:
                request.close_connection = True
                request.connection.close()  # dies mid-request
                return None
            return answer

        with LoopbackServer(handler) as server:
            with http.Session() as session:
                with pytest.raises(http.HttpError):
                    http.request("POST", server.url("/a"), data=b"{}", session=session)
                response = http.request("POST", server.url("/b"), data=b"{}", session=session)
            assert response.status == 204
            assert server.connections == 2
