"""Two real processes polling the same sources (issue 14, finding 11).

Each source is polled by one process at a time (a lease on its row; the other process skips
it as "busy"), every entry is imported exactly once without a single IntegrityError, and the
feed host never sees two requests at once, although the pollers are separate processes.
Runs on a SQLite file by default, on a scratch PostgreSQL database when DATABASE_URL says so.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from tests.support.cluster import BASE_DIR, Cluster, ScratchDatabase, postgres_url
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.slow

SOURCES = 4
ENTRIES = 5


class SlowFeeds:
    """Serves one RSS feed per source, slowly, counting requests in flight at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_at_once = 0
        self.requests = 0

    def __call__(self, request):
        with self.lock:
            self.in_flight += 1
            self.requests += 1
            self.most_at_once = max(self.most_at_once, self.in_flight)
        try:
            time.sleep(0.3)  # long enough for the other process to arrive meanwhile
            number = request.path.strip("/").split("/")[-1].split(".")[0]
            items = "".join(
                f"<item><guid>urn:kanal-test:{number}:{n}</guid><title>Inlägg {number}-{n}</title>"
                f"<link>https://blogg.example.org/{number}/{n}</link>"
                f"<description>Text {n}</description>"
                "<pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item>"
                for n in range(ENTRIES)
            )
            body = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Blogg {number}</title><link>https://blogg.example.org/</link>"
                f"{items}</channel></rss>"
            ).encode()
            return 200, {"Content-Type": "application/rss+xml"}, body
        finally:
            with self.lock:
                self.in_flight -= 1


@pytest.fixture
def database(tmp_path):
    if postgres_url():
        scratch = ScratchDatabase(prefix="kanal_pollers_")
        scratch.create()
        try:
            yield scratch.url
        finally:
            scratch.drop()
    else:
        yield f"sqlite:///{tmp_path / 'pollers.sqlite3'}"


SETUP = """
from wagtail.models import Page
from cms.models import ArticleIndexPage, HomePage
from syndication.models import Source

home = Page.get_first_root_node().add_child(instance=HomePage(title="Kanal", slug="kanal-poll"))
index = home.add_child(instance=ArticleIndexPage(title="Artiklar", slug="artiklar"))
for number in range({sources}):
    url = "{base}/feeds/%d.xml" % number
    Source.objects.create(name="Blogg %d" % number, url=url, feed_url=url, index_page=index)
"""

COUNT = """
from syndication.models import ImportedItem, Source
from cms.models import ArticlePage
print(ImportedItem.objects.count(), ArticlePage.objects.count(),
      Source.objects.filter(poll_lease_until__isnull=False).count())
"""


def test_two_processes_poll_each_source_once_and_one_request_per_host(database):
    feeds = SlowFeeds()
    with LoopbackServer(feeds) as server:
        cluster = Cluster(database)
        cluster.manage("migrate", "--noinput")
        cluster.python(SETUP.format(sources=SOURCES, base=server.url("").rstrip("/")))
        pollers = [
            subprocess.Popen(
                [sys.executable, "manage.py", "poll_sources", "--all"],
                cwd=BASE_DIR,
                env=cluster.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [poller.communicate(timeout=300) for poller in pollers]
    for poller, (stdout, stderr) in zip(pollers, outputs, strict=True):
        assert poller.returncode == 0, stdout[-2000:] + stderr[-3000:]
        assert "Traceback" not in stderr and "IntegrityError" not in stderr, stderr[-3000:]
    imported, pages, leased = map(int, cluster.python(COUNT).split())
    assert (imported, pages) == (SOURCES * ENTRIES, SOURCES * ENTRIES)
    assert leased == 0, "every lease is released after its poll"
    assert feeds.requests >= SOURCES  # the premise: both pollers really fetched
    assert feeds.most_at_once == 1, "the per-host rule holds across processes"
    busy = sum(stdout.count("another poller is importing") for stdout, _ in outputs)
    assert feeds.requests + busy == 2 * SOURCES, "each poll either fetched or skipped as busy"


@pytest.mark.django_db
class TestTheLease:
    def test_a_busy_source_is_skipped_and_says_so(self, feed_server, make_source):
        from syndication.pull import schedule
        from syndication.pull.models import PollOutcome as Outcome
        from syndication.pull.pipeline import poll_source

        source = make_source(feed_server.url("/rss_no_guids.xml"))
        assert schedule.claim_poll(source)  # another poller holds it
        report = poll_source(source)
        assert report.outcome == Outcome.BUSY
        assert "another poller" in report.error
        assert feed_server.requests == []

    def test_an_expired_lease_is_taken_over(self, feed_server, make_source):
        from datetime import timedelta

        from django.utils import timezone

        from syndication.models import Source
        from syndication.pull import schedule
        from syndication.pull.pipeline import poll_source

        source = make_source(feed_server.url("/rss_no_guids.xml"))
        Source.objects.filter(pk=source.pk).update(
            poll_lease_until=timezone.now() - timedelta(seconds=1)  # a dead poller's lease
        )
        assert poll_source(source).outcome == "imported"
        assert Source.objects.get(pk=source.pk).poll_lease_until is None
        assert schedule.claim_poll(source)
