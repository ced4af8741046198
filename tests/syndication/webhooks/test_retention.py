"""Delivered deliveries are pruned after ``KANAL_DELIVERY_RETENTION_DAYS``; pending never."""

from datetime import timedelta

import pytest
from django.utils import timezone

from syndication.models import Delivery, DeliveryStatus
from syndication.webhooks.retention import prune_delivered

pytestmark = pytest.mark.django_db


def test_old_delivered_rows_go_and_everything_else_stays(endpoint, settings):
    settings.KANAL_DELIVERY_RETENTION_DAYS = 30
    now = timezone.now()
    old, recent = now - timedelta(days=31), now - timedelta(days=29)

    def row(status, delivered_at=None):
        return Delivery.objects.create(
            endpoint=endpoint, status=status, delivered_at=delivered_at, test_body=b"{}"
        ).pk

    gone = [row(DeliveryStatus.DELIVERED, old) for _ in range(5)]
    kept = [
        row(DeliveryStatus.DELIVERED, recent),
        row(DeliveryStatus.PENDING),
        row(DeliveryStatus.FAILED),
        row(DeliveryStatus.PENDING, old),  # delivered_at set by an older policy: still work
    ]
    assert prune_delivered(now, chunk=2) == len(gone)
    assert sorted(Delivery.objects.values_list("pk", flat=True)) == sorted(kept)
