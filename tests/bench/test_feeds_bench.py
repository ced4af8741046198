"""Benchmark: a 50-item Kanal feed (cold, cached, 304) against Django's plain ``Feed`` class
over the same pages, in the same run. Run with ``make bench`` (or
``.venv/bin/pytest tests/bench/test_feeds_bench.py -s -o addopts=""``).

In process, through Django's test client (the whole middleware stack, no network), on the
test database (SQLite, or PostgreSQL with ``DATABASE_URL``): it seeds the demo site plus 50
articles with realistic bodies, then times

* ``kanal cold``: ``/feeds/articles/rss/`` with every cache emptied first (selection,
  representations built in bulk, rendering);
* ``kanal cached``: the same URL from the response cache (200 with the body);
* ``kanal 304``: the same URL with ``If-None-Match``;
* ``django Feed``: a plain ``django.contrib.syndication.views.Feed`` subclass written the
  usual way (model attributes, StreamField rendered per item) over the same 50 articles.

It prints ms per request, req/s, the ratios, each scenario's query count and its CPU time
(``BENCH_PROFILE=<file>`` also writes a cProfile of the cold scenario and prints its top).
It asserts nothing about speed (figures depend on the machine); it fails only if a response
is wrong.
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory

ROUNDS = int(os.environ.get("BENCH_FEED_ROUNDS", "20"))


class PlainArticleFeed(Feed):
    """What a Django developer writes first: one query set, model attributes per item."""

    title = "Kanal: Artiklar"
    link = "/"
    description = "Artiklar"

    def items(self):
        from cms.models import ArticlePage

        return (
            ArticlePage.objects.live()
            .public()
            .order_by("-first_published_at")
            .select_related("author")[:50]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"<p>{item.intro}</p>" + "".join(str(block) for block in item.body)

    def item_link(self, item):
        return item.full_url or item.url_path

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.author.name if item.author else item.author_name

    def item_categories(self, item):
        return [t.name for t in item.themes.all()] + [t.name for t in item.tags.all()]


def timed(run, rounds: int) -> tuple[float, int, float]:
    """(median ms per call, queries of one call, median CPU ms of this process per call).

    The CPU time is printed beside the wall time because the bench machines are shared: other
    processes stretch the wall time of whichever scenario they overlap, not its CPU time.
    """
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        run()
    samples, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(samples), len(executed), statistics.median(cpu)


def profile(run, path: str) -> None:
    """cProfile ``ROUNDS`` calls of ``run`` into ``path`` and print the top entries."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(ROUNDS):
        run()
    profiler.disable()
    profiler.dump_stats(path)
    pstats.Stats(path).sort_stats("cumulative").print_stats(40)
    pstats.Stats(path).sort_stats("tottime").print_stats(30)


@pytest.mark.django_db
@pytest.mark.timeout(0)
def test_feed_benchmark(client):
    from cms.models import ArticleIndexPage, ArticlePage
    from tests.cms.api.helpers import add_article

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    parent = ArticleIndexPage.objects.get(locale__language_code="sv")
    person = ArticlePage.objects.exclude(author=None).values_list("author_id", flat=True).first()
    themes = list(ArticlePage.objects.live().first().themes.all())
    for number in range(50):
        page = add_article(
            parent,
            f"Bänkartikel {number}",
            author_id=person,
            body=[
                {"type": "heading", "value": {"text": f"Rubrik {number}", "level": "h2"}},
                {"type": "paragraph", "value": f"<p>Stycke {number} med <b>fetstil</b>.</p>" * 3},
                {"type": "quote", "value": {"quote": "Citat", "attribution": "Någon"}},
                {"type": "paragraph", "value": "<p>Avslutning.</p>"},
            ],
        )
        page.themes.set(themes)
        page.tags.add("bänk", f"tagg-{number % 5}")
        from cms.demo.seeder import publish

        publish(page)
    url = "/feeds/articles/rss/"
    first = client.get(url)
    assert first.status_code == 200 and first.content.count(b"<item>") == 50
    etag = first["ETag"]
    factory = RequestFactory()
    plain = PlainArticleFeed()
    plain_body = plain(factory.get("/plain/")).content
    assert plain_body.count(b"<item>") == 50

    def cold():
        cache.clear()
        assert client.get(url).status_code == 200

    def cached():
        assert client.get(url).status_code == 200

    def not_modified():
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    def django_feed():
        assert plain(factory.get("/plain/")).status_code == 200

    cached()  # warm
    if os.environ.get("BENCH_PROFILE"):
        profile(cold, os.environ["BENCH_PROFILE"])
    results = {
        "kanal cold": timed(cold, ROUNDS),
        "kanal cached": timed(cached, ROUNDS * 10),
        "kanal 304": timed(not_modified, ROUNDS * 10),
        "django Feed": timed(django_feed, ROUNDS),
    }
    print(f"\n== 50-item RSS feed, {connection.vendor}, median of {ROUNDS}+ runs, in process")
    print(f"{'scenario':<16}{'ms/req':>10}{'req/s':>10}{'queries':>10}{'cpu ms':>10}")
    for name, (ms, queries, cpu) in results.items():
        print(f"{name:<16}{ms:>10.2f}{1000 / ms:>10.0f}{queries:>10}{cpu:>10.2f}")
    base, base_cpu = results["django Feed"][0], results["django Feed"][2]
    for name in ("kanal cold", "kanal cached", "kanal 304"):
        ratio, cpu_ratio = base / results[name][0], base_cpu / results[name][2]
        print(f"django Feed / {name:<14}{ratio:>8.2f}x  (cpu {cpu_ratio:.2f}x)")
    print(f"bytes: kanal {len(first.content)}, django Feed {len(plain_body)}")
