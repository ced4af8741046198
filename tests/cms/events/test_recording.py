"""Recording events from Wagtail's signals, in the same transaction as the change."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from wagtail.signals import page_published

from cms.events import Event, EventType
from cms.events.handlers import on_page_published
from cms.events.reconcile import reconcile
from cms.events.recording import record
from cms.models import ArticlePage

pytestmark = pytest.mark.django_db


def events_for(page):
    return list(Event.objects.for_object("page", page.pk).order_by("version"))


class TestRecordingFromSignals:
    def test_publish_records_one_event_with_the_live_revision(self, make_article):
        page = make_article()
        [event] = events_for(page)
        assert event.type == EventType.PAGE_PUBLISHED
        assert event.revision == page.live_revision_id
        assert event.object_type == "cms.ArticlePage"
        assert event.version == 1
        assert event.data["title"] == page.title
        assert event.data["id"] == page.pk
        assert event.data["meta"]["type"] == "cms.ArticlePage"
        assert event.data["meta"]["revision"] == page.live_revision_id

    def test_unpublish_publish_delete_move_each_record_a_new_version(
        self, make_article, article_index
    ):
        page = make_article()
        page.unpublish()
        page.save_revision().publish()
        target = ArticlePage.objects.get(pk=page.pk)
        other_index = article_index.copy(
            update_attrs={"slug": "andra-nyheter", "title": "Andra"}, recursive=False
        )
        target.move(other_index, pos="last-child")
        moved = events_for(page)[-1]
        assert moved.type == "page.moved"
        assert moved.data["meta"]["parent"]["id"] == other_index.pk
        ArticlePage.objects.get(pk=page.pk).delete()

        events = events_for(page)
        assert [e.type for e in events] == [
            "page.published",
            "page.unpublished",
            "page.published",
            "page.moved",
            "page.unpublished",  # Wagtail unpublishes a live page before deleting it
            "page.deleted",
        ]
        assert [e.version for e in events] == [1, 2, 3, 4, 5, 6]
        # Erasure: deleting the page removed the data of every one of its events at once.
        assert [(e.data, e.data_removed) for e in events] == [(None, "deleted")] * 6
        assert events[5].object_type == "cms.ArticlePage"

    def test_deleting_a_never_published_draft_records_nothing(self, make_article):
        page = make_article(publish=False)
        page.delete()
        assert events_for(page) == []

    def test_sequence_is_global_and_increasing(self, make_article):
        pages = [make_article() for _ in range(3)]
        sequences = [events_for(p)[0].sequence for p in pages]
        assert sequences == sorted(sequences)
        assert len(set(sequences)) == 3

    def test_recording_the_same_state_twice_yields_the_existing_event(self, make_article):
        page = make_article()
        [first] = events_for(page)
        again = record(EventType.PAGE_PUBLISHED, page, revision=page.live_revision)
        assert again.pk == first.pk
        assert len(events_for(page)) == 1


class TestTransactionality:
    def test_rolled_back_publish_leaves_no_event(self, article_index):
        page = ArticlePage(title="Återkallad", slug="aterkallad", live=False)
        article_index.add_child(instance=page)
        before = Event.objects.count()
        with pytest.raises(RuntimeError), transaction.atomic():
            page.save_revision().publish()
            raise RuntimeError("rolled back")
        assert Event.objects.count() == before
        page.refresh_from_db()
        assert not page.live

    def test_failure_after_page_save_leaves_no_live_revision_without_event(
        self, article_index, monkeypatch
    ):
        """Inject a failure after Wagtail saved the live page (in the publish signal chain)."""
        page = ArticlePage(title="Halvvägs", slug="halvvags", live=False)
        article_index.add_child(instance=page)

        def explode(**kwargs):
            raise ConnectionError("injected after the page save")

        page_published.connect(explode, dispatch_uid="test_explode")
        try:
            with pytest.raises(ConnectionError), transaction.atomic():
                page.save_revision().publish()
        finally:
            page_published.disconnect(dispatch_uid="test_explode")
        page.refresh_from_db()
        assert not page.live and page.live_revision_id is None
        assert events_for(page) == []

    def test_every_live_revision_has_its_event(self, demo_site):
        """The demo seeder publishes in transactions: the reconciler finds nothing missing."""
        assert reconcile() == 0


class TestReconciler:
    def test_records_publish_made_without_signals(self, make_article):
        page = make_article(publish=False)
        # A publish that bypassed recording (process killed between save and record).
        revision = page.latest_revision
        ArticlePage.objects.filter(pk=page.pk).update(live=True, live_revision=revision)
        assert events_for(page) == []

        assert reconcile() == 1
        [event] = events_for(page)
        assert (event.type, event.revision) == ("page.published", revision.pk)
        assert reconcile() == 0

    def test_the_frequent_pass_looks_only_at_recent_pages_and_the_sweep_at_all(self, make_article):
        page = make_article(publish=False)
        revision = page.latest_revision
        long_ago = timezone.now() - datetime.timedelta(days=2)
        ArticlePage.objects.filter(pk=page.pk).update(
            live=True,
            live_revision=revision,
            last_published_at=long_ago,
            latest_revision_created_at=long_ago,
        )
        recent = timezone.now() - datetime.timedelta(minutes=1)
        assert reconcile(since=recent) == 0  # not recent: left to the sweep
        ArticlePage.objects.filter(pk=page.pk).update(last_published_at=timezone.now())
        assert reconcile(since=recent) == 1

    def test_the_sweep_finds_an_old_page_the_frequent_pass_skips(self, make_article):
        page = make_article(publish=False)
        long_ago = timezone.now() - datetime.timedelta(days=2)
        ArticlePage.objects.filter(pk=page.pk).update(
            live=True,
            live_revision=page.latest_revision,
            last_published_at=long_ago,
            latest_revision_created_at=long_ago,
        )
        assert reconcile(since=timezone.now() - datetime.timedelta(minutes=1)) == 0
        assert reconcile() == 1

    def test_records_unpublish_made_without_signals(self, make_article):
        page = make_article()
        ArticlePage.objects.filter(pk=page.pk).update(live=False, live_revision=None)
        assert reconcile() == 1
        assert events_for(page)[-1].type == "page.unpublished"

    def test_scheduled_publishing_gets_its_event(self, make_article):
        """Wagtail's ``publish_scheduled`` runs outside our transaction; a publish whose event
        was never recorded (the signal handler disconnected, as after a crash) is recorded by
        the reconciler, once, at the live revision."""
        page = make_article(publish=False)
        go_live = timezone.now() + datetime.timedelta(hours=1)
        page_published.disconnect(dispatch_uid="kanal_events_page_published")
        try:
            page.go_live_at = go_live
            page.save_revision().publish()
            page.refresh_from_db()
            assert not page.live
            with time_machine.travel(go_live + datetime.timedelta(minutes=1)):
                call_command("publish_scheduled", stdout=io.StringIO())
        finally:
            page_published.connect(on_page_published, dispatch_uid="kanal_events_page_published")
        page.refresh_from_db()
        assert page.live
        assert events_for(page) == []  # premise: nothing recorded the publish
        assert reconcile() == 1
        published = [e for e in events_for(page) if e.type == "page.published"]
        assert [e.revision for e in published] == [page.live_revision_id]
        assert reconcile() == 0
