"""Publish benchmark (issue 15, target 3): publishes/s with 4 concurrent publishers, Kanal's
publish (the event recorded in the publish's transaction, under the global sequence lock) beside
Wagtail's plain publish (Kanal's recording handlers disconnected), same database, same run.

Each publisher is its own process with its own pages (no row contention but the sequence
counter's); they start together and the rate is publishes over the wall time of the slowest.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kanal_x make bench BENCH_ARGS="-k publish"
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.support.cluster import BASE_DIR, Cluster, ScratchDatabase, postgres_url

pytestmark = [
    pytest.mark.skipif(postgres_url() is None, reason="benchmarks need PostgreSQL"),
    pytest.mark.timeout(1200),
]

PUBLISHERS = 4
PER_PUBLISHER = 60

SETUP = """
from django.db import transaction
from wagtail.models import Page
from cms.models import ArticleIndexPage, ArticlePage, HomePage

root = Page.get_first_root_node()
with transaction.atomic():
    home = root.add_child(instance=HomePage(title="Bänk", slug="bank"))
    index = home.add_child(instance=ArticleIndexPage(title="Nyheter", slug="nyheter"))
    for i in range({pages}):
        index.add_child(instance=ArticlePage(title="Sida %d" % i, slug="sida-%d" % i))
"""

PUBLISHER = """
import sys, time
import django
django.setup()
from django.db import transaction
from django.db.models.signals import pre_save
from wagtail.signals import page_published
from cms.models import ArticlePage

slot, count, start_at, mode = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
if mode == "plain":  # Wagtail's own publish: Kanal's event recording disconnected
    page_published.disconnect(dispatch_uid="kanal_events_page_published")
    pre_save.disconnect(dispatch_uid="kanal_events_page_saving")
pages = list(ArticlePage.objects.order_by("pk"))[slot::{publishers}]
while time.time() < start_at:
    time.sleep(0.005)
for i in range(count):
    page = pages[i % len(pages)]
    page.title = "Sida %d, version %d %s" % (page.pk, i, mode)
    with transaction.atomic():
        page.save_revision().publish()
print(time.time(), flush=True)
"""


def run_publishers(cluster: Cluster, mode: str) -> dict:
    start_at = time.time() + 8  # every process booted by then
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                PUBLISHER.format(publishers=PUBLISHERS),
                str(slot),
                str(PER_PUBLISHER),
                str(start_at),
                mode,
            ],
            cwd=cluster.base_dir,
            env=cluster.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for slot in range(PUBLISHERS)
    ]
    ends = []
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err[-2000:]
        ends.append(float(out.split()[-1]))
    seconds = max(ends) - start_at
    total = PUBLISHERS * PER_PUBLISHER
    return {"publishes": total, "seconds": round(seconds, 2), "per_s": round(total / seconds, 1)}


def test_publish_rate_4_publishers_beside_plain_wagtail():
    database = ScratchDatabase(prefix="kanal_publish_bench_")
    database.create()
    try:
        cluster = Cluster(database.url, base_dir=BASE_DIR)
        cluster.manage("migrate", "--noinput")
        cluster.python(SETUP.format(pages=PUBLISHERS * 10))
        rounds = []
        for _ in range(2):  # alternate, so drift on a shared machine hits both alike
            plain = run_publishers(cluster, "plain")
            kanal = run_publishers(cluster, "kanal")
            rounds.append((plain, kanal))
        [(events,)] = database.query("SELECT count(*) FROM cms_event")
    finally:
        database.drop()
    plain = max((p for p, _ in rounds), key=lambda f: f["per_s"])
    kanal = max((k for _, k in rounds), key=lambda f: f["per_s"])
    print(
        "\n"
        + json.dumps(
            {
                "bench": f"publish, {PUBLISHERS} concurrent publishers, postgres",
                "wagtail_plain": plain,
                "kanal": kanal,
                "ratio": round(kanal["per_s"] / plain["per_s"], 2),
                "target_ratio": 0.8,
                "rounds": rounds,
            }
        )
    )
    assert events >= 2 * PUBLISHERS * PER_PUBLISHER  # the Kanal rounds recorded every publish
