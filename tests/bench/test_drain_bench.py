"""Drain benchmark (issue 15), baseline beside: the same backlog drained by the code before
batching (``BENCH_BASELINE_REF``, extracted with ``git archive``) and by this checkout, in one
run, printed as rates and ratios (JSON lines). No timed assertion: the asserts are 0 lost and
0 duplicates.

* drain: N events x 5 endpoints, 2 workers, on PostgreSQL with the database backend, with RQ,
  and on SQLite with the database worker (the embedded default). Receivers on loopback verify
  every Standard Webhooks signature.
* slow endpoint: one endpoint answers after 10 s; publish -> delivered p99 of a healthy one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kanal_x make bench BENCH_ARGS="-k drain"
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
import standardwebhooks

from tests.support.cluster import BASE_DIR, Cluster, ScratchDatabase, postgres_url
from tests.support.loopback import LoopbackServer
from tests.syndication.integration.conftest import EMIT, REDIS_TEST_URL, SECRET

pytestmark = [
    pytest.mark.skipif(postgres_url() is None, reason="benchmarks need PostgreSQL"),
    pytest.mark.timeout(1800),
]

# The last commit before batched deliveries (issue 15's "before").
BASELINE_REF = os.environ.get("BENCH_BASELINE_REF", "41c8859")
EVENTS = int(os.environ.get("BENCH_DRAIN_EVENTS", "1000"))
BASELINE_EVENTS = int(os.environ.get("BENCH_BASELINE_EVENTS", "200"))
ENDPOINTS = 5
WORKERS = 2

SETUP = """
from django.db import transaction
from wagtail.models import Page
from cms.models import ArticleIndexPage, ArticlePage, HomePage
from syndication.models import WebhookEndpoint

root = Page.get_first_root_node()
if not ArticlePage.objects.exists():
    with transaction.atomic():
        home = root.add_child(instance=HomePage(title="Bänk", slug="bank"))
        index = home.add_child(instance=ArticleIndexPage(title="Nyheter", slug="nyheter"))
        for i in range(10):
            index.add_child(instance=ArticlePage(title="Sida %d" % i, slug="sida-%d" % i))
for url in {urls!r}:
    WebhookEndpoint.objects.create(name=url[-12:], url=url, secret={secret!r})
"""

PUBLISH = """
import time
from django.db import transaction
from cms.events.recording import record, latest_event
from cms.models import ArticlePage

pages = list(ArticlePage.objects.order_by("pk"))
for i in range({count}):
    page = pages[i % len(pages)]
    last = latest_event("page", page.pk)
    kind = "page.unpublished" if last and last.type == "page.published" else "page.published"
    with transaction.atomic():
        event = record(kind, page, data={{"title": page.title, "n": i}})
    print(event.pk, time.time(), flush=True)
    time.sleep({pause})
