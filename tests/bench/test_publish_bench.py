"""Publish benchmark (``make bench``, PostgreSQL): publishes/s with 4 concurrent publishers,
with Kanal's event recording and without it, in one run (issue 15, target 3: >= 0.8x).

Each of ``BENCH_PUBLISHERS`` (4) threads has its own database connection and publishes its own
``BENCH_PUBLISH_PAGES`` (10) article pages ``BENCH_PUBLISH_ROUNDS`` (5) times: a new title,
``save_revision().publish()`` in ``transaction.atomic()``, as an editor's publish runs. The
baseline is the same with Kanal's recording signal handlers disconnected (Wagtail's plain
publish; the API cache invalidation stays, it is not recording). Tasks go to the database
task backend, as in production without Redis: a publish pays for writing its task rows (search
and reference index, and with recording the event's dispatch), not for running them, which is
a worker's job (no worker runs here). The two modes alternate
(recording, plain, recording, plain) so drift in the machine's load hits both. Also printed:
the share of the recording run's wall time that publishers spent waiting for the event
sequence lock (``EventCounter`` row, held until commit).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make bench \
        BENCH_ARGS="tests/bench/test_publish_bench.py"

No timing is asserted; the figures are printed.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.db.models.signals import pre_save
from django.test import override_settings
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.signals import page_published

from cms.events import handlers, recording
from cms.events.models import Event
from cms.models import ArticleIndexPage, ArticlePage, HomePage

PUBLISHERS = int(os.environ.get("BENCH_PUBLISHERS", 4))
PAGES = int(os.environ.get("BENCH_PUBLISH_PAGES", 10))
ROUNDS = int(os.environ.get("BENCH_PUBLISH_ROUNDS", 5))


class LockTimer:
    """Wall time spent acquiring the event sequence lock (``recording._locked_counter``)."""

    def __init__(self):
        self.seconds = 0.0
        self.lock = threading.Lock()
        self.original = recording._locked_counter

    def __enter__(self):
        def timed():
            started = time.perf_counter()
            try:
                return self.original()
            finally:
                with self.lock:
                    self.seconds += time.perf_counter() - started

        recording._locked_counter = timed
        return self

    def __exit__(self, *exc):
        recording._locked_counter = self.original


def disconnect_recording():
    page_published.disconnect(dispatch_uid="kanal_events_page_published")
    pre_save.disconnect(dispatch_uid="kanal_events_page_saving")


def reconnect_recording():
    page_published.connect(handlers.on_page_published, dispatch_uid="kanal_events_page_published")
    pre_save.connect(handlers.on_page_saving, dispatch_uid="kanal_events_page_saving")


def publish_all(page_ids: list[list[int]], round_: int) -> float:
    """Every publisher publishes each of its pages once; returns the wall time."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(page_ids) + 1)

    def publisher(ids):
        try:
            pages = list(ArticlePage.objects.filter(pk__in=ids).order_by("pk"))
            barrier.wait()
            for page in pages:
                page.title = f"Sida {page.pk}, version {round_}"
                with transaction.atomic():
                    page.save_revision().publish()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publisher, args=(ids,)) for ids in page_ids]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    assert not errors, errors
    return elapsed


@pytest.mark.timeout(3600)
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}})
def test_publish_benchmark():
    if connection.vendor != "postgresql":
        pytest.skip("the publish benchmark measures row-lock contention: needs PostgreSQL")
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Bench", slug="bench"))
    index = home.add_child(instance=ArticleIndexPage(title="Publicering", slug="publicering"))
    page_ids: list[list[int]] = []
    for p in range(PUBLISHERS):
        ids = []
        for n in range(PAGES):
            page = ArticlePage(
                title=f"Sida {p}-{n}", slug=f"sida-{p}-{n}", intro="Ingress",
                body=[("paragraph", RichText(f"<p>Text {p} {n} om <strong>lärande</strong>.</p>"))],
            )  # fmt: skip
            index.add_child(instance=page)
            page.save_revision().publish()
            ids.append(page.pk)
        page_ids.append(ids)

    timings = {"recording": 0.0, "plain": 0.0}
    lock_wait = 0.0
    events_before = Event.objects.count()
    for round_ in range(ROUNDS * 2):
        if round_ % 2 == 0:
            with LockTimer() as timer:
                timings["recording"] += publish_all(page_ids, round_)
            lock_wait += timer.seconds
        else:
            disconnect_recording()
            try:
                timings["plain"] += publish_all(page_ids, round_)
            finally:
                reconnect_recording()
    per_mode = PUBLISHERS * PAGES * ROUNDS
    recorded = Event.objects.count() - events_before
    assert recorded == per_mode  # one page.published per recording-mode publish, none else

    rate = {mode: per_mode / seconds for mode, seconds in timings.items()}
    share = lock_wait / (timings["recording"] * PUBLISHERS) * 100
    rows = [
        ("with Kanal recording",
         f"{per_mode} publishes in {timings['recording']:.1f} s = {rate['recording']:.1f}/s"),
        ("Wagtail plain publish",
         f"{per_mode} publishes in {timings['plain']:.1f} s = {rate['plain']:.1f}/s "
         f"(recording = {rate['recording'] / rate['plain']:.2f}x)"),
        ("sequence lock wait",
         f"{lock_wait:.1f} s summed over publishers ({share:.0f}% of publisher time)"),
    ]  # fmt: skip
    print(f"\n\nPublish benchmark: {PUBLISHERS} publishers x {PAGES} pages x {ROUNDS} rounds, "
          f"{connection.vendor}")  # fmt: skip
    for name, figure in rows:
        print(f"  {name:<40} {figure}")
