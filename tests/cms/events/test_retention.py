"""Retention: superseded event data and old feedback comments are purged; the newest event
of every object keeps its data; the relay runs the purge daily, the command on demand."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cms.events import Event
from cms.events.retention import purge
from cms.models import PageFeedback

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def page_events(page):
    return list(Event.objects.for_object("page", page.pk).order_by("version"))


class TestPurge:
    def test_superseded_data_older_than_the_retention_is_dropped(self, make_article, settings):
        settings.KANAL_EVENT_DATA_RETENTION_DAYS = 90
        start = timezone.now()
        with time_machine.travel(start - 100 * DAY):
            page = make_article()
        with time_machine.travel(start - 50 * DAY):
            page.title = "Andra versionen"
            page.save_revision().publish()
        with time_machine.travel(start - 10 * DAY):
            page.title = "Tredje versionen"
            page.save_revision().publish()
        summary = purge(start)
        old, second, newest = page_events(page)
        assert (old.data, old.data_removed) == (None, "superseded")
        # superseded, but younger than 90 days: kept
        assert second.data["title"] == "Andra versionen" and second.data_removed == ""
        assert newest.data["title"] == "Tredje versionen"
        assert summary.event_data_removed == 1

    def test_the_newest_event_of_an_object_keeps_its_data_however_old(self, make_article):
        with time_machine.travel(timezone.now() - 400 * DAY):
            page = make_article()
        purge()
        [event] = page_events(page)
        assert event.data["title"] == page.title

    def test_feedback_comments_are_emptied_after_their_retention(self, make_article, settings):
        settings.KANAL_FEEDBACK_RETENTION_DAYS = 365
        page = make_article()
        old = PageFeedback.objects.create(
            page=page, useful=False, comment="gammal", created_at=timezone.now() - 366 * DAY
        )
        new = PageFeedback.objects.create(page=page, useful=True, comment="ny")
        summary = purge()
        old.refresh_from_db()
        new.refresh_from_db()
        assert (old.comment, old.useful) == ("", False)  # the answer stays for the counts
        assert new.comment == "ny"
        assert summary.feedback_comments_removed == 1

    def test_command_prints_a_summary(self, make_article):
        out = io.StringIO()
        call_command("purge_event_data", stdout=out)
        assert out.getvalue().startswith("Removed the data of 0 superseded event(s) older than")
        assert "0 feedback comment(s)" in out.getvalue()

    def test_the_relay_purges_once_a_day(self, make_article, settings):
        from syndication.relay import Relay

        settings.KANAL_EVENT_DATA_RETENTION_DAYS = 1
        relay = Relay(reconcile_every=1e9, publish_scheduled_every=1e9)
        with time_machine.travel(timezone.now() - 2 * DAY):
            page = make_article()
            page.save_revision().publish()
        first = relay.run_once()
        assert first.purged is not None and first.purged.event_data_removed >= 1
        assert relay.run_once().purged is None  # not again within the day
