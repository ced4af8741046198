"""Batched delivery (``syndication.webhooks.batch``): one claim, one keep-alive connection and one
verdict UPDATE per batch, with the single attempt's lease and policy semantics."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.events import Event
from syndication.models import Delivery, DeliveryStatus, WebhookEndpoint
from syndication.webhooks import batch

pytestmark = pytest.mark.django_db


@pytest.fixture
def backlog(publish, endpoint):
    """``make(n)``: n published events recorded for ``endpoint`` while it was inactive, then
    made due: a backlog nobody has attempted yet."""

    def make(n: int) -> list[Delivery]:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
        pages = [publish() for _ in range(n)]
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=True)
        events = Event.objects.filter(object_id__in=[p.pk for p in pages]).order_by("sequence")
        now = timezone.now()
        return [
            Delivery.objects.create(endpoint=endpoint, event=e, next_attempt_at=now) for e in events
        ]

    return make


def webhook_ids(receiver) -> list[str]:
    return [r["headers"]["webhook-id"] for r in receiver.requests]


class TestDrain:
    def test_a_backlog_goes_out_in_event_order_over_one_connection(
        self, backlog, receiver, endpoint
    ):
        deliveries = backlog(7)
        report = batch.drain(endpoint.pk)
        assert (report.batches, report.attempted, report.delivered) == (1, 7, 7)
        assert webhook_ids(receiver) == [d.event_id for d in deliveries]
        assert receiver.server.connections == 1
        assert set(Delivery.objects.values_list("status", "attempts")) == {
            (DeliveryStatus.DELIVERED, 1)
        }

    def test_queries_per_batch_do_not_grow_with_its_size(
        self, backlog, receiver, endpoint, settings
    ):
        settings.KANAL_WEBHOOK_VERDICT_SECONDS = 3600  # one verdict statement per batch

        def queries_to_drain(n: int) -> int:
            Delivery.objects.all().delete()
            backlog(n)
            with CaptureQueriesContext(connection) as queries:
                report = batch.drain(endpoint.pk)
            assert report.delivered == n
            return len(queries)

        assert queries_to_drain(2) == queries_to_drain(12)

    def test_a_long_batch_records_verdicts_as_it_goes(self, backlog, receiver, endpoint, settings):
        """What a worker killed mid-batch would send again is bounded by time, not by the
        batch's size: here every verdict is written before the next delivery is sent."""
        settings.KANAL_WEBHOOK_VERDICT_SECONDS = 0
        backlog(4)
        with CaptureQueriesContext(connection) as queries:
            report = batch.drain(endpoint.pk)
        verdicts = [
            q
            for q in queries
            if q["sql"].startswith(("UPDATE", "WITH"))
            and "lease_token" in q["sql"]
            and "last_response" in q["sql"]
        ]
        assert (report.batches, report.delivered, len(verdicts)) == (1, 4, 4)
        assert set(Delivery.objects.values_list("status", "attempts")) == {
            (DeliveryStatus.DELIVERED, 1)
        }

    def test_batches_are_cut_at_the_batch_size(self, backlog, receiver, endpoint, settings):
        settings.KANAL_WEBHOOK_BATCH_SIZE = 3
        backlog(7)
        report = batch.drain(endpoint.pk)
        assert (report.batches, report.delivered) == (3, 7)

    def test_a_degraded_endpoint_gets_one_delivery_at_a_time(self, backlog, receiver, endpoint):
        backlog(3)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            failing_since=timezone.now() - timedelta(hours=1)
        )
        claimed = batch.claim_batch(endpoint.pk)
        assert len(claimed.deliveries) == 1
        assert batch.claim_batch(endpoint.pk) is None  # and one attempt in flight at most

    def test_a_batch_past_its_time_budget_releases_the_rest_unattempted(
        self, backlog, receiver, endpoint, settings
    ):
        settings.KANAL_WEBHOOK_BATCH_SECONDS = 0
        settings.KANAL_WEBHOOK_DRAIN_SECONDS = 0
        deliveries = backlog(4)
        report = batch.drain(endpoint.pk)
        assert (report.attempted, report.more) == (1, True)
        rest = Delivery.objects.exclude(pk=deliveries[0].pk)
        assert set(rest.values_list("status", "attempts", "lease_token")) == {
            (DeliveryStatus.PENDING, 0, "")
        }
        assert all(d.next_attempt_at <= timezone.now() for d in rest)  # due again at once

    def test_410_stops_the_batch_and_the_rest_wait_for_reactivation(
        self, backlog, receiver, endpoint
    ):
        deliveries = backlog(4)
        receiver.script.extend([(200, {}), (410, {})])
        report = batch.drain(endpoint.pk)
        assert (report.attempted, report.delivered) == (2, 1)
        endpoint.refresh_from_db()
        assert not endpoint.active and endpoint.disabled_at is not None
        later = Delivery.objects.filter(pk__in=[d.pk for d in deliveries[2:]])
        assert set(later.values_list("status", "attempts")) == {(DeliveryStatus.PENDING, 0)}
        assert len(receiver.requests) == 2

    def test_a_failure_is_retried_on_the_schedule_and_the_rest_keep_going(
        self, backlog, receiver, endpoint
    ):
        deliveries = backlog(3)
        receiver.script.append((500, {}))
        report = batch.drain(endpoint.pk)
        assert (report.attempted, report.delivered) == (3, 2)
        first = Delivery.objects.get(pk=deliveries[0].pk)
        assert first.status == DeliveryStatus.PENDING and first.attempts == 1
        assert first.next_attempt_at > timezone.now()  # 5 s ± 20 %
        assert first.last_error == "HTTP 500"
        endpoint.refresh_from_db()
        assert endpoint.failing_since is None  # the later successes count


