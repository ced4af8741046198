"""Push benchmark (``make bench``, marker ``wordpress``): Kanal against a real WordPress.

Reports, in one run:

* push throughput, posts/s created and updated: dispatching and attempting the push
  deliveries of ``BENCH_PUSH_POSTS`` published (then edited) pages — body built from the
  representation, record kept, events recorded — against the same blog's REST API driven
  directly with the same payloads (the ratio is Kanal's overhead);
* publish -> visible on WordPress, p50/p99 over ``BENCH_PUSH_LATENCY`` publishes with the task
  queue in-process (the time from the publish transaction's start until the blog's REST API
  returns the published post).

No timing is asserted; the figures are printed.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid

import pytest
from django.db import transaction
from django.test import override_settings
from wagtail.models import Page

from cms.events.models import Event
from cms.models import ArticleIndexPage, ArticlePage, HomePage
from cms.representation.cache import page_representation
from syndication.dispatch import dispatch_event
from syndication.push import delivery as push_delivery
from syndication.push.clients.wordpress import WordPressClient
from syndication.push.content import build_post
from syndication.push.models import PushDelivery, PushTarget
from tests.support.wordpress import start_wordpress

POSTS = int(os.environ.get("BENCH_PUSH_POSTS", 50))
LATENCY_SAMPLES = int(os.environ.get("BENCH_PUSH_LATENCY", 30))
BODY = [
    {
        "type": "paragraph",
        "value": "".join(
            f"<p>Stycke {n} om <strong>kollegialt lärande</strong> i förskolan.</p>"
            for n in range(8)
        ),
    }
]


def push_pending(page_ids) -> float:
    """Dispatch the pages' undispatched events and attempt every push; seconds taken."""
    started = time.perf_counter()
    events = Event.objects.filter(object_id__in=page_ids, dispatched_at=None).order_by("sequence")
    for event_id in list(events.values_list("pk", flat=True)):
        dispatch_event(event_id)
    for delivery_id in PushDelivery.objects.pending().values_list("pk", flat=True):
        assert push_delivery.attempt(delivery_id) == "delivered"
    return time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


@pytest.mark.wordpress
@pytest.mark.timeout(7200)
@pytest.mark.django_db(transaction=True)
def test_push_benchmark():
    wordpress = start_wordpress()
    results: list[tuple[str, str]] = []
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}"))
    index = home.add_child(instance=ArticleIndexPage(title="Nyheter", slug="nyheter"))
    run = uuid.uuid4().hex[:6]

    with override_settings(
        KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
    ):
        target = PushTarget(
            kind="wordpress", name="Bench", endpoint=wordpress.url, username=wordpress.user
        )
        target.set_secret(wordpress.app_password)
        target.save()

        pages = []
        for n in range(POSTS):
            page = ArticlePage(title=f"Bench {run} {n}", slug=f"bench-{run}-{n}", body=BODY)
            with transaction.atomic():
                index.add_child(instance=page)
                page.save_revision().publish()
            pages.append(page)
        ids = [p.pk for p in pages]
        created = push_pending(ids)

        for page in pages:
            page = ArticlePage.objects.get(pk=page.pk)
            page.title += " (ändrad)"
            with transaction.atomic():
                page.save_revision().publish()
        updated = push_pending(ids)

        # The same payloads straight to the blog's REST API.
        client = WordPressClient(wordpress.url, wordpress.user, wordpress.app_password)
        bodies = [build_post(page_representation(ArticlePage.objects.get(pk=pk))) for pk in ids]
        started = time.perf_counter()
        remotes = [client.create(post, f"direct-{run}-{n}", "") for n, post in enumerate(bodies)]
        direct_created = time.perf_counter() - started
        started = time.perf_counter()
        for remote, post in zip(remotes, bodies, strict=True):
            client.update(remote, post, "")
        direct_updated = time.perf_counter() - started

    # Publish -> visible, with the push run in-process after commit (immediate backend).
    latencies = []
    with override_settings(
        KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    ):
        for n in range(LATENCY_SAMPLES):
            slug = f"latency-{run}-{n}"
            page = ArticlePage(title=f"Latens {run} {n}", slug=slug, body=BODY)
            started = time.perf_counter()
            with transaction.atomic():
                index.add_child(instance=page)
                page.save_revision().publish()
            while not wordpress.posts(f"{slug}-k{page.pk}", status="publish"):
                time.sleep(0.01)
            latencies.append(time.perf_counter() - started)

    results += [
        ("Kanal create (posts/s)", f"{POSTS / created:.1f}"),
        ("direct REST create (posts/s)", f"{POSTS / direct_created:.1f}"),
        ("overhead create (Kanal time / direct)", f"{created / direct_created:.2f}x"),
        ("Kanal update (posts/s)", f"{POSTS / updated:.1f}"),
        ("direct REST update (posts/s)", f"{POSTS / direct_updated:.1f}"),
        ("overhead update (Kanal time / direct)", f"{updated / direct_updated:.2f}x"),
        ("publish -> visible p50 (ms)", f"{percentile(latencies, 50) * 1000:.0f}"),
        ("publish -> visible p99 (ms)", f"{percentile(latencies, 99) * 1000:.0f}"),
        ("publish -> visible mean (ms)", f"{statistics.mean(latencies) * 1000:.0f}"),
    ]
    print(f"\n\nPush benchmark: {POSTS} posts, {LATENCY_SAMPLES} latency samples, {wordpress.url}")
    for name, figure in results:
        print(f"  {name:<40} {figure}")
