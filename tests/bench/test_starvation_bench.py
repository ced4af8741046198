"""No-starvation benchmark (issue 15, target 2), baseline beside: publish -> delivered for a
healthy webhook endpoint while a first import of ``BENCH_STARVE_SOURCES`` x
``BENCH_STARVE_ENTRIES`` (100 x 50) entries runs and its indexing queue drains.

The import runs as it does on a site: the sources are due, the relay enqueues their polls on
the ``default`` queue, and each poll's search and reference indexing follow on it. Meanwhile a
publisher records an event every ``BENCH_STARVE_PAUSE`` seconds (0.2); its deliveries go to a
loopback receiver that verifies every Standard Webhooks signature. Two healthy endpoints:
``/healthy`` subscribes to everything, so the import's own events are delivered to it too (a
backlog of its own to drain); ``/quiet`` subscribes to ``page.unpublished`` only, which the
import never emits (half the publisher's events): its latency is what unrelated background
work alone costs a delivery.

Two worker setups, same run, same code:

* ``separate``: one worker on ``default`` and one on ``deliveries`` (the Procfile's);
* ``shared`` (the old setup, the baseline): one worker serving both queues.

Printed per setup: p50/p99/max publish -> delivered of the publishes made while the import ran
or its queue drained, the import's duration, and how long ``default`` took to drain. No timed
assertion: the asserts are that every publish was delivered, no signature was bad, and the
whole import was created.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kanal_x make bench BENCH_ARGS="-k starv"
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import threading
import time
from pathlib import Path

import pytest
import redis

from tests.bench.test_drain_bench import (
    SETUP,
    Receivers,
    percentile,
    redis_available,
)
from tests.bench.test_pull_bench import LABELS, feed
from tests.support.cluster import Cluster, ScratchDatabase, postgres_url
from tests.support.loopback import LoopbackServer
from tests.syndication.integration.conftest import REDIS_TEST_URL, SECRET

# Flushed at the start of each RQ run: point it elsewhere while a crash test uses db 3.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", REDIS_TEST_URL)

pytestmark = [
    pytest.mark.skipif(postgres_url() is None, reason="benchmarks need PostgreSQL"),
    pytest.mark.timeout(3600),
]

SOURCES = int(os.environ.get("BENCH_STARVE_SOURCES", "100"))
ENTRIES = int(os.environ.get("BENCH_STARVE_ENTRIES", "50"))
PAUSE = float(os.environ.get("BENCH_STARVE_PAUSE", "0.2"))
LIMIT_SECONDS = float(os.environ.get("BENCH_STARVE_LIMIT", "1500"))

SOURCES_SETUP = """
from django.utils import timezone
from cms.models import ArticleIndexPage, HomePage
from syndication.models import Source
from themes.models import Theme
from wagtail.models import Page

for label in {labels!r}:
    Theme.objects.get_or_create(name=label)
home = HomePage.objects.first()
index = home.add_child(instance=ArticleIndexPage(title="Importerat", slug="importerat"))
now = timezone.now()
for s in range({sources}):
    url = "{base}/%d.xml" % s
    Source.objects.create(
        name="Källa %d" % s, url=url, feed_url=url, index_page=index, next_poll_at=now
    )
"""

# Boots, says it is ready, waits for "go", then publishes until the stop file exists; prints
# "<event id> <commit time>" per publish.
PUBLISH = """
import os, time
from pathlib import Path
from django.db import transaction
from cms.events.recording import record, latest_event
from cms.models import ArticlePage

pages = list(ArticlePage.objects.filter(slug__startswith="sida-").order_by("pk"))
Path({ready!r}).touch()
while not os.path.exists({go!r}):
    time.sleep(0.05)
i = 0
while not os.path.exists({stop!r}):
    page = pages[i % len(pages)]
    last = latest_event("page", page.pk)
    kind = "page.unpublished" if last and last.type == "page.published" else "page.published"
    with transaction.atomic():
        event = record(kind, page, data={{"title": page.title, "n": i}})
    print(event.pk, time.time(), kind, flush=True)
    i += 1
    time.sleep({pause})
