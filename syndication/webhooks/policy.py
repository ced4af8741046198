"""The delivery policy: what a receiver's answer means and when to try again.

* 2xx: delivered.  3xx: a failure (redirects are not followed).  410: the receiver is gone,
  the endpoint is disabled.  429/503: ``Retry-After`` is honoured (seconds or HTTP date).
* everything else, timeouts and refused connections included: retried on ``RETRY_SCHEDULE``
  (±20 % jitter, so a recovering receiver is not hit by every retry at once), then failed.
* an endpoint that has failed every attempt for ``DISABLE_AFTER`` is disabled.

Settings (for tests and demos): ``KANAL_WEBHOOK_RETRY_SCHEDULE`` (seconds),
``KANAL_WEBHOOK_DISABLE_AFTER_SECONDS``.
"""

from __future__ import annotations

import enum
import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from django.conf import settings

RETRY_SCHEDULE: tuple[int, ...] = (
    5,
    5 * 60,
    30 * 60,
    2 * 3600,
    5 * 3600,
    10 * 3600,
    14 * 3600,
    20 * 3600,
    24 * 3600,
)
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


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta | None:
    """Delay before the next attempt after ``attempts`` failed ones; ``None`` = give up."""
    schedule = retry_schedule()
    if attempts < 1 or attempts > len(schedule):
        return None
    base = schedule[attempts - 1]
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
