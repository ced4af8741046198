"""A receiver down for days, on a simulated clock: nothing is lost, nothing given up.

The relay runs pass after pass as the clock jumps to the next moment something is due (a
retry, an editor publishing, the receiver coming back), so four days take seconds. Every
attempt goes to a real loopback receiver over HTTP.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db.models import Min

from cms.events import Event
from syndication.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OUTAGE = timedelta(days=4)
PUBLISH_EVERY = timedelta(hours=3)


def simulate(clock, *, until, publish, relay_pass, endpoint, publish_until=None) -> int:
    """Jump from due moment to due moment until ``until``; returns the relay passes run."""
    next_publish = T0
    passes = 0
    now = T0
    while now < until:
        due = (
            Delivery.objects.filter(endpoint=endpoint, endpoint__active=True)
            .pending()
            .aggregate(Min("next_attempt_at"))["next_attempt_at__min"]
        )
        candidates = [until]
        if publish_until and next_publish < publish_until:
            candidates.append(next_publish)
        if due is not None:
            candidates.append(max(due, now))
        now = min(candidates)
        clock.move_to(now)
        if publish_until and now == next_publish and now < publish_until:
            publish()
            next_publish += PUBLISH_EVERY
        relay_pass()
        passes += 1
        if due is None and now == until:
            break
    return passes


class TestFourDayOutage:
    def test_retries_continue_through_the_outage_and_all_arrive_afterwards(
        self, publish, receiver, endpoint, relay_pass
    ):
        """The old policy gave up after 9 retries (~3.2 days): a 4-day outage lost data."""
        receiver.default = (503, {})
        with time_machine.travel(T0, tick=False) as clock:
            simulate(
                clock,
                until=T0 + OUTAGE,
                publish=publish,
                relay_pass=relay_pass,
                endpoint=endpoint,
                publish_until=T0 + OUTAGE,
            )
            endpoint.refresh_from_db()
            assert endpoint.active  # 4 days < the 5 after which it is disabled
            failed_during_outage = len(receiver.requests)
            receiver.default = (200, {})
            simulate(
                clock,
                until=T0 + OUTAGE + timedelta(hours=13),
                publish=publish,
                relay_pass=relay_pass,
                endpoint=endpoint,
            )
        deliveries = Delivery.objects.filter(endpoint=endpoint)
        assert deliveries.count() == Event.objects.count() == 32
        assert deliveries.filter(status=DeliveryStatus.DELIVERED).count() == 32
        assert deliveries.exclude(status=DeliveryStatus.DELIVERED).count() == 0
        delivered = {json.loads(r["body"])["id"] for r in receiver.requests[failed_during_outage:]}
        assert delivered == set(Event.objects.values_list("pk", flat=True))
        latest = deliveries.order_by("-delivered_at").first().delivered_at
        print(  # the figures for the closing note (pytest -s)
            f"\noutage figures: {deliveries.count()} deliveries, {failed_during_outage} failed "
            f"attempts during the outage, {len(receiver.requests) - failed_during_outage} "
            f"after it, all delivered {latest - (T0 + OUTAGE)} after recovery, 0 lost"
        )
        # At most one 10-hour retry interval (+20 % jitter) after the receiver is back.
        assert latest - (T0 + OUTAGE) <= timedelta(hours=12)

    def test_disabled_endpoint_keeps_everything_and_resumes_in_order(
        self, publish, receiver, endpoint, relay_pass
    ):
        """410 at the start of a 4-day migration disables the endpoint; editors keep
        publishing; the administrator activates it again: all arrive, in order, 0 lost."""
        receiver.default = (410, {})
        with time_machine.travel(T0, tick=False) as clock:
            simulate(
                clock,
                until=T0 + OUTAGE,
                publish=publish,
                relay_pass=relay_pass,
                endpoint=endpoint,
                publish_until=T0 + OUTAGE,
            )
            endpoint.refresh_from_db()
            assert not endpoint.active and "410" in endpoint.disabled_reason
            assert len(receiver.requests) == 1  # nothing attempted while disabled
            assert Delivery.objects.filter(endpoint=endpoint).pending().count() == 32
            receiver.default = (200, {})
            receiver.requests.clear()
            endpoint.active = True
            endpoint.save()
            relay_pass()
        sequences = [json.loads(r["body"])["sequence"] for r in receiver.requests]
        assert sequences == list(
            Event.objects.order_by("sequence").values_list("sequence", flat=True)
        )
        assert len(sequences) == 32
        print(f"\nre-enable figures: {len(sequences)} delivered in sequence order, 0 lost")
        assert Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).count() == 0
