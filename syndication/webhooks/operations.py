"""What editors can do to deliveries from the admin: send a test event, retry one delivery,
replay every event since a date. Each only resets rows; the relay and workers do the sending
(the test event is sent at once so the editor sees the answer)."""

from __future__ import annotations

import json
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cms.events import Event

from .delivery import attempt
from .matching import endpoint_matches, page_theme_ids
from .models import Delivery, DeliveryStatus, WebhookEndpoint

TEST_EVENT_TYPE = "webhook.test"


def send_test_event(endpoint: WebhookEndpoint) -> Delivery:
    """Send a signed ``webhook.test`` event now; the result is on the returned delivery."""
    delivery = Delivery.objects.create(endpoint=endpoint, event=None, test_body=b"{}")
    envelope = {
        "id": delivery.webhook_id,
        "type": TEST_EVENT_TYPE,
        "occurred_at": timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "data": {"message": "Test event from Kanal. Answer 2xx to confirm."},
    }
    Delivery.objects.filter(pk=delivery.pk).update(
        test_body=json.dumps(envelope, ensure_ascii=False).encode()
    )
    attempt(delivery.pk)
    delivery.refresh_from_db()
    return delivery


def retry_delivery(delivery: Delivery) -> None:
    """Make a failed or waiting delivery due now (a fresh set of attempts); the caller
    enqueues it (``webhooks.tasks.enqueue_deliveries``) after commit."""
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).exclude(
            status=DeliveryStatus.PENDING, lease_until__gt=now
        ).update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            enqueued_at=now,
            lease_until=None,
            lease_token="",
        )


def replay_since(endpoint: WebhookEndpoint, since: datetime) -> int:
    """Deliver again every matching event that occurred at or after ``since``; returns how
    many. Consumers de-duplicate by ``webhook-id`` and keep the highest ``version``."""
    now = timezone.now()
    count = 0
    events = Event.objects.filter(occurred_at__gte=since).order_by("sequence")
    with transaction.atomic():
        for event in events.iterator():
            if not endpoint_matches(endpoint, event, page_theme_ids(event)):
                continue
            delivery, created = Delivery.objects.get_or_create(
                endpoint=endpoint, event=event, defaults={"next_attempt_at": now}
            )
            if not created:
                Delivery.objects.filter(pk=delivery.pk).update(
                    status=DeliveryStatus.PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    enqueued_at=None,
                    lease_until=None,
                    lease_token="",
                )
            count += 1
    return count
