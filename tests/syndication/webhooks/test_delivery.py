"""Publishing to a real loopback receiver: at least once, signed, policy applied."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import standardwebhooks
import time_machine
from django.db import transaction
from django.utils import timezone

from cms.events import Event
from syndication.models import Delivery, DeliveryStatus, WebhookEndpoint
from syndication.relay import claim_due_deliveries
from syndication.webhooks import delivery as delivery_module
from syndication.webhooks import policy

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def only_delivery(page=None) -> Delivery:
    qs = Delivery.objects.all()
    if page is not None:
        qs = qs.filter(event__object_id=page.pk)
    [delivery] = qs
    return delivery


class TestPublishDelivers:
    def test_publish_sends_one_signed_request_with_the_envelope(self, publish, receiver, endpoint):
        page = publish()
        [request] = receiver.requests
        body = request["body"]
        envelope = standardwebhooks.Webhook(endpoint.secret).verify(body, request["headers"])
        event = Event.objects.get(object_id=page.pk)
        assert request["headers"]["webhook-id"] == event.pk == envelope["id"]
        assert envelope == event.envelope()
        assert body == event.body()
        assert request["headers"]["Content-Type"] == "application/json"
        delivery = only_delivery()
        assert delivery.status == DeliveryStatus.DELIVERED
        assert delivery.attempts == 1 and delivery.last_status_code == 200
        assert delivery.last_latency_ms is not None and delivery.delivered_at
        assert delivery.lease_until is None

    def test_rolled_back_publish_sends_nothing(
        self, article_index, receiver, endpoint, django_capture_on_commit_callbacks
    ):
        from cms.models import ArticlePage

        page = ArticlePage(title="Ångrad", slug="angrad", live=False)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                article_index.add_child(instance=page)
                page.save_revision().publish()
                raise RuntimeError("editor's request failed")
        assert callbacks == []
        assert Event.objects.count() == 0
        assert Delivery.objects.count() == 0
        assert receiver.server.connections == 0

    def test_inactive_endpoint_gets_nothing(self, publish, receiver, endpoint):
        endpoint.active = False
        endpoint.save()
        publish()
        assert receiver.requests == []
        assert Delivery.objects.count() == 0

    def test_rotated_secret_sends_both_signatures(self, publish, receiver, endpoint):
        old = endpoint.secret
        new = endpoint.rotate_secret()
        publish()
        [request] = receiver.requests
        assert len(request["headers"]["webhook-signature"].split(" ")) == 2
        for secret in (old, new):
            standardwebhooks.Webhook(secret).verify(request["body"], request["headers"])

    def test_previous_secret_expires_after_24_hours(self, endpoint):
        old = endpoint.secret
        endpoint.rotate_secret()
        now = timezone.now()
        assert old in endpoint.signing_secrets(now + timedelta(hours=23))
        assert endpoint.signing_secrets(now + timedelta(hours=25)) == [endpoint.secret]

    def test_url_is_checked_again_at_delivery(self, publish, receiver, endpoint, settings):
        settings.KANAL_ALLOW_PRIVATE_HOSTS = []
        publish()
        assert receiver.server.connections == 0
        delivery = only_delivery()
        assert delivery.status == DeliveryStatus.PENDING
        assert "address check" in delivery.last_error

    def test_relay_dispatches_an_event_whose_wake_up_was_lost(
        self, article_index, receiver, endpoint, relay_pass
    ):
        from cms.models import ArticlePage

        page = ArticlePage(title="Tappad", slug="tappad", live=False)
        with transaction.atomic():  # no on-commit hooks run: as if the process died
            article_index.add_child(instance=page)
            page.save_revision().publish()
        assert receiver.requests == []
        with time_machine.travel(timezone.now() + timedelta(seconds=10)):
            report = relay_pass()
        assert report.dispatched == 1
        assert len(receiver.requests) == 1
        assert only_delivery().status == DeliveryStatus.DELIVERED


class TestRetrySchedule:
    def test_failures_follow_the_schedule_with_jitter_and_never_give_up(
        self, publish, receiver, endpoint, relay_pass
    ):
        receiver.default = (500, {})
        tries = len(policy.retry_schedule()) + 3  # past the end: the last delay repeats
        with time_machine.travel(T0, tick=False) as clock:
            publish()
            delays = []
            for _ in range(tries):
                delivery = only_delivery()
                assert delivery.status == DeliveryStatus.PENDING
                delays.append((delivery.next_attempt_at - timezone.now()).total_seconds())
                clock.move_to(delivery.next_attempt_at - timedelta(seconds=1))
                assert relay_pass().enqueued == 0  # not due yet
                clock.move_to(delivery.next_attempt_at)
                assert relay_pass().enqueued == 1
            delivery = only_delivery()
        expected = [*policy.retry_schedule(), *[policy.retry_schedule()[-1]] * 3]
        assert expected[:7] == [5, 300, 1800, 7200, 18000, 36000, 36000]
        for delay, base in zip(delays, expected, strict=True):
            assert base * 0.8 <= delay <= base * 1.2
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.attempts == tries + 1 == len(receiver.requests)
        # every attempt carried the same webhook-id, each with a fresh timestamp
        assert {r["headers"]["webhook-id"] for r in receiver.requests} == {delivery.event_id}
        timestamps = [int(r["headers"]["webhook-timestamp"]) for r in receiver.requests]
        assert timestamps == sorted(timestamps) and len(set(timestamps)) == len(timestamps)

    def test_jitter_stays_within_twenty_percent(self):
        import random

        rng = random.Random(1)
        schedule = [*policy.retry_schedule(), policy.retry_schedule()[-1]]
        for attempts, base in enumerate(schedule, start=1):
            samples = [policy.retry_delay(attempts, rng).total_seconds() for _ in range(200)]
            assert base * 0.8 <= min(samples) < base * 0.9
            assert base * 1.1 < max(samples) <= base * 1.2
        assert policy.retry_delay(1000, rng).total_seconds() <= 10 * 3600 * 1.2

    @pytest.mark.parametrize("status", [429, 503])
    def test_retry_after_seconds_is_honoured(self, publish, receiver, endpoint, status):
        receiver.script.append((status, {"Retry-After": "120"}))
        with time_machine.travel(T0, tick=False):
            publish()
            delivery = only_delivery()
            assert delivery.next_attempt_at == T0 + timedelta(seconds=120)
        assert delivery.status == DeliveryStatus.PENDING

    def test_retry_after_http_date_is_honoured(self, publish, receiver, endpoint):
        receiver.script.append((503, {"Retry-After": "Mon, 02 Mar 2026 09:30:00 GMT"}))
        with time_machine.travel(T0, tick=False):
            publish()
        assert only_delivery().next_attempt_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    def test_429_without_retry_after_uses_the_schedule(self, publish, receiver, endpoint):
        receiver.script.append((429, {}))
        with time_machine.travel(T0, tick=False):
            publish()
        delay = (only_delivery().next_attempt_at - T0).total_seconds()
        assert 4 <= delay <= 6

    def test_410_disables_the_endpoint_at_once_and_keeps_the_delivery(
        self, publish, receiver, endpoint, relay_pass, mailoutbox, admin_user
    ):
        receiver.default = (410, {})
        first = publish()
        endpoint.refresh_from_db()
        assert not endpoint.active
        assert "410" in endpoint.disabled_reason
        assert only_delivery().status == DeliveryStatus.PENDING
        second = publish()  # recorded for the disabled endpoint, not attempted
        relay_pass()
        assert len(receiver.requests) == 1
        assert Delivery.objects.pending().count() == 2
        [mail] = mailoutbox
        assert mail.to == [admin_user.email] and endpoint.name in mail.subject
        assert "410" in mail.body

        receiver.default = (200, {})
        endpoint.active = True
        endpoint.save()  # the administrator activates it again
        relay_pass()
        assert Delivery.objects.pending().count() == 0
        ids = [json.loads(r["body"])["object"]["id"] for r in receiver.requests[1:]]
        assert ids == [first.pk, second.pk]

    def test_redirect_is_a_failure_and_is_not_followed(self, publish, receiver, endpoint):
        receiver.script.append((301, {"Location": receiver.url("/elsewhere")}))
        publish()
        assert [r["path"] for r in receiver.requests] == ["/hook"]
        delivery = only_delivery()
        assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code == 301
        assert "not followed" in delivery.last_error

    def test_endpoint_failing_for_five_days_is_disabled(self, publish, receiver, endpoint):
        receiver.default = (500, {})
        with time_machine.travel(T0, tick=False) as clock:
            publish()
            endpoint.refresh_from_db()
            assert endpoint.failing_since == T0 and endpoint.active
            clock.move_to(T0 + timedelta(days=4, hours=23))
            publish()
            endpoint.refresh_from_db()
            assert endpoint.active
            clock.move_to(T0 + timedelta(days=5, minutes=1))
            publish()
        endpoint.refresh_from_db()
        assert not endpoint.active
        assert "5 days" in endpoint.disabled_reason
        # Nothing failed for good: all three deliveries wait for the endpoint.
        assert Delivery.objects.pending().count() == 3

    def test_reenabling_revives_deliveries_an_older_policy_gave_up_on(
        self, publish, receiver, endpoint, relay_pass
    ):
        receiver.default = (500, {})
        page = publish()
        Delivery.objects.update(status=DeliveryStatus.FAILED)  # "gave up after 10 attempts"
        endpoint.disable("test")
        receiver.default = (200, {})
        endpoint.active = True
        endpoint.save()
        relay_pass()
        delivery = only_delivery()
        assert delivery.status == DeliveryStatus.DELIVERED
        assert json.loads(receiver.requests[-1]["body"])["object"]["id"] == page.pk

    def test_a_success_clears_the_failing_state(self, publish, receiver, endpoint):
        receiver.script.append((500, {}))
        publish()
        endpoint.refresh_from_db()
        assert endpoint.failing_since is not None
        publish()
        endpoint.refresh_from_db()
        assert endpoint.failing_since is None


class TestLeases:
    def test_attempt_killed_after_sending_is_redelivered_with_the_same_id(
        self, publish, receiver, endpoint, relay_pass
    ):
        endpoint.active = False  # publish without delivering, then deliver by hand
        endpoint.save()
        with time_machine.travel(T0, tick=False) as clock:
            page = publish()
            endpoint.active = True
            endpoint.save()
            from syndication.dispatch import dispatch_event

            dispatch_event(Event.objects.get(object_id=page.pk).pk)
            delivery = only_delivery()
            claim = delivery_module.claim(delivery.pk)
            delivery_module.send(Delivery.objects.get(pk=delivery.pk))  # then the worker dies
            assert delivery_module.claim(delivery.pk) is None  # leased: nobody else sends
            assert relay_pass().enqueued == 0
            clock.move_to(T0 + delivery_module.lease_duration() + timedelta(seconds=1))
            assert relay_pass().enqueued == 1
            # the dead worker's late outcome is ignored: its lease was taken over
            late = delivery_module.record_outcome(claim, delivery_module.AttemptResult(500, 1))
            assert late is None
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
        ids = [r["headers"]["webhook-id"] for r in receiver.requests]
        assert ids == [delivery.event_id, delivery.event_id]


class TestPerEndpointConcurrency:
    def make_due(self, endpoint, events, now):
        return [
            Delivery.objects.create(endpoint=endpoint, event=e, next_attempt_at=now) for e in events
        ]

    def test_a_down_endpoint_gets_one_slot_and_healthy_ones_all_theirs(
        self, publish, receiver, endpoint
    ):
        endpoint.active = False
        endpoint.save()
        pages = [publish() for _ in range(5)]
        events = list(Event.objects.filter(object_id__in=[p.pk for p in pages]))
        now = timezone.now()
        dead = WebhookEndpoint.objects.create(
            name="Död", url=receiver.url("/dead"), failing_since=now - timedelta(hours=1)
        )
        healthy = WebhookEndpoint.objects.create(name="Frisk", url=receiver.url("/ok"))
        self.make_due(dead, events, now)
        self.make_due(healthy, events, now)

        chosen = Delivery.objects.filter(pk__in=claim_due_deliveries(now))
        assert chosen.filter(endpoint=healthy).count() == 5
        assert chosen.filter(endpoint=dead).count() == 1

    def test_a_flaky_endpoint_is_not_throttled_like_a_down_one(self, endpoint, settings):
        settings.KANAL_WEBHOOK_MAX_IN_FLIGHT = 2
        now = timezone.now()
        endpoint.failing_since = now - timedelta(seconds=5)
        assert not endpoint.is_degraded(now) and endpoint.max_in_flight(now) == 2
        endpoint.failing_since = now - timedelta(minutes=5)
        assert endpoint.is_degraded(now) and endpoint.max_in_flight(now) == 1

    def test_worker_will_not_exceed_the_endpoint_limit(self, publish, receiver, endpoint, settings):
        settings.KANAL_WEBHOOK_MAX_IN_FLIGHT = 2
        endpoint.active = False
        endpoint.save()
        pages = [publish() for _ in range(3)]
        endpoint.active = True
        endpoint.save()
        events = Event.objects.filter(object_id__in=[p.pk for p in pages])
        deliveries = self.make_due(endpoint, events, timezone.now())
        claims = [delivery_module.claim(d.pk) for d in deliveries]
        assert [c is not None for c in claims] == [True, True, False]


class TestOrdering:
    def test_consumer_keeping_the_highest_version_ends_right_whatever_the_order(
        self, publish, receiver, endpoint, django_capture_on_commit_callbacks
    ):
        import random

        receiver.default = (500, {})
        with time_machine.travel(T0, tick=False) as clock:
            page = publish()
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                page.unpublish()
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                page.title = "Åter publicerad"
                page.save_revision().publish()
            deliveries = list(Delivery.objects.filter(endpoint=endpoint))
            assert len(deliveries) == 3
            receiver.default = (200, {})
            receiver.requests.clear()
            clock.move_to(T0 + timedelta(minutes=1))
            for order in range(6):
                random.Random(order).shuffle(deliveries)
                Delivery.objects.update(
                    status=DeliveryStatus.PENDING, lease_until=None, next_attempt_at=timezone.now()
                )
                receiver.requests.clear()
                for d in deliveries:
                    delivery_module.attempt(d.pk)
                state: dict = {}
                for r in receiver.requests:
                    envelope = json.loads(r["body"])
                    key = (envelope["object"]["kind"], envelope["object"]["id"])
                    if envelope["object"]["version"] > state.get(key, {"v": 0})["v"]:
                        state[key] = {"v": envelope["object"]["version"], "e": envelope}
                final = state[("page", page.pk)]["e"]
                assert final["type"] == "page.published"
                assert final["data"]["title"] == "Åter publicerad"
                assert final["object"]["version"] == 3
