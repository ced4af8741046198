"""Imports record ``syndication.imported`` next to the page's own ``page.published``, in the
import's transaction; the relay enqueues due polls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cms.events import Event
from cms.models import ArticlePage
from syndication.models import Source
from syndication.pull import upsert as upsert_module
from syndication.pull.models import ImportPolicy
from syndication.pull.pipeline import poll_source
from syndication.relay import Relay

pytestmark = pytest.mark.django_db


def events_for(page) -> list[str]:
    return list(
        Event.objects.for_object("page", page.pk)
        .order_by("sequence")
        .values_list("type", flat=True)
    )


class TestEvents:
    def test_each_import_records_imported_and_published(self, feed_server, make_source):
        source = make_source(feed_server.url("/rss_no_guids.xml"), name="Utan guid")
        poll_source(source)
        page = ArticlePage.objects.get(title="Första")
        assert events_for(page) == ["page.published", "syndication.imported"]
        imported = Event.objects.get(object_id=page.pk, type="syndication.imported")
        assert imported.data["source"] == {"id": source.pk, "name": "Utan guid"}
        assert imported.data["url"] == "https://noguid.example.org/forsta"
        assert imported.data["outcome"] == "created"
        assert imported.revision == page.live_revision_id

    def test_an_update_records_both_again_and_an_unchanged_poll_records_nothing(
        self, feed_server, make_source
    ):
        source = make_source(feed_server.url("/u.xml"))
        rss = (
            '<rss version="2.0"><channel><item><guid>g</guid><title>T</title>{}</item>'
            "</channel></rss>"
        )
        feed_server.serve("/u.xml", rss.format("<description>a</description>").encode())
        poll_source(source)
        poll_source(source)
        feed_server.serve("/u.xml", rss.format("<description>b</description>").encode())
        poll_source(source)
        page = ArticlePage.objects.get()
        assert events_for(page) == ["page.published", "syndication.imported"] * 2

    def test_a_draft_for_moderation_records_imported_only(self, feed_server, make_source):
        source = make_source(feed_server.url("/wordpress_blog.xml"), policy=ImportPolicy.MODERATE)
        poll_source(source)
        page = ArticlePage.objects.get()
        assert events_for(page) == ["syndication.imported"]
        assert Event.objects.get(object_id=page.pk).data["live"] is False

    def test_a_failed_import_leaves_no_event(self, feed_server, make_source, monkeypatch):
        source = make_source(feed_server.url("/rss_no_guids.xml"))
        real = upsert_module._record_imported

        def fail_after_recording(*args, **kwargs):
            real(*args, **kwargs)
            raise RuntimeError("crash after the event was written")

        monkeypatch.setattr(upsert_module, "_record_imported", fail_after_recording)
        poll_source(source)
        assert not ArticlePage.objects.exists()
        assert not Event.objects.exists()


class TestRelay:
    def test_a_relay_pass_enqueues_due_polls(
        self, feed_server, make_source, django_capture_on_commit_callbacks
    ):
        source = make_source(feed_server.url("/rss_no_guids.xml"))
        Source.objects.filter(pk=source.pk).update(next_poll_at=timezone.now() - timedelta(1))
        with django_capture_on_commit_callbacks(execute=True):
            report = Relay(reconcile_every=3600, publish_scheduled_every=3600).run_once()
        assert report.polls == 1
        assert ArticlePage.objects.count() == 3