"""


class Receivers:
    """Loopback receivers that verify every signature and note each message's first arrival;
    ``slow`` paths answer after ``slow_seconds``."""

    def __init__(self, slow: set[str] = frozenset(), slow_seconds: float = 10.0):
        self.lock = threading.Lock()
        self.accepted: Counter = Counter()
        self.first: dict[tuple[str, str], float] = {}
        self.bad = 0
        self.slow, self.slow_seconds = slow, slow_seconds
        self.verifier = standardwebhooks.Webhook(SECRET)
        self.server = LoopbackServer(self._handle)
        self.server.server.handle_error = lambda request, address: None

    def _handle(self, request):
        now = time.time()
        try:
            self.verifier.verify(request.body, dict(request.headers))
        except standardwebhooks.webhooks.WebhookVerificationError:
            with self.lock:
                self.bad += 1
            return 400, {}, b"bad signature"
        key = (request.path, request.headers.get("webhook-id"))
        with self.lock:
            self.accepted[key] += 1
            self.first.setdefault(key, now)
        if request.path in self.slow:
            time.sleep(self.slow_seconds)
        return 200, {}, b"ok"


@pytest.fixture(scope="module")
def baseline_dir():
    """The baseline's source tree (its migrations and code), beside this checkout's venv."""
    folder = Path(tempfile.mkdtemp(prefix="kanal-baseline-"))
    archive = subprocess.run(
        ["git", "archive", BASELINE_REF], cwd=BASE_DIR, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def redis_available() -> bool:
    try:
        redis.Redis.from_url(REDIS_TEST_URL).ping()
    except redis.ConnectionError:
        return False
    return True


_TEMPLATES: dict[tuple[str, Path], object] = {}


def migrated_template(kind: str, code: Path):
    """A database migrated once by ``code`` (a PostgreSQL template, an SQLite file) that
    every run of this module copies: migrating is slow on a loaded 2-core machine."""
    key = (kind, code)
    if key not in _TEMPLATES:
        if kind == "sqlite":
            path = Path(tempfile.mkdtemp(prefix="kanal-drain-template-")) / "db.sqlite3"
            url, template = f"sqlite:///{path}", path
        else:
            scratch = ScratchDatabase(prefix="kanal_drain_template_")
            scratch.create()
            url, template = scratch.url, scratch
        Cluster(url, base_dir=code).manage("migrate", "--noinput")
        _TEMPLATES[key] = template
    return _TEMPLATES[key]


@pytest.fixture(scope="module", autouse=True)
def drop_templates():
    yield
    for template in _TEMPLATES.values():
        if isinstance(template, ScratchDatabase):
            template.drop()
    _TEMPLATES.clear()


class Backend:
    """A scratch database (PostgreSQL or an SQLite file) migrated by one code tree."""

    def __init__(self, kind: str, code: Path):
        self.kind, self.code = kind, code
        template = migrated_template(kind, code)
        if kind == "sqlite":
            self.path = Path(tempfile.mkdtemp(prefix="kanal-drain-")) / "db.sqlite3"
            shutil.copy(template, self.path)
            self.url = f"sqlite:///{self.path}"
        else:
            self.scratch = ScratchDatabase(prefix="kanal_drain_bench_")
            self.scratch.create(template=template.name)
            self.url = self.scratch.url

    def count_delivered(self) -> int:
        sql = "SELECT count(*) FROM syndication_delivery WHERE status = 'delivered'"
        if self.kind == "sqlite":
            with sqlite3.connect(self.path, timeout=30) as conn:
                return conn.execute(sql).fetchone()[0]
        return self.scratch.query(sql)[0][0]

    def drop(self):
        if self.kind != "sqlite":
            self.scratch.drop()


def cluster_for(backend: Backend, rq: bool, interval: float) -> Cluster:
    baseline = backend.code != BASE_DIR
    if rq:
        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    return Cluster(
        backend.url,
        redis_url=REDIS_TEST_URL if rq else None,
        worker_interval=interval,
        base_dir=backend.code,
        queues=("default",) if baseline else ("default", "deliveries"),
    )


def drain(code: Path, kind: str, rq: bool, events: int) -> dict:
    backend = Backend(kind, code)
    receivers = Receivers()
    try:
        with receivers.server:
            cluster = cluster_for(backend, rq, interval=0.05)
            urls = [receivers.server.url(f"/hook/{i}") for i in range(ENDPOINTS)]
            cluster.python(SETUP.format(urls=urls, secret=SECRET))
            cluster.python(EMIT.format(count=events, pause=0))  # queued, no worker yet
            expected = events * ENDPOINTS
            started = time.monotonic()
            cluster.start(workers=WORKERS)
            try:
                done = 0
                while time.monotonic() - started < 900:
                    done = backend.count_delivered()
                    if done >= expected:
                        break
                    time.sleep(0.2)
                seconds = time.monotonic() - started
                time.sleep(1)  # late duplicates, if any, arrive now
            finally:
                cluster.stop()
    finally:
        backend.drop()
    distinct = len(receivers.accepted)
    return {
        "deliveries": done,
        "seconds": round(seconds, 1),
        "per_s": round(done / seconds, 1),
        "lost": expected - distinct,
        "duplicates": sum(n - 1 for n in receivers.accepted.values()),
        "bad_signatures": receivers.bad,
    }


def show(name: str, before: dict, after: dict, target: float) -> None:
    print(
        "\n"
        + json.dumps(
            {
                "bench": name,
                "before": before,
                "after": after,
                "ratio": round(after["per_s"] / before["per_s"], 1),
                "target_per_s": target,
                "workers": WORKERS,
            }
        )
    )


@pytest.mark.parametrize(
    ("kind", "rq", "target"),
    [("postgres", False, 250), ("postgres", True, 250), ("sqlite", False, 100)],
    ids=["postgres-db_worker", "postgres-rq", "sqlite-db_worker"],
)
def test_drain_5_endpoints_baseline_beside(baseline_dir, kind, rq, target):
    if rq and not redis_available():
        pytest.skip("needs Redis at 127.0.0.1:6379")
    before = (
        {"per_s": float(os.environ["BENCH_BASELINE_PER_S"]), "from": "an earlier run"}
        if os.environ.get("BENCH_BASELINE_PER_S")
        else drain(baseline_dir, kind, rq, BASELINE_EVENTS)
    )
    after = drain(BASE_DIR, kind, rq, EVENTS)
    show(
        f"drain x {ENDPOINTS} endpoints, {kind}, {'rq' if rq else 'db_worker'}",
        before,
        after,
        target,
    )
    for figures in (before, after):
        if "lost" in figures:
            assert figures["lost"] == 0 and figures["duplicates"] == 0
            assert figures["bad_signatures"] == 0


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def healthy_latency_beside_a_slow_endpoint(code: Path, rq: bool, publishes: int) -> dict:
    backend = Backend("postgres", code)
    receivers = Receivers(slow={"/slow"}, slow_seconds=10.0)
    try:
        with receivers.server:
            cluster = cluster_for(backend, rq, interval=0.05)
            urls = [receivers.server.url("/slow"), receivers.server.url("/healthy")]
            cluster.python(SETUP.format(urls=urls, secret=SECRET))
            cluster.start(workers=WORKERS)
            try:
                time.sleep(3)
                out = cluster.python(PUBLISH.format(count=publishes, pause=0.05))
                committed = {
                    line.split()[0]: float(line.split()[1])
                    for line in out.splitlines()
                    if line.startswith("evt_")
                }
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not all(
                    ("/healthy", e) in receivers.first for e in committed
                ):
                    time.sleep(0.1)
            finally:
                cluster.stop()
    finally:
        backend.drop()
    latencies = [
        (receivers.first[("/healthy", e)] - at) * 1000
        for e, at in committed.items()
        if ("/healthy", e) in receivers.first
    ]
    return {
        "publishes": len(committed),
        "healthy_delivered": len(latencies),
        "p50_ms": round(statistics.median(latencies)) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99)) if latencies else None,
        "max_ms": round(max(latencies)) if latencies else None,
    }


@pytest.mark.parametrize("rq", [False, True], ids=["db_worker", "rq"])
def test_slow_endpoint_never_delays_a_healthy_one_baseline_beside(baseline_dir, rq):
    if rq and not redis_available():
        pytest.skip("needs Redis at 127.0.0.1:6379")
    before = healthy_latency_beside_a_slow_endpoint(baseline_dir, rq, 100)
    after = healthy_latency_beside_a_slow_endpoint(BASE_DIR, rq, 100)
    print(
        "\n"
        + json.dumps(
            {
                "bench": f"healthy endpoint beside one answering after 10 s, "
                f"{'rq' if rq else 'db_worker'}, postgres",
                "before": before,
                "after": after,
                "target_p99_ms": 1000,
            }
        )
    )
    assert after["healthy_delivered"] == after["publishes"]
