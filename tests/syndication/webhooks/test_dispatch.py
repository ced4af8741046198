"""Fan-out: one delivery per matching endpoint; filters by event type, page type and theme."""

import pytest
from django.db import transaction

from cms.events import Event
from syndication.dispatch import Dispatched, dispatch_event
from syndication.models import Delivery, WebhookEndpoint
from themes.models import Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    return (
        Theme.objects.create(name="Ledarskap", slug="ledarskap"),
        Theme.objects.create(name="Matematik", slug="matematik"),
    )


def endpoint_for(receiver, name, **filters):
    themes = filters.pop("themes", [])
    endpoint = WebhookEndpoint.objects.create(name=name, url=receiver.url(f"/{name}"), **filters)
    endpoint.themes.set(themes)
    return endpoint


def delivered_to(endpoint):
    deliveries = Delivery.objects.filter(endpoint=endpoint).order_by("event__sequence")
    return list(deliveries.values_list("event__type", flat=True))


class TestDispatch:
    def test_one_delivery_per_matching_endpoint_and_idempotent(self, publish, receiver):
        a = endpoint_for(receiver, "a")
        b = endpoint_for(receiver, "b")
        page = publish()
        event = Event.objects.get(object_id=page.pk)
        assert dispatch_event(event.pk) == Dispatched(deliveries=[], pushes=[])  # nothing new
        assert delivered_to(a) == delivered_to(b) == ["page.published"]
        assert Event.objects.get(pk=event.pk).dispatched_at is not None

    def test_event_type_filter(self, publish, receiver, django_capture_on_commit_callbacks):
        only_unpublish = endpoint_for(receiver, "u", event_types=["page.unpublished"])
        page = publish()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            page.unpublish()
        assert delivered_to(only_unpublish) == ["page.unpublished"]

    def test_page_type_filter(self, publish, receiver):
        videos = endpoint_for(receiver, "v", page_types=["cms.VideoPage"])
        articles = endpoint_for(receiver, "a", page_types=["cms.ArticlePage"])
        publish()
        assert delivered_to(videos) == []
        assert delivered_to(articles) == ["page.published"]

    def test_theme_filter_and_later_events_about_known_objects(
        self, publish, receiver, themes, django_capture_on_commit_callbacks
    ):
        leadership, maths = themes
        follows_leadership = endpoint_for(receiver, "l", themes=[leadership])
        other = publish()
        other.themes.set([maths])
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            other.save_revision().publish()
        assert delivered_to(follows_leadership) == []

        page = publish()
        page.themes.set([leadership])
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            page.save_revision().publish()
        assert delivered_to(follows_leadership) == ["page.published"]
        # The theme is removed, then the page deleted: the consumer still hears both,
        # or it would keep showing a page that no longer belongs to it.
        page.themes.set([maths])
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            page.save_revision().publish()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            page.delete()
        assert delivered_to(follows_leadership) == [
            "page.published",
            "page.published",
            "page.unpublished",
            "page.deleted",
        ]


class TestDispatchBacklog:
    """The dispatch task fans a backlog out in one go; the later tasks are only wake-ups."""

    def test_one_task_dispatches_every_waiting_event_and_the_rest_find_nothing(
        self, article_index, receiver
    ):
        from cms.events.recording import record
        from cms.models import ArticlePage
        from syndication.dispatch import dispatch_pending

        endpoint = endpoint_for(receiver, "a")
        page = ArticlePage(title="Kö", live=True)
        article_index.add_child(instance=page)
        with transaction.atomic():  # committed, but no task ran: three events waiting
            kinds = ["page.published", "page.unpublished", "page.published"]
            events = [record(kind, page, data={"n": n}) for n, kind in enumerate(kinds)]
        (dispatched,) = dispatch_pending(events[1].pk)  # one chunk, one transaction
        assert dispatched.events == 3 and dispatched.drains == [endpoint.pk]
        sent_in = Delivery.objects.filter(pk__in=dispatched.deliveries).order_by("pk")
        assert [d.event_id for d in sent_in] == [e.pk for e in events]  # oldest first
        assert not Event.objects.undispatched().exists()
        assert list(dispatch_pending(events[0].pk)) == []  # a wake-up, nothing to do

    def test_a_backlog_is_fanned_out_in_chunks_in_event_order(self, article_index, receiver):
        from cms.events.recording import record
        from cms.models import ArticlePage
        from syndication.dispatch import dispatch_pending

        endpoint_for(receiver, "a")
        page = ArticlePage(title="Bitar", live=True)
        article_index.add_child(instance=page)
        with transaction.atomic():
            kinds = ["page.published", "page.unpublished"] * 3
            events = [record(kind, page, data={"n": n}) for n, kind in enumerate(kinds[:5])]
        chunks = list(dispatch_pending(events[4].pk, limit=4, chunk=2))
        assert [c.events for c in chunks] == [2, 2]  # the limit: the fifth waits
        assert list(Event.objects.undispatched()) == [events[4]]
        ids = [pk for c in chunks for pk in c.deliveries]
        assert [Delivery.objects.get(pk=pk).event_id for pk in ids] == [e.pk for e in events[:4]]


class TestDispatchWakes:
    """One dispatch task on the way at a time (``syndication.wakes``)."""

    def test_a_wake_is_requested_once_until_the_task_takes_it(self, db):
        from datetime import timedelta

        from django.utils import timezone

        from syndication.wakes import STALE_AFTER, request_wake, take_wake

        now = timezone.now()
        assert request_wake("dispatch", now) is True  # enqueue
        assert request_wake("dispatch", now) is False  # one is on the way
        take_wake("dispatch")  # the task starts
        assert request_wake("dispatch", now) is True
        later = now + STALE_AFTER + timedelta(seconds=1)
        assert request_wake("dispatch", later) is True  # that task was lost: wake again

    def test_a_burst_of_publishes_enqueues_one_dispatch_while_one_waits(
        self, article_index, receiver, django_capture_on_commit_callbacks
    ):
        from django_tasks.signals import task_enqueued

        from cms.events.recording import record
        from cms.models import ArticlePage
        from syndication.wakes import take_wake

        endpoint_for(receiver, "a")
        page = ArticlePage(title="Skur", live=True)
        article_index.add_child(instance=page)
        enqueued = []

        def note(sender, task_result, **kwargs):
            enqueued.append(task_result.task.name)

        task_enqueued.connect(note)
        try:
            take_wake("dispatch")
            from syndication.wakes import request_wake

            assert request_wake("dispatch")  # a dispatch task is on the way (not run yet)
            for n in range(3):
                with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                    record(["page.published", "page.unpublished"][n % 2], page, data={"n": n})
        finally:
            task_enqueued.disconnect(note)
        assert "dispatch" not in enqueued  # the one on the way will see all three
