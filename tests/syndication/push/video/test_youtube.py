"""YouTube: the snippet of the channel's own videos kept in step within the daily quota, against
a loopback Data API that validates each request against YouTube's discovery document."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from syndication.push import quota
from syndication.push import video as video_push
from syndication.push.models import PushDelivery, PushTarget, RecordStatus, SyndicationRecord
from syndication.push.video_models import QuotaLedger

from .conftest import run_due

pytestmark = pytest.mark.django_db

# 08:00 in Los Angeles (PST): the Pacific day 2026-12-02 runs until 2026-12-03 08:00 UTC.
MORNING = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=301)  # past KANAL_YOUTUBE_COALESCE_SECONDS (300)


def yt_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def video_id(n: int) -> str:
    return f"kanalvid{n:03d}"  # 11 characters, like YouTube's ids


def record_of(page, target) -> SyndicationRecord:
    return SyndicationRecord.objects.get(page_id=page.pk, target=target)


@pytest.fixture
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


class TestSnippetInStep:
    def test_an_edit_updates_title_description_and_tags_keeping_the_category(
        self, video_editor, yt_target, youtube, clock
    ):
        youtube.add_video(video_id(1), title="Gammal titel", categoryId="27", defaultLanguage="sv")
        page = video_editor.publish_new(
            "Ny titel", yt_url(video_id(1)), tags=["matematik", "lärande"], description="Om tal."
        )
        assert youtube.calls == []  # waiting to coalesce more edits
        clock.shift(WINDOW)
        run_due()
        snippet = youtube.videos[video_id(1)]["snippet"]
        assert snippet["title"] == "Ny titel"
        assert snippet["description"].startswith("Om tal.\n\nPublicerades först på http")
        assert sorted(snippet["tags"]) == ["lärande", "matematik"]
        assert snippet["categoryId"] == "27" and snippet["defaultLanguage"] == "sv"
        rec = record_of(page, yt_target)
        assert rec.status == RecordStatus.PUBLISHED
        assert rec.remote_url == f"https://www.youtube.com/watch?v={video_id(1)}"
        assert youtube.calls == ["youtube.videos.list", "youtube.videos.update"]
        assert quota.today(yt_target, timezone.now()).spent == 51 == youtube.spent_today()

    def test_several_edits_of_one_page_become_one_update(
        self, video_editor, yt_target, youtube, clock
    ):
        youtube.add_video(video_id(2))
        page = video_editor.publish_new("Första", yt_url(video_id(2)))
        for n in range(5):
            clock.shift(timedelta(seconds=30))
            page = video_editor.edit(page, title=f"Version {n}")
        clock.shift(WINDOW)
        run_due()
        assert youtube.updates == {video_id(2): 1}
        assert youtube.videos[video_id(2)]["snippet"]["title"] == "Version 4"

    def test_an_unchanged_snippet_costs_one_unit_not_fifty_one(
        self, video_editor, yt_target, youtube, clock
    ):
        youtube.add_video(video_id(3))
        page = video_editor.publish_new("Samma", yt_url(video_id(3)))
        clock.shift(WINDOW)
        run_due()
        video_editor.edit(page)
        clock.shift(WINDOW)
        run_due()
        assert youtube.updates == {video_id(3): 1}
        assert youtube.spent_today() == 51 + 1 == quota.today(yt_target, timezone.now()).spent

    def test_unpublish_and_delete_leave_the_channels_video_alone(
        self, video_editor, yt_target, youtube, clock
    ):
        youtube.add_video(video_id(4))
        page = video_editor.publish_new("Stannar", yt_url(video_id(4)))
        clock.shift(WINDOW)
        run_due()
        calls = list(youtube.calls)
        video_editor.unpublish(page)
        assert record_of(page, yt_target).status == RecordStatus.WITHDRAWN
        video_editor.delete(page)
        clock.shift(WINDOW)
        run_due()
        assert youtube.calls == calls and video_id(4) in youtube.videos

    def test_a_video_of_another_channel_is_never_changed(
        self, video_editor, yt_target, youtube, clock
    ):
        youtube.add_video(video_id(5), channel_id="UCsomeoneElseEntirely000")
        page = video_editor.publish_new("Inte vår", yt_url(video_id(5)))
        clock.shift(WINDOW)
        run_due()
        rec = record_of(page, yt_target)
        assert rec.status == RecordStatus.FAILED and "tillhör inte kanalen" in rec.last_error
        assert youtube.updates == {}


class TestErrors:
    def test_a_video_deleted_on_youtube_is_said_on_the_record(
        self, video_editor, yt_target, youtube, clock
    ):
        page = video_editor.publish_new("Borta", yt_url(video_id(6)))
        clock.shift(WINDOW)
        run_due()
        rec = record_of(page, yt_target)
        assert rec.status == RecordStatus.FAILED and "finns inte på YouTube" in rec.last_error
        assert rec.video_state.remote_missing
        # The editor points the page at the right video and publishes again.
        youtube.add_video(video_id(7))
        video_editor.edit(page, video_url=yt_url(video_id(7)))
        clock.shift(WINDOW)
        run_due()
        rec = record_of(page, yt_target)
        assert rec.status == RecordStatus.PUBLISHED and not rec.video_state.remote_missing

    def test_a_404_on_update_is_a_missing_video(self, video_editor, yt_target, youtube, clock):
        youtube.add_video(video_id(8))
        youtube.script("youtube.videos.update", 404, {"reason": "videoNotFound"})
        page = video_editor.publish_new("Försvann", yt_url(video_id(8)))
        clock.shift(WINDOW)
        run_due()
        assert record_of(page, yt_target).video_state.remote_missing

    def test_a_revoked_access_token_is_refreshed_once(
        self, video_editor, yt_target, youtube, clock
    ):
        youtube.add_video(video_id(9))
        page = video_editor.publish_new("Token", yt_url(video_id(9)))
        clock.shift(WINDOW)
        run_due()
        youtube.revoke_access()
        video_editor.edit(page, title="Token, ändrad")
        clock.shift(WINDOW)
        run_due()
        assert youtube.refreshes == 2
        assert youtube.videos[video_id(9)]["snippet"]["title"] == "Token, ändrad"

    def test_an_access_token_is_refreshed_before_it_expires(
        self, video_editor, yt_target, youtube, clock
    ):
        youtube.add_video(video_id(10))
        page = video_editor.publish_new("Förnyas", yt_url(video_id(10)))
        clock.shift(WINDOW)
        run_due()
        clock.shift(timedelta(seconds=youtube.access_ttl - 120))  # 2 minutes of validity left
        video_editor.edit(page, title="Förnyas, ändrad")
        clock.shift(WINDOW)
        run_due()
        assert youtube.refreshes == 2  # refreshed before use, not after a 401

    def test_a_revoked_refresh_token_is_an_auth_failure(
        self, video_editor, yt_target, youtube, clock
    ):
        youtube.refresh_token = "revoked"
        youtube.add_video(video_id(11))
        page = video_editor.publish_new("Nekad", yt_url(video_id(11)))
        for _ in range(3):
            clock.shift(timedelta(hours=12))
            run_due()
        delivery = PushDelivery.objects.get(page_id=page.pk)
        assert delivery.status == "failed" and "expired or revoked" in delivery.last_error
        # The shared policy stops after 3 attempts (the first one waited to coalesce edits).
        target = PushTarget.objects.get(pk=yt_target.pk)
        assert target.auth_failures == 2 and "expired or revoked" in target.last_error

    def test_quota_exceeded_waits_for_the_reset_and_is_not_an_auth_failure(
        self, video_editor, yt_target, youtube, clock
    ):
        youtube.add_video(video_id(12))
        youtube.script("youtube.videos.list", 403, {"reason": "quotaExceeded", "message": "quota"})
        page = video_editor.publish_new("Kvot", yt_url(video_id(12)))
        clock.shift(WINDOW)
        run_due()
        delivery = PushDelivery.objects.get(page_id=page.pk)
        reset = quota.next_reset(timezone.now())
        assert delivery.status == "pending"
        assert reset <= delivery.next_attempt_at <= reset + timedelta(minutes=10)
        target = PushTarget.objects.get(pk=yt_target.pk)
        assert target.healthy and target.auth_failures == 0
        assert QuotaLedger.objects.get(target=yt_target).exhausted
        # Nothing more is sent today, whatever our own count says.
        video_editor.edit(page, title="Kvot, ändrad")
        clock.shift(WINDOW)
        run_due()
        assert youtube.calls == []
        clock.move_to(reset + timedelta(minutes=11))
        run_due()
        assert youtube.videos[video_id(12)]["snippet"]["title"] == "Kvot, ändrad"

    def test_quota_exceeded_on_the_update_waits_for_the_reset_too(
        self, video_editor, yt_target, youtube, clock
    ):
        youtube.add_video(video_id(15))
        youtube.script(
            "youtube.videos.update", 403, {"reason": "quotaExceeded", "message": "quota"}
        )
        page = video_editor.publish_new("Kvot vid uppdatering", yt_url(video_id(15)))
        clock.shift(WINDOW)
        run_due()
        delivery = PushDelivery.objects.get(page_id=page.pk)
        reset = quota.next_reset(timezone.now())
        assert delivery.status == "pending" and delivery.next_attempt_at >= reset
        assert PushTarget.objects.get(pk=yt_target.pk).auth_failures == 0
        assert QuotaLedger.objects.get(target=yt_target).exhausted
        clock.move_to(reset + timedelta(minutes=11))
        run_due()
        assert youtube.videos[video_id(15)]["snippet"]["title"] == "Kvot vid uppdatering"
        assert record_of(page, yt_target).status == RecordStatus.PUBLISHED

    def test_a_400_from_youtube_fails_the_record_with_its_message(
        self, video_editor, yt_target, youtube, clock
    ):
        youtube.add_video(video_id(13))
        youtube.script(
            "youtube.videos.update", 400, {"reason": "invalidTags", "message": "Invalid tags"}
        )
        page = video_editor.publish_new("Taggfel", yt_url(video_id(13)))
        clock.shift(WINDOW)
        run_due()
        rec = record_of(page, yt_target)
        assert rec.status == RecordStatus.FAILED and "Invalid tags" in rec.last_error

    def test_a_5xx_is_retried(self, video_editor, yt_target, youtube, clock):
        youtube.add_video(video_id(14))
        youtube.script("youtube.videos.update", 503, {"reason": "backendError"})
        page = video_editor.publish_new("Serverfel", yt_url(video_id(14)))
        clock.shift(WINDOW)
        run_due()
        assert PushDelivery.objects.get(page_id=page.pk).status == "pending"
        clock.shift(timedelta(hours=1))
        run_due()
        assert youtube.videos[video_id(14)]["snippet"]["title"] == "Serverfel"

    def test_a_slow_answer_is_a_timeout_retried_later_and_its_units_stay_counted(
        self, video_editor, yt_target, youtube, clock, monkeypatch
    ):
        monkeypatch.setattr(video_push, "TOTAL_TIMEOUT", 0.5)
        youtube.add_video(video_id(16))
        youtube.slow("youtube.videos.list", 1.5)
        page = video_editor.publish_new("Långsam", yt_url(video_id(16)))
        clock.shift(WINDOW)
        run_due()
        delivery = PushDelivery.objects.get(page_id=page.pk)
        assert delivery.status == "pending" and "Timeout" in delivery.last_error
        assert youtube.updates == {}
        # The unit of the read that timed out stays counted (Google may have counted it); the
        # 50 reserved for the update that was never sent are given back.
        assert quota.today(yt_target, timezone.now()).spent == 1
        youtube.delays.clear()
        clock.shift(timedelta(hours=1))
        run_due()
        assert youtube.videos[video_id(16)]["snippet"]["title"] == "Långsam"
        assert record_of(page, yt_target).status == RecordStatus.PUBLISHED
        assert quota.today(yt_target, timezone.now()).spent >= youtube.spent_today()


@pytest.mark.slow
class TestDailyBudget:
    PAGES = 20
    # 200 edits (10 rounds) already need more than a day's budget (156 updates of 51 units), so
    # the suite checks the rule in ~2 minutes; KANAL_TEST_YOUTUBE_EDITS=1000 runs the issue's
    # full day (about five times as long).
    EDITS = int(os.environ.get("KANAL_TEST_YOUTUBE_EDITS", "200"))

    @pytest.mark.timeout(1800)
    def test_a_day_of_edits_of_20_pages_stays_within_budget_and_converges(
        self, video_editor, yt_target, youtube, clock, settings
    ):
        # 1,000 publishes: the search index is not what this test is about.
        settings.WAGTAILSEARCH_BACKENDS = {
            name: {**config, "AUTO_UPDATE": False}
            for name, config in settings.WAGTAILSEARCH_BACKENDS.items()
        }
        budget = settings.KANAL_YOUTUBE_DAILY_BUDGET
        assert budget == 8000
        pages = []
        for n in range(self.PAGES):
            youtube.add_video(video_id(100 + n))
            pages.append(video_editor.publish_new(f"Film {n}", yt_url(video_id(100 + n))))
        edits = 0
        rounds = 0
        while edits < self.EDITS:
            for n, page in enumerate(pages):
                pages[n] = video_editor.edit(
                    page, title=f"Film {n} r{rounds}", tags=[f"runda{rounds}"]
                )
                edits += 1
            rounds += 1
            clock.shift(timedelta(minutes=10))  # 50 rounds: 08:00 to 16:20 Pacific
            run_due()
        assert quota.pacific_day(timezone.now()) == quota.pacific_day(MORNING)
        spent = quota.today(yt_target, timezone.now()).spent
        day_one = {
            "spent": spent,
            "google": youtube.spent_today(),
            "updates": sum(youtube.updates.values()),
        }
        assert youtube.spent_today() <= spent <= budget
        assert spent > budget - 51  # the budget was used, not left idle
        waiting = quota.today(yt_target, timezone.now()).waiting
        assert waiting > 0  # the day's last edits wait for tomorrow

        clock.move_to(quota.next_reset(timezone.now()) + timedelta(minutes=11))
        run_due()
        assert PushDelivery.objects.pending().count() == 0
        for n, page in enumerate(pages):
            snippet = youtube.videos[video_id(100 + n)]["snippet"]
            assert snippet["title"] == page.title == f"Film {n} r{rounds - 1}"
            assert snippet["tags"] == [f"runda{rounds - 1}"]
        print(
            f"\n[youtube budget] edits={edits} pages={self.PAGES} day1={day_one} "
            f"day2_spent={youtube.spent_today()} waiting_at_end_of_day1={waiting}"
        )


class TestScope:
    def test_a_video_not_on_youtube_is_not_this_targets_business(
        self, video_editor, yt_target, youtube, clock
    ):
        page = video_editor.publish_new("Vimeo-film", "https://vimeo.com/76979871")
        clock.shift(WINDOW)
        run_due()
        assert not SyndicationRecord.objects.filter(page_id=page.pk).exists()
        assert PushDelivery.objects.get(page_id=page.pk).status == "skipped"
        assert youtube.calls == []
