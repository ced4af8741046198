"""Growth benchmark (issue 15, target 5): the same operations at 1k, 10k and 100k pages, with
the delivered outbox history growing alongside (10k, 100k, 1M rows), each figure beside the
smallest size's as a ratio (target: within 1.5x at 100k). Data comes from
``manage.py generate_volume`` (bulk, not fixtures); measurements run in a child process on a
scratch PostgreSQL database, with Django's test client for the API (no network in the way).

Measured per size: API list, detail and 304 revalidation (from the response cache, and list
and detail again with the cache emptied before each request); change-feed pages at the start and
in the middle of the log; one relay pass with and without the reconciler; a batch drain of 200
deliveries to a loopback receiver (ms per delivery); the retention prune with nothing to prune.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kanal_x make bench BENCH_ARGS="-k growth"
    BENCH_GROWTH="1000:10000,10000:100000,100000:1000000"  (pages:delivered, the default)
"""

from __future__ import annotations

import json
import os

import pytest

from tests.support.cluster import Cluster, ScratchDatabase, postgres_url
from tests.support.loopback import LoopbackServer

pytestmark = [
    pytest.mark.skipif(postgres_url() is None, reason="benchmarks need PostgreSQL"),
    pytest.mark.timeout(3600),
]

SIZES = [
    tuple(int(n) for n in pair.split(":"))
    for pair in os.environ.get("BENCH_GROWTH", "1000:10000,10000:100000,100000:1000000").split(",")
]

MEASURE = """
import json, statistics, time
from django.test import Client
from django.utils import timezone
from cms.events import Event
from cms.models import ArticlePage
from syndication.models import Delivery, WebhookEndpoint
from syndication.relay import Relay
from syndication.webhooks import batch
from syndication.webhooks.retention import prune_delivered

def timed(fn, n=20):
    fn()  # warm
    samples = []
    for _ in range(n):
        t = time.perf_counter(); fn(); samples.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(samples), 2)

client = Client()
page = ArticlePage.objects.filter(slug__startswith="volym-").order_by("-pk").first()
def detail(): assert client.get(f"/api/v2/pages/{{page.pk}}/").status_code == 200
etag = client.get(f"/api/v2/pages/{{page.pk}}/").headers.get("ETag")
def revalidate():
    response = client.get(f"/api/v2/pages/{{page.pk}}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
def listing(): assert client.get("/api/v2/pages/?type=cms.ArticlePage&limit=20").status_code == 200
middle = Event.objects.count() // 2
# The same with the response and representation caches emptied first (what a miss costs).
from django.core.cache import cache
def listing_uncached(): cache.clear(); listing()
def detail_uncached(): cache.clear(); detail()
def changes_start(): assert client.get("/api/v2/changes/?limit=100").status_code == 200
def changes_middle():
    assert client.get(f"/api/v2/changes/?cursor={{middle}}&limit=100").status_code == 200
relay = Relay(
    reconcile_every=1e9, publish_scheduled_every=1e9, renew_leases_every=1e9, purge_every=1e9
)
def changes_middle_uncached(): cache.clear(); changes_middle()
def relay_pass(): relay.run_once()
def reconcile_pass():
    from cms.events.reconcile import reconcile
    reconcile()

endpoint = WebhookEndpoint.objects.create(name="Mätning", url={url!r})
events = list(Event.objects.order_by("-sequence").values_list("pk", flat=True)[:200])
Delivery.objects.bulk_create([Delivery(endpoint=endpoint, event_id=e) for e in events])
t = time.perf_counter()
report = batch.drain(endpoint.pk)
drain_ms = (time.perf_counter() - t) * 1000
assert report.delivered == 200, report
print(json.dumps({{
    "api_list_ms": timed(listing), "api_detail_ms": timed(detail), "api_304_ms": timed(revalidate),
    "api_list_uncached_ms": timed(listing_uncached),
    "api_detail_uncached_ms": timed(detail_uncached),
    "changes_start_ms": timed(changes_start), "changes_middle_ms": timed(changes_middle),
    "changes_middle_uncached_ms": timed(changes_middle_uncached),
    "relay_pass_ms": timed(relay_pass, 5), "reconcile_ms": timed(reconcile_pass, 3),
    "drain_ms_per_delivery": round(drain_ms / 200, 2),
    "prune_nothing_ms": timed(lambda: prune_delivered(), 3),
}}))
"""


def test_costs_stay_flat_as_content_and_history_grow():
    database = ScratchDatabase(prefix="kanal_growth_bench_")
    database.create()
    rows = []
    try:
        cluster = Cluster(database.url, extra_env={"KANAL_API_ANON_RATE_PER_MINUTE": "0"})
        cluster.manage("migrate", "--noinput")
        cluster.manage("seed_demo")
        with LoopbackServer(lambda request: (200, {}, b"ok")) as receiver:
            for pages, delivered in SIZES:
                cluster.manage(
                    "generate_volume", "--pages", str(pages), "--delivered", str(delivered),
                    timeout=3000,
                )  # fmt: skip
                database.query("VACUUM ANALYZE")
                out = cluster.python(MEASURE.format(url=receiver.url("/hook")))
                figures = json.loads(out.strip().splitlines()[-1])
                rows.append({"pages": pages, "delivered_rows": delivered, **figures})
                print("\n" + json.dumps({"bench": "growth (one size)", **rows[-1]}), flush=True)
                # The measuring endpoint goes with all its deliveries: the drained ones and those
                # the relay passes fanned out to it (events the demo left undispatched).
                cluster.python(
                    "from syndication.models import WebhookEndpoint\n"
                    "WebhookEndpoint.objects.filter(name='Mätning').delete()\n"
                )
    finally:
        database.drop()
    first = rows[0]
    for row in rows:
        ratios = {
            key: round(value / first[key], 2) if first[key] else None
            for key, value in row.items()
            if key.endswith("_ms") or key.endswith("_per_delivery")
        }
        print("\n" + json.dumps({"bench": "growth", **row, "ratio_to_smallest": ratios}))
    assert len(rows) == len(SIZES)
