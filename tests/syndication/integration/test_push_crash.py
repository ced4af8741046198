"""Push through crashes: 200 pages published while the workers pushing them to a blog are
SIGKILLed every ~0.5 s; once restarted workers and the relay have finished, the blog holds
exactly one post per page — 0 duplicates, 0 missing.

Like ``test_crash.py``: real ``db_worker`` processes (forked by the zygote) and a relay on a
scratch PostgreSQL database, short clocks. The blog is the loopback Micropub server in this
process (always) and the real WordPress from ``tests/peers/wordpress.sh`` (marker
``wordpress``; skipped with the reason when it cannot run here). A kill between a create
reaching the blog and the record saving its answer is exactly the lost-response case: the
retry must find the post (WordPress: by slug; Micropub: by the URL predicted from
``mp-slug``) instead of creating a second one.
"""

from __future__ import annotations

import os
import random
import secrets
import threading
import time
import urllib.error
from collections import Counter

import pytest

from tests.support.cluster import Cluster
from tests.support.micropub import MicropubServer

from .conftest import FAST_CLOCK, report, requires_postgres

pytestmark = [pytest.mark.slow, pytest.mark.postgres, requires_postgres]

PAGES = 200
# Seconds allowed for publishing, pushing and recovering: a bound on liveness, not a speed
# target (the time taken is logged with the figures: ~90 s for 200 WordPress posts on a
# 2-core machine at load 3). Overridable for a machine shared with other work.
DEADLINE = float(os.environ.get("KANAL_PUSH_CRASH_DEADLINE", "300"))
# Seconds without a single new published record: something is broken.
STALL = float(os.environ.get("KANAL_PUSH_CRASH_STALL", "60"))
SECRET_ENV = "KANAL_TEST_PUSH_SECRET"

PUSH_CLOCK = {
    **FAST_CLOCK,
    "KANAL_TEST_PUSH_RETRY_BASE_SECONDS": "1",
    # Kills count as attempts; the bound is not what this test is about.
    "KANAL_PUSH_MAX_ATTEMPTS": "1000",
}

SETUP = """
from django.db import transaction
from wagtail.models import Page
from cms.models import ArticleIndexPage, HomePage
from syndication.push.models import PushTarget

if not ArticleIndexPage.objects.exists():
    with transaction.atomic():
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Krasch", slug="krasch"))
        home.save_revision().publish()
        index = home.add_child(instance=ArticleIndexPage(title="Nyheter", slug="nyheter"))
        index.save_revision().publish()
PushTarget.objects.all().delete()
PushTarget.objects.create(
    kind={kind!r}, name="Bloggen", endpoint={endpoint!r}, username={username!r},
    credentials_env={secret_env!r},
)
"""

PUBLISH = """
from django.db import transaction
from cms.models import ArticleIndexPage, ArticlePage

index = ArticleIndexPage.objects.get()
for i in range({count}):
    page = ArticlePage(title="{marker} %d" % i, slug="{marker}-%d" % i, live=False)
    with transaction.atomic():
        index.add_child(instance=page)
        page.save_revision().publish()
    index.refresh_from_db()
print("published")
"""


def reset(database) -> None:
    database.query(
        "TRUNCATE syndication_pushdelivery, syndication_syndicationrecord, "
        "syndication_pushtarget_themes, syndication_pushtarget, syndication_delivery, "
        "django_tasks_database_dbtaskresult, cms_event CASCADE"
    )


def published_records(database) -> int:
    [(count,)] = database.query(
        "SELECT count(*) FROM syndication_syndicationrecord "
        "WHERE status = 'published' AND remote_id <> ''"
    )
    return count


def all_pushed(database) -> bool:
    [(open_deliveries,)] = database.query(
        "SELECT count(*) FROM syndication_pushdelivery WHERE status NOT IN ('delivered', 'skipped')"
    )
    [(undispatched,)] = database.query(
        "SELECT count(*) FROM cms_event WHERE dispatched_at IS NULL AND type = 'page.published'"
    )
    return open_deliveries == 0 and undispatched == 0 and published_records(database) >= PAGES


