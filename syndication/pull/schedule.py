"""When to poll: interval with jitter, backoff on failure, health.

* After a success the next poll is ``poll_interval`` minutes away, plus up to 10 % jitter so
  sources added together do not poll together forever.
* After the n-th consecutive failure it is ``poll_interval * 2**n``, capped at 24 hours (and
  never sooner than a server's ``Retry-After``). We never give up: a failing source is polled
  at least daily, and after ``UNHEALTHY_AFTER`` failures in a row it shows as unhealthy with
  its last error in the admin dashboard.
* ``claim_poll``/``release_poll``: one poll of a source at a time, across processes and
  machines (a lease on the row); a poll that finds its source busy skips it and says so.
* ``claim_due_sources()`` claims due sources by pushing their ``next_poll_at`` a lease ahead
  (so two relays never enqueue the same poll twice); the relay enqueues one poll per claimed
  source (``syndication.pull.tasks.enqueue_due_polls``).
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from syndication import notify

from .models import MAX_BACKOFF, UNHEALTHY_AFTER, PollOutcome, Source

logger = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=15)
# How long one poll may hold its source; a poller that dies frees it after this at the latest.
POLL_LEASE = timedelta(minutes=10)
JITTER = 0.10


def _jitter(delay: timedelta) -> timedelta:
    return delay + timedelta(seconds=random.uniform(0, delay.total_seconds() * JITTER))


def success_delay(source: Source) -> timedelta:
    return _jitter(timedelta(minutes=max(source.poll_interval, 1)))


def failure_delay(source: Source, failures: int, retry_after: timedelta | None = None):
    base = timedelta(minutes=max(source.poll_interval, 1))
    delay = min(base * (2 ** min(failures, 20)), MAX_BACKOFF)
    delay = min(_jitter(delay), MAX_BACKOFF)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_BACKOFF))
    return delay


def record_success(
    source: Source,
    outcome: PollOutcome | str,
    *,
    etag: str = "",
    last_modified: str = "",
    body_hash: str | None = None,
    imported: int = 0,
    skipped: list | None = None,
) -> None:
    """One UPDATE of the source row: outcome, validators, next poll, health reset, and the
    poll's lease released (a poll ends here)."""
    now = timezone.now()
    changes = {
        "poll_lease_until": None,
        "last_polled_at": now,
        "last_success_at": now,
        "last_outcome": outcome,
        "last_error": "",
        "error_count": 0,
        "next_poll_at": now + success_delay(source),
        "etag": etag[:500],
        "last_modified": last_modified[:100],
    }
    if body_hash is not None:
        changes["body_hash"] = body_hash
    if skipped is not None:
        changes["last_skipped"] = [
            {k: v for k, v in s.items() if k != "transient"} for s in skipped
        ]
    update = dict(changes)
    if imported:
        update["imported_count"] = F("imported_count") + imported  # concurrent polls add up
    Source.objects.filter(pk=source.pk).update(**update)
    for name, value in changes.items():
        setattr(source, name, value)
    if imported:
        source.imported_count += imported


def record_failure(source: Source, error: str, *, retry_after: timedelta | None = None) -> None:
    now = timezone.now()
    failures = source.error_count + 1
    changes = {
        "poll_lease_until": None,  # the poll ends here: its lease is released
        "last_polled_at": now,
        "last_outcome": PollOutcome.REFUSED if error.startswith("Refused") else PollOutcome.FAILED,
        "last_error": error[:2000],
        "error_count": failures,
        "next_poll_at": now + failure_delay(source, failures, retry_after),
        "body_hash": "",
    }
    Source.objects.filter(pk=source.pk).update(**changes)
    for name, value in changes.items():
        setattr(source, name, value)
    logger.warning("Source %s (%s) failed %d time(s): %s", source.pk, source, failures, error)
    if failures == UNHEALTHY_AFTER:  # the failure that turns it unhealthy, once
        notify.source_unhealthy(source)


def make_due(source: Source) -> None:
    """Make the source due at once (the admin's "Poll now"; the caller enqueues the poll)."""
    Source.objects.filter(pk=source.pk).update(next_poll_at=timezone.now())


def claim_due_sources(limit: int = 100, now=None) -> list[int]:
    """Claim due sources for polling and return their ids.

    The claim pushes ``next_poll_at`` a lease ahead in the same transaction that selects the
    rows (``SKIP LOCKED`` where the database has it), so two relays never claim one source;
    a poll whose task is lost runs again when the lease ends. The relay enqueues the polls.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = Source.objects.due(now).order_by("next_poll_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            Source.objects.filter(pk__in=ids).update(next_poll_at=now + CLAIM_LEASE)
    return ids


def claim_poll(source: Source) -> bool:
    """Take the source for one poll; False when another poller (any process) holds it.

    A conditional update, atomic on SQLite and PostgreSQL alike: of two pollers only one
    sees its update match the row. Like deliveries, the lease expires, so a poller killed
    mid-poll never blocks its source for longer than ``POLL_LEASE``.
    """
    now = timezone.now()
    taken = (
        Source.objects.filter(pk=source.pk)
        .filter(Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lte=now))
        .update(poll_lease_until=now + POLL_LEASE)
    )
    return taken == 1


def release_poll(source: Source) -> None:
    Source.objects.filter(pk=source.pk).update(poll_lease_until=None)
