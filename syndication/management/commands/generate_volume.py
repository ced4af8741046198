"""``manage.py generate_volume --pages N --delivered M``: grow a database to a given size, for
the growth benchmark (issue 15, target 5) — N live article pages, each with its
``page.published`` event, and M delivered webhook deliveries spread over those events and a few
endpoints (the outbox history a site accumulates).

Bulk inserts, not fixtures and not the publish path: 100k pages through Wagtail's publish take
hours on two cores, and what is measured is how reads, the relay and deliveries behave *on* a
large database, not how it was filled. So the rows are written the way Wagtail would leave them
(tree paths from treebeard's own ``_get_path``, the parent's ``numchild``, a content type per
page, the event's sequence from the counter under its lock), in chunks, with progress output.
Idempotent in size: it adds only what is missing to reach N and M.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page

from cms.events.models import Event, EventCounter, EventType
from cms.models import ArticleIndexPage, ArticlePage
from syndication.webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint

CHUNK = 5_000
SLUG_PREFIX = "volym-"


class Command(BaseCommand):
    help = "Add live article pages and delivered outbox rows up to the given totals."

    def add_arguments(self, parser):
        parser.add_argument("--pages", type=int, default=1000, help="live generated pages")
        parser.add_argument(
            "--delivered", type=int, default=0, help="delivered webhook deliveries in total"
        )
        parser.add_argument("--endpoints", type=int, default=5)

    def handle(self, *args, pages: int, delivered: int, endpoints: int, **options):
        parent = ArticleIndexPage.objects.order_by("path").first()
        if parent is None:
            raise CommandError("No article index page: run `manage.py seed_demo` first.")
        started = time.monotonic()
        made = self.make_pages(parent, pages)
        made_rows = self.make_deliveries(delivered, endpoints)
        self.stdout.write(
            f"Added {made} pages and {made_rows} delivered deliveries "
            f"in {time.monotonic() - started:.0f} s."
        )

    def progress(self, what: str, done: int, total: int) -> None:
        self.stdout.write(f"  {what}: {done}/{total}")
        self.stdout.flush()

    def make_pages(self, parent: Page, total: int) -> int:
        existing = ArticlePage.objects.filter(slug__startswith=SLUG_PREFIX).count()
        if existing >= total:
            return 0
        content_type = ContentType.objects.get_for_model(ArticlePage)
        locale_id = Locale.get_default().pk
        now = timezone.now()
        fields = list(ArticlePage._meta.local_concrete_fields)
        made = 0
        for start in range(existing, total, CHUNK):
            end = min(start + CHUNK, total)
            with transaction.atomic():
                parent = Page.objects.select_for_update().get(pk=parent.pk)
                page_rows, children = [], []
                for number in range(start, end):
                    parent.numchild += 1
                    when = now - timedelta(minutes=number)
                    page_rows.append(
                        Page(
                            path=ArticlePage._get_path(
                                parent.path, parent.depth + 1, parent.numchild
                            ),
                            depth=parent.depth + 1,
                            numchild=0,
                            title=f"Volymartikel {number}",
                            draft_title=f"Volymartikel {number}",
                            slug=f"{SLUG_PREFIX}{number}",
                            content_type=content_type,
                            live=True,
                            has_unpublished_changes=False,
                            url_path=f"{parent.url_path}{SLUG_PREFIX}{number}/",
                            first_published_at=when,
                            last_published_at=when,
                            locale_id=locale_id,
                        )
                    )
                Page.objects.bulk_create(page_rows)
                for row in page_rows:
                    child = ArticlePage(
                        page_ptr_id=row.pk,
                        intro=f"Ingress för {row.title}.",
                        body=[{"type": "paragraph", "value": f"<p>{row.title}.</p>"}],
                        publication_date=row.first_published_at,
                    )
                    children.append(child)
                # The child table's rows (multi-table inheritance: bulk_create refuses it).
                ArticlePage._base_manager._insert(children, fields=fields)
                Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild)
                self.record_published(page_rows, now)
            made += end - start
            self.progress("pages", end, total)
        return made

    def record_published(self, pages: list[Page], now) -> None:
        counter = EventCounter.objects.select_for_update().filter(pk=1).first()
        if counter is None:
            EventCounter.objects.get_or_create(pk=1)
            counter = EventCounter.objects.select_for_update().get(pk=1)
        events = []
        for page in pages:
            counter.value += 1
            events.append(
                Event(
                    sequence=counter.value,
                    type=EventType.PAGE_PUBLISHED,
                    occurred_at=page.first_published_at,
                    object_kind="page",
                    object_id=page.pk,
                    object_type="cms.ArticlePage",
                    version=1,
                    data={"title": page.title, "slug": page.slug},
                    dispatched_at=now,
                )
            )
        Event.objects.bulk_create(events)
        counter.save(update_fields=["value"])

    def make_deliveries(self, total: int, endpoint_count: int) -> int:
        existing = Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count()
        if existing >= total:
            return 0
        event_ids = list(Event.objects.order_by("sequence").values_list("pk", flat=True))
        if not event_ids:
            raise CommandError("No events to attach deliveries to: generate pages first.")
        # One delivery per (event, endpoint): enough endpoints for the rows asked for.
        endpoint_count = max(endpoint_count, -(-total // len(event_ids)))
        endpoints = list(WebhookEndpoint.objects.filter(name__startswith="Volym"))
        for number in range(len(endpoints), endpoint_count):
            endpoints.append(
                WebhookEndpoint.objects.create(
                    name=f"Volym {number}",
                    url=f"https://volym-{number}.example.org/hook",
                    active=False,  # history only: nothing is ever sent to it
                )
            )
        now = timezone.now()
        pairs = (
            (event_ids[(n // len(endpoints)) % len(event_ids)], endpoints[n % len(endpoints)])
            for n in range(existing, total)
        )
        made = 0
        while made < total - existing:
            rows = []
            for event_id, endpoint in pairs:
                when = now - timedelta(seconds=total - existing - made - len(rows))
                rows.append(
                    Delivery(
                        endpoint=endpoint,
                        event_id=event_id,
                        status=DeliveryStatus.DELIVERED,
                        attempts=1,
                        next_attempt_at=when,
                        last_attempt_at=when,
                        delivered_at=when,
                        last_status_code=200,
                        last_latency_ms=12,
                    )
                )
                if len(rows) == CHUNK * 4:
                    break
            if not rows:
                break
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
            made += len(rows)
            self.progress("delivered deliveries", existing + made, total)
        return made