"""


class SplitCluster(Cluster):
    """A cluster whose workers each serve their own queues (``slot_queues``)."""

    def __init__(self, *args, slot_queues: dict[int, tuple[str, ...]], **kwargs):
        super().__init__(*args, **kwargs)
        self.slot_queues = slot_queues

    def worker_args(self, slot: int) -> list[str]:
        self.queues = self.slot_queues[slot]
        return super().worker_args(slot)


class Store:
    """The scratch database (PostgreSQL, or an SQLite file) and the counts the run watches."""

    def __init__(self, kind: str, template):
        self.kind = kind
        if kind == "sqlite":
            self.path = Path(tempfile.mkdtemp(prefix="kanal-starve-")) / "db.sqlite3"
            shutil.copy(template, self.path)
            self.url = f"sqlite:///{self.path}"
        else:
            self.scratch = ScratchDatabase(prefix="kanal_starve_bench_")
            self.scratch.create(template=template.name)
            self.url = self.scratch.url

    def query(self, sql: str):
        if self.kind == "sqlite":
            with sqlite3.connect(self.path, timeout=30) as conn:
                return conn.execute(sql).fetchall()
        return self.scratch.query(sql)

    def imported(self) -> int:
        return self.query("SELECT count(*) FROM cms_articlepage WHERE origin_url <> ''")[0][0]

    def default_waiting(self, rq: bool) -> int:
        if rq:
            client = redis.Redis.from_url(REDIS_URL)
            running = client.zcard("rq:wip:default")
            return client.llen("rq:queue:default") + running
        return self.query(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE queue_name = 'default' AND status IN ('READY', 'RUNNING')"
        )[0][0]

    def drop(self):
        if self.kind != "sqlite":
            self.scratch.drop()


_TEMPLATES: dict[str, object] = {}


def template(kind: str):
    if kind not in _TEMPLATES:
        if kind == "sqlite":
            path = Path(tempfile.mkdtemp(prefix="kanal-starve-template-")) / "db.sqlite3"
            url, made = f"sqlite:///{path}", path
        else:
            made = ScratchDatabase(prefix="kanal_starve_template_")
            made.create()
            url = made.url
        Cluster(url).manage("migrate", "--noinput")
        _TEMPLATES[kind] = made
    return _TEMPLATES[kind]


@pytest.fixture(scope="module", autouse=True)
def drop_templates():
    yield
    for made in _TEMPLATES.values():
        if isinstance(made, ScratchDatabase):
            made.drop()
    _TEMPLATES.clear()


def run(kind: str, rq: bool, setup: str) -> dict:
    """One import with a publisher beside it; ``setup`` is "separate" or "shared"."""
    store = Store(kind, template(kind))
    receivers = Receivers()
    feeds = {s: feed(s, list(range(ENTRIES))) for s in range(SOURCES)}

    def serve(request):
        source = int(request.path.strip("/").split(".")[0])
        return 200, {"Content-Type": "application/rss+xml"}, feeds[source]

    if setup == "separate":
        slots = {0: ("default",), 1: ("deliveries",)}
    else:
        slots = {0: ("default", "deliveries")}
    if rq:
        redis.Redis.from_url(REDIS_URL).flushdb()
    flags = Path(tempfile.mkdtemp(prefix="kanal-starve-flags-"))
    ready, go, stop = flags / "ready", flags / "go", flags / "stop"
    cluster = SplitCluster(
        store.url,
        redis_url=REDIS_URL if rq else None,
        worker_interval=0.05,
        slot_queues=slots,
    )
    out: list[str] = []
    try:
        with receivers.server, LoopbackServer(serve) as feed_server:
            urls = [receivers.server.url("/healthy"), receivers.server.url("/quiet")]
            cluster.python(SETUP.format(urls=urls, secret=SECRET))
            cluster.python(
                "from syndication.models import WebhookEndpoint\n"
                "WebhookEndpoint.objects.filter(url__endswith='/quiet')"
                ".update(event_types=['page.unpublished'])\n"
            )
            base = feed_server.url("").rstrip("/")
            cluster.python(
                SOURCES_SETUP.format(labels=LABELS, sources=SOURCES, base=base), timeout=600
            )
            publisher = threading.Thread(
                target=lambda: out.append(
                    cluster.python(
                        PUBLISH.format(ready=str(ready), go=str(go), stop=str(stop), pause=PAUSE),
                        timeout=7200,
                    )
                ),
                daemon=True,
            )
            publisher.start()
            while not ready.exists() and publisher.is_alive():
                time.sleep(0.1)
            started = time.monotonic()
            cluster.start(workers=len(slots))
            time.sleep(3)  # the workers and the relay boot; the relay enqueues the polls
            go.touch()
            imported_at = drained_at = None
            expected = SOURCES * ENTRIES
            while time.monotonic() - started < LIMIT_SECONDS:
                time.sleep(1)
                if imported_at is None and store.imported() >= expected:
                    imported_at = time.monotonic() - started
                if imported_at is not None and store.default_waiting(rq) == 0:
                    drained_at = time.monotonic() - started
                    break
            stop.touch()
            publisher.join(120)
            committed = {
                line.split()[0]: float(line.split()[1])
                for line in "".join(out).splitlines()
                if line.startswith("evt_")
            }
            quiet = {
                line.split()[0]
                for line in "".join(out).splitlines()
                if line.startswith("evt_") and line.split()[2] == "page.unpublished"
            }
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not (
                all(("/healthy", e) in receivers.first for e in committed)
                and all(("/quiet", e) in receivers.first for e in quiet)
            ):
                time.sleep(0.2)
            imported = store.imported()
            cluster.stop()
    finally:
        if cluster.zygote is not None and cluster.zygote.poll() is None:
            cluster.stop()
        store.drop()
    latencies = [
        (receivers.first[("/healthy", e)] - at) * 1000
        for e, at in committed.items()
        if ("/healthy", e) in receivers.first
    ]
    quiet_latencies = [
        (receivers.first[("/quiet", e)] - committed[e]) * 1000
        for e in quiet
        if ("/quiet", e) in receivers.first
    ]
    return {
        "setup": setup,
        "workers": {slot: ",".join(queues) for slot, queues in slots.items()},
        "imported": imported,
        "import_s": round(imported_at, 1) if imported_at else None,
        "default_drained_s": round(drained_at, 1) if drained_at else None,
        "publishes": len(committed),
        "delivered": len(latencies),
        "p50_ms": round(statistics.median(latencies)) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99)) if latencies else None,
        "max_ms": round(max(latencies)) if latencies else None,
        "quiet_publishes": len(quiet),
        "quiet_delivered": len(quiet_latencies),
        "quiet_p50_ms": round(statistics.median(quiet_latencies)) if quiet_latencies else None,
        "quiet_p99_ms": round(percentile(quiet_latencies, 0.99)) if quiet_latencies else None,
        "quiet_max_ms": round(max(quiet_latencies)) if quiet_latencies else None,
        "bad_signatures": receivers.bad,
        "import_deliveries": sum(
            1 for (path, _), n in receivers.accepted.items() if path == "/healthy"
        )
        - len(latencies),
    }


@pytest.mark.parametrize(
    ("kind", "rq"),
    [("sqlite", False), ("postgres", True), ("postgres", False)],
    ids=["sqlite-db_worker", "postgres-rq", "postgres-db_worker"],
)
def test_deliveries_not_starved_by_an_import_baseline_beside(kind, rq):
    if rq and not redis_available():
        pytest.skip("needs Redis at 127.0.0.1:6379")
    shared = run(kind, rq, "shared")
    separate = run(kind, rq, "separate")
    print(
        "\n"
        + json.dumps(
            {
                "bench": f"publish -> delivered during a first import of {SOURCES} x {ENTRIES}, "
                f"{kind}, {'rq' if rq else 'db_worker'}",
                "before": shared,
                "after": separate,
                "p99_before_over_after": round(shared["p99_ms"] / separate["p99_ms"], 1)
                if shared["p99_ms"] and separate["p99_ms"]
                else None,
                "quiet_p99_before_over_after": round(
                    shared["quiet_p99_ms"] / separate["quiet_p99_ms"], 1
                )
                if shared["quiet_p99_ms"] and separate["quiet_p99_ms"]
                else None,
                "target_p99_ms": 1000,
            }
        )
    )
    for figures in (shared, separate):
        assert figures["bad_signatures"] == 0
        assert figures["imported"] == SOURCES * ENTRIES
        assert figures["delivered"] == figures["publishes"] > 0
        assert figures["quiet_delivered"] == figures["quiet_publishes"] > 0
