"""kill -9 during PeerTube imports: real worker processes on a scratch PostgreSQL database push
VideoPages to a loopback PeerTube (validating every request against PeerTube's OpenAPI
document) while a random worker is SIGKILLed every ~0.4 s. The import's answer is held back
after PeerTube committed it, so kills land between "imported" and "Kanal knows": the retry
must find the import by its target URL instead of importing again. 0 duplicate imports."""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from collections import Counter

import pytest
import yaml

from tests.support.apidoc import peertube_document_path
from tests.support.cluster import Cluster
from tests.support.peertube import FakePeerTube

from .conftest import FAST_CLOCK, report, requires_postgres

pytestmark = [pytest.mark.slow, pytest.mark.postgres, requires_postgres]

PAGES = 40
DEADLINE = 240
KEY = "a2FuYWwtdGVzdC1jcmVkZW50aWFscy1rZXktMzJieXQ="

SETUP = """
from django.db import transaction
from wagtail.models import Page
from cms.models import HomePage, VideoIndexPage, VideoPage
from syndication.push.models import PushTarget
from syndication.push.video_models import VideoChannel
root = Page.get_first_root_node()
with transaction.atomic():
    home = root.add_child(instance=HomePage(title="Krasch", slug="krasch-video"))
    index = home.add_child(instance=VideoIndexPage(title="Filmer", slug="filmer"))
    for i in range({pages}):
        index.add_child(instance=VideoPage(
            title="Film %d" % i, slug="film-%d" % i, live=False,
            video_url="https://www.youtube.com/watch?v=crashvid%03d" % i))
    target = PushTarget(kind="peertube", name="PeerTube", endpoint={url!r}, username={user!r})
    target.set_secret({password!r})
    target.save()
    VideoChannel.objects.create(target=target, channel={channel!r})
"""

PUBLISH = """
import time
from django.db import transaction
from cms.models import VideoPage
for page in VideoPage.objects.order_by("pk"):
    with transaction.atomic():
        page.save_revision().publish()
    time.sleep(0.05)
print("published")
"""

STATE = """
import json
from django.db.models import Count
from syndication.push.models import PushDelivery, SyndicationRecord
records = SyndicationRecord.objects.values("status").annotate(n=Count("pk"))
print(json.dumps({
    "pending": PushDelivery.objects.pending().count(),
    "records": {row["status"]: row["n"] for row in records},
}))
"""


def state(cluster: Cluster) -> dict:
    return json.loads(cluster.python(STATE).strip().splitlines()[-1])


@pytest.mark.timeout(1200)  # the scratch database's migrations count too
def test_killed_workers_leave_no_duplicate_imports(scratch_db):
    path = peertube_document_path()
    if path is None:
        pytest.skip("PeerTube's OpenAPI document is not available (see tests/support/apidoc.py)")
    with FakePeerTube(yaml.safe_load(path.read_text())) as peertube:
        peertube.import_answer_delay = 0.3  # committed remotely; the answer is the kill window
        cluster = Cluster(scratch_db.url, extra_env={**FAST_CLOCK, "KANAL_CREDENTIALS_KEY": KEY})
        cluster.python(
            SETUP.format(
                pages=PAGES,
                url=peertube.url,
                user=peertube.username,
                password=peertube.password,
                channel=peertube.channel,
            )
        )
        started = time.monotonic()
        cluster.start(workers=3)
        rng = random.Random(5)
        errors: list[str] = []

        def publish() -> None:
            try:
                cluster.python(PUBLISH)
            except Exception as exc:  # surfaced below
                errors.append(str(exc))

        publisher = threading.Thread(target=publish, daemon=True)
        try:
            publisher.start()
            while time.monotonic() - started < DEADLINE:
                time.sleep(rng.uniform(0.25, 0.55))
                cluster.kill_worker(rng.randrange(3))
                cluster.revive_dead()
                if not publisher.is_alive() and len(peertube.imports) >= PAGES:
                    break
            publisher.join(timeout=60)
            # Stop killing; let the relay recover what the last kills left leased.
            current = state(cluster)
            while time.monotonic() - started < DEADLINE and current["pending"]:
                cluster.revive_dead()
                time.sleep(1)
                current = state(cluster)
        finally:
            try:
                cluster.stop()
            except subprocess.TimeoutExpired:
                cluster.zygote.kill()  # a busy machine: the fork server was slow to exit
        per_url = Counter(item["targetUrl"] for item in peertube.imports)
        figures = {
            "pages": PAGES,
            "imports": len(peertube.imports),
            "distinct_urls": len(per_url),
            "duplicate_imports": sum(n - 1 for n in per_url.values()),
            "kills": cluster.kills,
            "pending_left": current["pending"],
            "records": current["records"],
            "violations": len(peertube.violations),
            "seconds": round(time.monotonic() - started, 1),
        }
        report("peertube kill -9", figures)
        assert not errors, errors
        assert not peertube.violations, peertube.violations[:5]
        assert figures["kills"] >= 10
        assert figures["distinct_urls"] == PAGES
        assert figures["duplicate_imports"] == 0
        assert figures["pending_left"] == 0
        assert current["records"] == {"published": PAGES}
