"""The delivery policy: what a receiver's answer means and when to try again.

One policy: a delivery is retried until its endpoint is disabled, never given up on its own.

* 2xx: delivered.  3xx: a failure (redirects are not followed).  410 Gone: the endpoint is
  disabled at once (Standard Webhooks: "the endpoint is no longer accepting messages") and
  the delivery stays pending.  429/503: ``Retry-After`` is honoured (seconds or HTTP date,
  parsed by ``syndication.http.parse_retry_after``, capped at a day).
* everything else, timeouts and refused connections included: retried on
  ``settings.KANAL_WEBHOOK_RETRY_SCHEDULE`` — 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every
  10 h (the first attempt is immediate), the Standard Webhooks example schedule as Svix runs
  it — with ±20 % jitter, so a recovering receiver is not hit by every retry at once.
* an endpoint that has failed every attempt for ``KANAL_WEBHOOK_DISABLE_AFTER_SECONDS``
  (5 days) is disabled and the administrators are e-mailed; its pending deliveries, and new
  ones recorded meanwhile, wait and resume in order when an administrator activates it again.

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


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Delay before the next attempt after ``attempts`` failed ones (never "give up")."""
    schedule = retry_schedule()
    base = schedule[min(max(attempts, 1), len(schedule)) - 1]
    factor = 1 + (rng or random).uniform(-JITTER, JITTER)
    return timedelta(seconds=base * factor)
