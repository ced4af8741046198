"""The bounded push retry policy (``syndication.push.policy``): exponential backoff,
``Retry-After`` honoured, given up after a number of attempts or an age; a given-up push is
failed where the editor sees it, recorded as ``syndication.failed``, and can be retried from
the admin and from ``manage.py push --retry-failed``."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cms.events.models import Event
from syndication.push import delivery as push_delivery
from syndication.push import policy
from syndication.push.clients.base import FailureKind, PushError
from syndication.push.models import PushDelivery, RecordStatus, SyndicationRecord

pytestmark = pytest.mark.django_db


class NoJitter:
    @staticmethod
    def uniform(low, high):
        return 0.0


def transient(message="HTTP 500: temporary failure") -> PushError:
    return PushError(FailureKind.TRANSIENT, message, status_code=500)


class TestSchedule:
    def test_backoff_doubles_from_the_base_up_to_the_cap(self, settings):
        settings.KANAL_PUSH_RETRY_BASE_SECONDS = 30
        settings.KANAL_PUSH_RETRY_MAX_DELAY_SECONDS = 3600
        delays = [policy.backoff(n, NoJitter()).total_seconds() for n in range(1, 10)]
        assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]

    def test_jitter_stays_within_twenty_percent(self, settings):
        settings.KANAL_PUSH_RETRY_BASE_SECONDS = 100
        delays = {policy.backoff(1).total_seconds() for _ in range(200)}
        assert min(delays) >= 80 and max(delays) <= 120 and len(delays) > 1

    def test_retry_after_wins_over_the_backoff_for_429_and_503(self):
        now = timezone.now()
        error = PushError(FailureKind.THROTTLED, "HTTP 429: slow down", retry_after="600")
        assert policy.decide(error, 1, now, now).retry_in == timedelta(seconds=600)

    def test_a_throttled_answer_without_retry_after_backs_off(self, settings):
        settings.KANAL_PUSH_RETRY_BASE_SECONDS = 30
        now = timezone.now()
        error = PushError(FailureKind.THROTTLED, "HTTP 503: busy")
        assert timedelta(seconds=24) <= policy.decide(error, 1, now, now).retry_in
        assert policy.decide(error, 1, now, now).retry_in <= timedelta(seconds=36)


class TestGivingUp:
    def test_after_the_last_allowed_attempt(self, settings):
        settings.KANAL_PUSH_MAX_ATTEMPTS = 5
        now = timezone.now()
        assert policy.decide(transient(), 4, now, now).retry_in is not None
        decision = policy.decide(transient(), 5, now, now)
        assert decision.retry_in is None
        assert decision.reason == "HTTP 500: temporary failure — gave up after 5 attempts."

    def test_when_the_first_attempt_is_too_old(self, settings):
        settings.KANAL_PUSH_GIVE_UP_AFTER_SECONDS = 3600
        now = timezone.now()
        assert policy.decide(transient(), 2, now - timedelta(minutes=59), now).retry_in
        decision = policy.decide(transient(), 2, now - timedelta(hours=2), now)
        assert decision.retry_in is None and "in 2.0 h" in decision.reason

    def test_even_a_throttled_push_is_given_up_in_the_end(self, settings):
        settings.KANAL_PUSH_MAX_ATTEMPTS = 3
        now = timezone.now()
        error = PushError(FailureKind.THROTTLED, "HTTP 429", retry_after="1")
        assert policy.decide(error, 3, now, now).retry_in is None

    def test_a_content_error_at_once_and_refused_credentials_after_three(self):
        now = timezone.now()
        content = PushError(FailureKind.CONTENT, "HTTP 400: bad tag")
        assert policy.decide(content, 1, now, now) == policy.Decision(None, "HTTP 400: bad tag")
        auth = PushError(FailureKind.AUTH, "HTTP 401: no")
        assert policy.decide(auth, 2, now, now).retry_in is not None
        assert policy.decide(auth, 3, now, now).retry_in is None


@pytest.fixture
def fast_retries(settings):
    settings.KANAL_PUSH_RETRY_BASE_SECONDS = 0
    settings.KANAL_PUSH_MAX_ATTEMPTS = 3


def fail_everything(micropub, times=50):
    micropub.fail_next[:] = [(500, {}, b"temporary failure")] * times


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("redaktor", "r@example.org", "pw")
    client.force_login(user)
    return client


def give_up(editor, micropub, title="Bloggen är nere"):
    """Publish while the blog answers 500 until the push is given up (3 attempts)."""
    fail_everything(micropub)
    page = editor.publish_new(title)  # attempt 1, in-process (immediate task backend)
    delivery = PushDelivery.objects.get(page_id=page.pk)
    assert delivery.status == "pending" and delivery.attempts == 1
    assert push_delivery.attempt(delivery.pk) == "pending"
    assert push_delivery.attempt(delivery.pk) == "failed"
    return page, PushDelivery.objects.get(pk=delivery.pk)


class TestAGivenUpPush:
    def test_is_failed_on_the_record_with_the_reason_and_recorded_as_an_event(
        self, editor, mp_target, micropub, fast_retries
    ):
        page, delivery = give_up(editor, micropub)

        assert delivery.status == "failed" and delivery.attempts == 3
        reason = "HTTP 500: temporary failure — gave up after 3 attempts."
        assert delivery.last_error == reason
        record = SyndicationRecord.objects.get(page_id=page.pk, target=mp_target)
        assert record.status == RecordStatus.FAILED and record.last_error == reason
        event = Event.objects.get(type="syndication.failed")
        assert event.data == {"page_id": page.pk, "target": "Mikrobloggen", "error": reason}
        # ... and nothing retries it on its own any more.
        assert push_delivery.attempt(delivery.pk) is None
        assert not PushDelivery.objects.due(timezone.now(), timedelta(0)).exists()
        assert micropub.posts == {}

    def test_a_push_still_retrying_shows_its_error_but_is_not_failed(
        self, editor, mp_target, micropub, fast_retries
    ):
        fail_everything(micropub, times=1)
        page = editor.publish_new("Tillfälligt fel")
        record = SyndicationRecord.objects.get(page_id=page.pk, target=mp_target)
        assert record.status == RecordStatus.CREATING
        assert record.last_error == "HTTP 500: temporary failure"
        assert not Event.objects.filter(type="syndication.failed").exists()

    def test_the_age_limit_gives_up_a_push_with_attempts_left(
        self, editor, mp_target, micropub, settings
    ):
        settings.KANAL_PUSH_RETRY_BASE_SECONDS = 0
        settings.KANAL_PUSH_GIVE_UP_AFTER_SECONDS = 3600
        fail_everything(micropub)
        page = editor.publish_new("Gammalt försök")
        delivery = PushDelivery.objects.get(page_id=page.pk)
        PushDelivery.objects.filter(pk=delivery.pk).update(
            first_attempt_at=timezone.now() - timedelta(hours=3)
        )
        assert push_delivery.attempt(delivery.pk) == "failed"
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and "gave up after 2 attempts in 3.0 h" in delivery.last_error


class TestAFaultOfOurOwn:
    def test_is_bounded_and_shown_like_a_transient_failure(
        self, editor, mp_target, micropub, fast_retries, monkeypatch
    ):
        """An exception that is not a PushError (a bug, a database hiccup) used to leave the
        lease to expire and the push to be retried for ever without a word."""

        def broken(data):
            raise AttributeError("'str' object has no attribute 'get'")

        monkeypatch.setattr("syndication.push.engine.build_post", broken)
        page = editor.publish_new("Kraschar")
        delivery = PushDelivery.objects.get(page_id=page.pk)
        assert delivery.status == "pending" and delivery.lease_until is None
        assert delivery.last_error == (
            "Internal error: AttributeError: 'str' object has no attribute 'get'"
        )
        assert push_delivery.attempt(delivery.pk) == "pending"
        assert push_delivery.attempt(delivery.pk) == "failed"
        record = SyndicationRecord.objects.get(page_id=page.pk, target=mp_target)
        assert record.status == RecordStatus.FAILED and "Internal error" in record.last_error


class TestRetryingAGivenUpPush:
    def test_from_the_page_in_the_admin(
        self, admin, editor, mp_target, micropub, fast_retries, django_capture_on_commit_callbacks
    ):
        page, delivery = give_up(editor, micropub)
        micropub.fail_next.clear()  # the blog is back

        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(
                reverse("syndication_page_push_again", args=[page.pk, mp_target.pk])
            )
        assert response.status_code == 302
        delivery.refresh_from_db()
        assert delivery.status == "delivered" and delivery.attempts == 1  # a new series
        assert not PushDelivery.objects.filter(page_id=page.pk, manual=True).exists()
        record = SyndicationRecord.objects.get(page_id=page.pk, target=mp_target)
        assert record.status == RecordStatus.PUBLISHED and record.last_error == ""
        assert list(micropub.posts) == [record.remote_url]

    def test_a_retried_push_that_fails_again_is_given_up_again(
        self, admin, editor, mp_target, micropub, fast_retries
    ):
        page, delivery = give_up(editor, micropub)
        ids = push_delivery.retry_failed(PushDelivery.objects.filter(page_id=page.pk))
        assert ids == [delivery.pk]
        record = SyndicationRecord.objects.get(page_id=page.pk, target=mp_target)
        assert record.status == RecordStatus.PENDING
        for expected in ("pending", "pending", "failed"):
            assert push_delivery.attempt(delivery.pk) == expected
        assert Event.objects.filter(type="syndication.failed").count() == 2

    def test_from_the_command_line(self, editor, mp_target, micropub, fast_retries):
        page, _ = give_up(editor, micropub)
        other, _ = give_up(editor, micropub, title="Också nere")
        micropub.fail_next.clear()

        out, err = io.StringIO(), io.StringIO()
        call_command("push", "--retry-failed", "--page", str(page.pk), stdout=out, stderr=err)
        assert "1 failed push(es) to retry." in err.getvalue()
        assert f"[1/1] page {page.pk} -> Mikrobloggen: delivered" in err.getvalue()
        assert "1 push(es): 1 done, 0 failed." in out.getvalue()
        assert SyndicationRecord.objects.get(page_id=page.pk).status == RecordStatus.PUBLISHED
        # --page narrowed the retry: the other page's push is still failed.
        assert SyndicationRecord.objects.get(page_id=other.pk).status == RecordStatus.FAILED

        code = 0
        try:
            call_command("push", "--retry-failed", stdout=io.StringIO(), stderr=io.StringIO())
        except SystemExit as exc:
            code = int(exc.code or 0)
        assert code == 0
        assert SyndicationRecord.objects.get(page_id=other.pk).status == RecordStatus.PUBLISHED
        assert len(micropub.posts) == 2 and micropub.creates == 2
