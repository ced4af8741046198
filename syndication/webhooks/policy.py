"""The delivery policy: what a receiver's answer means and when to try again.

One policy: a delivery is retried until its endpoint is disabled, never given up on its own.

* 2xx: delivered.  3xx: a failure (redirects are not followed).  410 Gone: the endpoint is
  disabled at once (Standard Webhooks: "the endpoint is no longer accepting messages") and
  the delivery stays pending.  429/503: ``Retry-After`` is honoured (seconds or HTTP date).
* everything else, timeouts and refused connections included: retried on ``RETRY_SCHEDULE``
  — 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 10 h (the first attempt is immediate), the
  Standard Webhooks example schedule as Svix runs it — with ±20 % jitter, so a recovering
  receiver is not hit by every retry at once.
* an endpoint that has failed every attempt for ``DISABLE_AFTER`` (5 days) is disabled and
  the administrators are e-mailed; its pending deliveries, and new ones recorded meanwhile,
  wait and resume in order when an administrator activates it again.

Settings (for tests and demos): ``KANAL_WEBHOOK_RETRY_SCHEDULE`` (seconds),
``KANAL_WEBHOOK_DISABLE_AFTER_SECONDS``.
"""

from __future__ import annotations

import enum
import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from django.conf import settings

# Delays after the 1st, 2nd, … failed attempt; the last one repeats until the endpoint is
# disabled.
RETRY_SCHEDULE: tuple[int, ...] = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600)
JITTER = 0.2
MAX_RETRY_AFTER = timedelta(hours=24)
DISABLE_AFTER = timedelta(days=5)
CONNECT_TIMEOUT = 3.0
TOTAL_TIMEOUT = 15.0


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    GONE = "gone"
    THROTTLED = "throttled"
    RETRY = "retry"


def classify(status_code: int | None) -> Outcome:
    if status_code is not None and 200 <= status_code < 300:
        return Outcome.DELIVERED
    if status_code == 410:
        return Outcome.GONE
    if status_code in (429, 503):
        return Outcome.THROTTLED
    return Outcome.RETRY


def retry_schedule() -> tuple[float, ...]:
    return tuple(getattr(settings, "KANAL_WEBHOOK_RETRY_SCHEDULE", RETRY_SCHEDULE))


def disable_after() -> timedelta:
    seconds = getattr(settings, "KANAL_WEBHOOK_DISABLE_AFTER_SECONDS", None)
    return timedelta(seconds=seconds) if seconds is not None else DISABLE_AFTER


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Delay before the next attempt after ``attempts`` failed ones (never "give up")."""
    schedule = retry_schedule()
    base = schedule[min(max(attempts, 1), len(schedule)) - 1]
    factor = 1 + (rng or random).uniform(-JITTER, JITTER)
    return timedelta(seconds=base * factor)


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """``Retry-After`` as a delay: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        delay = timedelta(seconds=int(value))
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None or when.tzinfo is None:
            return None
        delay = when - now
    return min(max(delay, timedelta(0)), MAX_RETRY_AFTER)
