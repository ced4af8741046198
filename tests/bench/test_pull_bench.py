"""Pull benchmark (``make bench``): 100 sources x 50 entries served on loopback.

Reports, in one run:

* first import: entries/s through the whole pipeline (fetch -> guard -> parse -> normalise ->
  upsert, publish, events), against creating and publishing the same pages through Wagtail's
  plain API (``add_child`` + ``save_revision().publish()`` in ``transaction.atomic()``);
* re-poll when nothing changed — 304, 200 with the same body, and 200 with the same entries
  reordered (same content, different bytes): CPU ms per source (client thread only; the
  loopback server runs in other threads) and DB writes per source;
* peak memory (max RSS of the process).

Sizes: ``BENCH_SOURCES`` (100), ``BENCH_ENTRIES`` (50), ``BENCH_BASELINE_PAGES`` (500: the
Wagtail-API baseline runs on this many of the same entries, its rate is what is compared).
No timing is asserted; the figures are printed.
"""

from __future__ import annotations

import os
import random
import resource
import time

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from wagtail.rich_text import RichText

from cms.models import ArticleIndexPage, ArticlePage, HomePage
from syndication.models import Source
from syndication.pull.pipeline import poll_source
from tests.support.loopback import LoopbackServer

SOURCES = int(os.environ.get("BENCH_SOURCES", 100))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", 50))
BASELINE_PAGES = int(os.environ.get("BENCH_BASELINE_PAGES", 500))
LABELS = ["Språkutveckling", "Ledarskap", "Matematik", "Digitalisering", "Bedömning"]


def entry(source: int, n: int) -> dict:
    paragraphs = "".join(
        f"<p>Stycke {p} i inlägg {n} från källa {source}: om <strong>lärande</strong>, "
        f"<a href='/artikel/{n}'>länk</a> och kollegialt arbete i skolan.</p>"
        for p in range(8)
    )
    return {
        "guid": f"https://blog{source}.example.org/p/{n}",
        "title": f"Inlägg {n} från källa {source}",
        "html": paragraphs + "<img src='https://t.example.net/pixel.gif'>",
        "labels": [LABELS[n % 5], f"tagg{n % 7}"],
        "date": f"Mon, {1 + n % 28:02d} Nov 2026 10:00:00 GMT",
    }


def feed(source: int, order: list[int] | None = None) -> bytes:
    order = order if order is not None else list(range(ENTRIES))
    items = []
    for n in order:
        e = entry(source, n)
        categories = "".join(f"<category>{label}</category>" for label in e["labels"])
        items.append(
            f"<item><title>{e['title']}</title><guid>{e['guid']}</guid>"
            f"<link>{e['guid']}</link><pubDate>{e['date']}</pubDate>{categories}"
            f"<description><![CDATA[{e['html']}]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Källa {source}</title><link>https://blog{source}.example.org/</link>"
        f"{''.join(items)}</channel></rss>"
    ).encode()


class Feeds:
    def __init__(self):
        self.mode = "etag"  # "etag": 304 on a matching If-None-Match; "same": ignore; "shuffle"
        self.bodies = {s: feed(s) for s in range(SOURCES)}
        self.rng = random.Random(1)

    def __call__(self, request):
        source = int(request.path.strip("/").split(".")[0])
        etag = f'"s{source}"'
        if self.mode == "etag" and request.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        if self.mode == "shuffle":
            order = list(range(ENTRIES))
            self.rng.shuffle(order)
            return 200, {"Content-Type": "application/rss+xml"}, feed(source, order)
        return 200, {"Content-Type": "application/rss+xml", "ETag": etag}, self.bodies[source]


def writes(queries) -> int:
    return sum(1 for q in queries if not q["sql"].lstrip().upper().startswith("SELECT"))


def content_writes(queries) -> int:
    return sum(
        1
        for q in queries
        if not q["sql"].lstrip().upper().startswith("SELECT")
        and "syndication_source" not in q["sql"]
    )


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.timeout(7200)
@pytest.mark.django_db(transaction=True)
def test_pull_benchmark():
    from themes.models import Theme

    for label in LABELS:
        Theme.objects.get_or_create(name=label)
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Bench", slug="bench"))
    index = home.add_child(instance=ArticleIndexPage(title="Importerat", slug="importerat"))
    baseline_index = home.add_child(instance=ArticleIndexPage(title="Baslinje", slug="baslinje"))
    rss_start = max_rss_mib()
    feeds = Feeds()
    results: list[tuple[str, str]] = []

    with (
        override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"]),
        LoopbackServer(feeds) as server,
    ):
        sources = [
            Source.objects.create(
                name=f"Källa {s}",
                url=server.url(f"/{s}.xml"),
                feed_url=server.url(f"/{s}.xml"),
                index_page=index,
            )
            for s in range(SOURCES)
        ]

        # 1. first import
        started = time.perf_counter()
        created = 0
        for source in sources:
            report = poll_source(source)
            assert not report.error, report.error
            created += report.created
        elapsed = time.perf_counter() - started
        assert created == SOURCES * ENTRIES
        import_rate = created / elapsed
        results.append(
            ("first import", f"{created} entries in {elapsed:.1f} s = {import_rate:.1f} entries/s")
        )

        # 2. Wagtail's plain API on the same entries
        started = time.perf_counter()
        done = 0
        for s in range(SOURCES):
            for n in range(ENTRIES):
                if done >= BASELINE_PAGES:
                    break
                e = entry(s, n)
                page = ArticlePage(
                    title=e["title"], slug=f"b-{s}-{n}", intro=e["title"],
                    body=[("paragraph", RichText(e["html"]))], origin_url=e["guid"],
                )  # fmt: skip
                page.tags.set(e["labels"][1:])
                with transaction.atomic():
                    baseline_index.add_child(instance=page)
                    page.save_revision().publish()
                done += 1
        baseline_elapsed = time.perf_counter() - started
        baseline_rate = done / baseline_elapsed
        results.append(
            (
                "Wagtail plain API",
                f"{done} pages in {baseline_elapsed:.1f} s = {baseline_rate:.1f} pages/s "
                f"(pipeline = {import_rate / baseline_rate:.2f}x)",
            )
        )

        # 3. re-polls with nothing new
        for mode, label in (
            ("etag", "re-poll, 304"),
            ("same", "re-poll, 200 same body"),
            ("shuffle", "re-poll, 200 reordered (same content)"),
        ):
            feeds.mode = mode
            for source in sources:
                source.refresh_from_db()
            cpu = 0.0
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                for source in sources:
                    before = time.thread_time()
                    report = poll_source(source)
                    cpu += time.thread_time() - before
                    assert report.created == report.updated == 0
                wall = time.perf_counter() - started
            results.append(
                (
                    label,
                    f"{cpu * 1000 / SOURCES:.2f} ms CPU/source, {wall * 1000 / SOURCES:.2f} ms "
                    f"wall/source, DB writes {writes(queries) / SOURCES:.2f}/source "
                    f"(content writes {content_writes(queries)}; the rest is the source's "
                    f"schedule row)",
                )
            )
            assert content_writes(queries) == 0

    results.append(("peak memory", f"max RSS {max_rss_mib():.0f} MiB (start {rss_start:.0f} MiB)"))
    print(f"\n\nPull benchmark: {SOURCES} sources x {ENTRIES} entries, "
          f"{connection.vendor}")  # fmt: skip
    for name, figure in results:
        print(f"  {name:<40} {figure}")
