"""The delivery policy: what a receiver's answer means and when to try again.

* 2xx: delivered.  3xx: a failure (redirects are not followed).  410: the receiver is gone,
  the endpoint is disabled.  429/503: ``Retry-After`` is honoured (seconds or HTTP date,
  parsed by ``syndication.http.parse_retry_after``, capped at a day).
* everything else, timeouts and refused connections included: retried on
  ``settings.KANAL_WEBHOOK_RETRY_SCHEDULE`` (±20 % jitter, so a recovering receiver is not
  hit by every retry at once), then failed.
* an endpoint that has failed every attempt for ``KANAL_WEBHOOK_DISABLE_AFTER_SECONDS`` is
  disabled.

The settings and their defaults are declared in ``cms/settings/base.py``.
"""

from __future__ import annotations

import enum
import random
from datetime import timedelta

from django.conf import settings

JITTER = 0.2
CONNECT_TIMEOUT = 3.0
TOTAL_TIMEOUT = 15.0


class DeliveryOutcome(enum.Enum):
    """What one attempt's answer means for the delivery."""

    DELIVERED = "delivered"
    GONE = "gone"
    THROTTLED = "throttled"
    RETRY = "retry"


def classify(status_code: int | None) -> DeliveryOutcome:
    if status_code is not None and 200 <= status_code < 300:
        return DeliveryOutcome.DELIVERED
    if status_code == 410:
        return DeliveryOutcome.GONE
    if status_code in (429, 503):
        return DeliveryOutcome.THROTTLED
    return DeliveryOutcome.RETRY


def retry_schedule() -> tuple[float, ...]:
    return tuple(settings.KANAL_WEBHOOK_RETRY_SCHEDULE)


def disable_after() -> timedelta:
    return timedelta(seconds=settings.KANAL_WEBHOOK_DISABLE_AFTER_SECONDS)


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta | None:
    """Delay before the next attempt after ``attempts`` failed ones; ``None`` = give up."""
    schedule = retry_schedule()
    if attempts < 1 or attempts > len(schedule):
        return None
    base = schedule[attempts - 1]
    factor = 1 + (rng or random).uniform(-JITTER, JITTER)
    return timedelta(seconds=base * factor)
