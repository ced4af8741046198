"""Retention of delivered webhook deliveries: a delivered row is kept for
``KANAL_DELIVERY_RETENTION_DAYS`` (the admin shows recent deliveries and their answers), then
deleted, so the table holds the backlog and recent history, not every message ever sent.

Pending and failed rows are never pruned: they are work, not history. Deleted in chunks of
``CHUNK`` rows (one short statement each), so a first purge of millions of rows never holds a
long lock on the table the workers claim from.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Delivery, DeliveryStatus

CHUNK = 10_000


def prune_delivered(now: datetime | None = None, *, chunk: int = CHUNK) -> int:
    """Delete delivered rows older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.KANAL_DELIVERY_RETENTION_DAYS)
    old = Delivery.objects.filter(status=DeliveryStatus.DELIVERED, delivered_at__lt=cutoff)
    removed = 0
    while True:
        ids = list(old.order_by().values_list("pk", flat=True)[:chunk])
        if not ids:
            return removed
        removed += Delivery.objects.filter(pk__in=ids).delete()[0]