class TestLeases:
    def test_a_row_taken_over_keeps_the_other_attempts_verdict(self, backlog, receiver, endpoint):
        deliveries = backlog(3)
        claimed = batch.claim_batch(endpoint.pk)
        assert [d.pk for d in claimed.deliveries] == [d.pk for d in deliveries]
        # The lease of one row ran out and another worker took it over.
        Delivery.objects.filter(pk=deliveries[1].pk).update(lease_token="other")
        with batch.http.Session() as session:
            batch.send_batch(claimed, session)
        taken = Delivery.objects.get(pk=deliveries[1].pk)
        assert taken.status == DeliveryStatus.PENDING and taken.lease_token == "other"
        assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2

    def test_leased_rows_are_not_claimed_again_and_the_limit_counts_batches(
        self, backlog, receiver, endpoint, settings
    ):
        settings.KANAL_WEBHOOK_MAX_IN_FLIGHT = 2
        settings.KANAL_WEBHOOK_BATCH_SIZE = 2
        backlog(5)
        first = batch.claim_batch(endpoint.pk)
        second = batch.claim_batch(endpoint.pk)
        assert len(first.deliveries) == len(second.deliveries) == 2
        assert not {d.pk for d in first.deliveries} & {d.pk for d in second.deliveries}
        assert batch.claim_batch(endpoint.pk) is None  # two batches in flight: the limit

    def test_a_killed_batch_is_due_again_when_its_lease_ends(self, backlog, receiver, endpoint):
        backlog(2)
        claimed = batch.claim_batch(endpoint.pk)  # ... and the worker dies
        assert batch.claim_batch(endpoint.pk) is None
        Delivery.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
        Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        again = batch.claim_batch(endpoint.pk)
        assert [d.pk for d in again.deliveries] == [d.pk for d in claimed.deliveries]
        assert {d.attempts for d in again.deliveries} == {2}


class TestDrainRequests:
    def test_one_drain_on_the_way_per_endpoint(self, endpoint):
        now = timezone.now()
        assert batch.request_drains([endpoint.pk], now) == [endpoint.pk]
        assert batch.request_drains([endpoint.pk], now) == []  # already on the way
        batch.take_drain_request(endpoint.pk)  # the drain started
        assert batch.request_drains([endpoint.pk], now) == [endpoint.pk]

    def test_a_lost_drain_is_requested_again_once_stale(self, endpoint, settings):
        now = timezone.now()
        batch.request_drains([endpoint.pk], now)
        later = now + timedelta(seconds=settings.KANAL_DELIVERY_REQUEUE_SECONDS)
        assert batch.request_drains([endpoint.pk], later) == [endpoint.pk]

    def test_the_relay_forces_a_drain(self, endpoint):
        now = timezone.now()
        batch.request_drains([endpoint.pk], now)
        assert batch.request_drains([endpoint.pk], now, force=True) == [endpoint.pk]

    def test_publishing_drains_and_delivers(self, publish, receiver, endpoint):
        page = publish()
        [delivery] = Delivery.objects.all()
        assert delivery.status == DeliveryStatus.DELIVERED
        assert webhook_ids(receiver) == [Event.objects.get(object_id=page.pk).pk]
        endpoint.refresh_from_db()
        assert endpoint.drain_requested_at is None  # taken by the drain that ran


class TestBodies:
    def test_an_event_is_serialised_once_for_several_endpoints(self, publish, receiver, endpoint):
        WebhookEndpoint.objects.create(name="Andra", url=receiver.url("/two"))
        hits = batch.BODIES.hits
        publish()
        assert len(receiver.requests) == 2
        assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
        assert batch.BODIES.hits == hits + 1