def run_push_crash_test(
    scratch_db, *, kind, endpoint, username, secret, remote_titles, name, kill_every, clock=None
):
    """Publish PAGES pages while killing a worker every ``kill_every`` (min, max) seconds;
    return the figures. ``remote_titles(marker)`` lists the titles of the blog's posts that
    carry this run's marker."""
    reset(scratch_db)
    marker = f"krasch-{secrets.token_hex(3)}"
    cluster = Cluster(scratch_db.url, extra_env={**PUSH_CLOCK, **(clock or {}), SECRET_ENV: secret})
    cluster.python(
        SETUP.format(kind=kind, endpoint=endpoint, username=username, secret_env=SECRET_ENV)
    )
    started = time.monotonic()
    cluster.start(workers=3)
    rng = random.Random(10)
    errors: list[str] = []
    try:

        def publish():
            try:
                cluster.python(PUBLISH.format(count=PAGES, marker=marker))
            except Exception as exc:  # surfaced by the test
                errors.append(str(exc))

        publisher = threading.Thread(target=publish, daemon=True)
        publisher.start()
        progress, last_progress = 0, time.monotonic()
        while time.monotonic() - started < DEADLINE:
            done = published_records(scratch_db)
            if done > progress:
                progress, last_progress = done, time.monotonic()
            assert time.monotonic() - last_progress < STALL, f"no push progress at {done}"
            time.sleep(rng.uniform(*kill_every))
            cluster.kill_worker(rng.randrange(3))
            cluster.revive_dead()
            if not publisher.is_alive() and done >= PAGES:
                break
        publisher.join(timeout=60)
        assert not errors, errors
        # Stop killing; let restarted workers and the relay finish what the kills left.
        while time.monotonic() - started < DEADLINE and not all_pushed(scratch_db):
            cluster.revive_dead()
            time.sleep(0.5)
    finally:
        cluster.stop()
    seconds = time.monotonic() - started
    titles = Counter(t for t in remote_titles(marker) if t.startswith(marker))
    expected = {f"{marker} {i}" for i in range(PAGES)}
    [(attempts,)] = scratch_db.query(
        "SELECT coalesce(sum(attempts), 0) FROM syndication_pushdelivery"
    )
    figures = {
        "pages": PAGES,
        "posts": sum(titles.values()),
        "duplicates": sum(n - 1 for n in titles.values()),
        "missing": len(expected - set(titles)),
        "records_published": published_records(scratch_db),
        "push_attempts": attempts,
        "kills": cluster.kills,
        "seconds": round(seconds, 1),
    }
    report(name, figures)
    assert all_pushed(scratch_db), f"not finished within {DEADLINE} s: {figures}"
    assert figures["kills"] >= 10
    assert figures["missing"] == 0, figures
    assert figures["duplicates"] == 0, figures
    assert set(titles) == expected
    return figures


class TestPushThroughWorkerKills:
    def test_micropub_gets_every_page_exactly_once(self, scratch_db):
        with MicropubServer() as micropub:
            micropub.server.server.handle_error = lambda request, address: None
            run_push_crash_test(
                scratch_db,
                kind="micropub",
                endpoint=micropub.site,
                username="",
                secret=micropub.token,
                remote_titles=lambda marker: [
                    post["properties"]["name"][0] for post in list(micropub.posts.values())
                ],
                name="push crash micropub",
                kill_every=(0.35, 0.65),
            )

    @pytest.mark.wordpress
    def test_wordpress_gets_every_page_exactly_once(self, scratch_db):
        from tests.support.wordpress import start_wordpress

        wordpress = start_wordpress()

        def titles(marker: str) -> list[str]:
            found, page = [], 1
            while True:
                try:
                    batch = wordpress.api(
                        "/wp/v2/posts",
                        search=marker,
                        status="publish,draft,pending,private,future",
                        per_page=100,
                        page=page,
                        context="edit",
                    )
                except urllib.error.HTTPError as error:
                    if error.code == 400 and page > 1:
                        return found  # rest_post_invalid_page_number: past the last page
                    raise
                found += [post["title"]["raw"] for post in batch]
                if len(batch) < 100:
                    return found
                page += 1

        run_push_crash_test(
            scratch_db,
            kind="wordpress",
            endpoint=wordpress.url,
            username=wordpress.user,
            secret=wordpress.app_password,
            remote_titles=titles,
            name="push crash wordpress",
            # A WordPress create takes far longer than a loopback answer: kills every 1-2 s
            # still land mid-request, and a lease longer than the slowest answer keeps a live
            # attempt from being taken over (the invariant production keeps with 60 s).
            kill_every=(1.0, 2.0),
            clock={"KANAL_TEST_LEASE_SECONDS": "15", "KANAL_TEST_REQUEUE_SECONDS": "30"},
        )
