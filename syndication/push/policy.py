"""The push retry policy: what a failed push attempt means and whether to try again.

Unlike webhooks (``syndication.webhooks.policy``: retried until the endpoint is disabled),
a push is **bounded**: a blog post that could not be written for a day is a problem an editor
has to see, not a row that quietly retries forever. The rules, by the client's
``FailureKind``:

* ``CONTENT`` (a 4xx about this post, e.g. a refused tag): failed at once, with the remote
  message — retrying the same body cannot help.
* ``AUTH`` (401/403): failed after ``AUTH_FAILURES_BEFORE_STOP`` attempts; the target is
  stopped and the administrators told (``delivery._update_target_health``).
* ``THROTTLED`` (429/503): the next attempt waits for ``Retry-After`` (seconds or an HTTP
  date, RFC 9110 §10.2.3, capped at a day — ``syndication.http.parse_retry_after``, the one
  reading shared with webhooks); without the header, the backoff below.
* ``TRANSIENT`` (5xx, timeouts, refused connections): exponential backoff,
  ``KANAL_PUSH_RETRY_BASE_SECONDS`` x 2^(n-1) after the n-th failed attempt, capped at
  ``KANAL_PUSH_RETRY_MAX_DELAY_SECONDS``, with ±20 % jitter so a recovering blog is not hit by
  every retry at once.

Every retryable failure counts: after ``KANAL_PUSH_MAX_ATTEMPTS`` attempts, or once the
first attempt of the series is ``KANAL_PUSH_GIVE_UP_AFTER_SECONDS`` old, the delivery is given
up: it is marked failed, the page's ``SyndicationRecord`` is marked failed with the reason,
``syndication.failed`` is recorded, and the editor sees it in the page editor's side panel.
An editor ("Push again") or an operator (``manage.py push --retry-failed``) starts a new series
(``delivery.retry_failed``).

The defaults (30 s base, 6 h cap, 12 attempts, 2 days) give a blog about 16 hours of retries
— 30 s, 1, 2, 4, 8, 16, 32 min, 1, 2, 4 h, then 6 h — before the editor is asked to act.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from ..http import parse_retry_after
from ..webhooks.policy import JITTER
from .clients.base import FailureKind, PushError
from .models import AUTH_FAILURES_BEFORE_STOP


def max_attempts() -> int:
    return int(settings.KANAL_PUSH_MAX_ATTEMPTS)


def give_up_after() -> timedelta:
    return timedelta(seconds=float(settings.KANAL_PUSH_GIVE_UP_AFTER_SECONDS))


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Delay after ``attempts`` failed attempts (1 = the first failure)."""
    base = float(settings.KANAL_PUSH_RETRY_BASE_SECONDS)
    cap = float(settings.KANAL_PUSH_RETRY_MAX_DELAY_SECONDS)
    delay = min(base * 2 ** (max(attempts, 1) - 1), cap)
    return timedelta(seconds=delay * (1 + (rng or random).uniform(-JITTER, JITTER)))


@dataclass(frozen=True)
class Decision:
    """``retry_in`` is None when the delivery is given up; ``reason`` then says why."""

    retry_in: timedelta | None
    reason: str = ""


def decide(
    error: PushError, attempts: int, first_attempt_at: datetime | None, now: datetime
) -> Decision:
    """What to do after the ``attempts``-th attempt of a series failed with ``error``."""
    if error.kind is FailureKind.CONTENT:
        return Decision(None, error.message)
    if error.kind is FailureKind.AUTH and attempts >= AUTH_FAILURES_BEFORE_STOP:
        return Decision(None, f"{error.message} — stopped after {attempts} attempts.")
    if attempts >= max_attempts():
        return Decision(None, f"{error.message} — gave up after {attempts} attempts.")
    started = first_attempt_at or now
    if now - started >= give_up_after():
        hours = (now - started).total_seconds() / 3600
        return Decision(
            None, f"{error.message} — gave up after {attempts} attempts in {hours:.1f} h."
        )
    delay = None
    if error.kind is FailureKind.THROTTLED:
        delay = parse_retry_after(error.retry_after, now)
    return Decision(delay if delay is not None else backoff(attempts))
