"""The YouTube Data API quota: a ledger of units per target and Pacific day, and a budget.

Google gives a project 10,000 units a day by default, reset at midnight Pacific time;
``videos.list`` costs 1 unit and ``videos.update`` 50 (Data API quota calculator). Kanal
spends at most ``KANAL_YOUTUBE_DAILY_BUDGET`` (default 8,000, or the target's own budget),
keeping the rest for the channel's own tools.

Units are *reserved* before the request is sent, under a row lock, so two workers cannot
both take the last units; a reservation is never given back (a request that failed on the
way may still have been counted by Google; only units reserved for a call never sent go
back, ``refund``). When the budget is short the update waits for
the reset; a ``403 quotaExceeded`` from Google marks the day exhausted whatever our count
says (another tool may share the project), and also waits for the reset — it is not an
authentication failure.

Every function takes ``now`` so the day and its reset can be simulated; callers pass the
delivery machinery's clock (``django.utils.timezone.now``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction

from .models import PushDelivery, PushTarget
from .video_models import QuotaLedger, VideoChannel

PACIFIC = ZoneInfo("America/Los_Angeles")
COST = {"videos.list": 1, "videos.update": 50}


class QuotaShort(Exception):
    """Not enough units left today: wait until ``reset_at``."""

    def __init__(self, spent: int, budget: int, reset_at: datetime, exhausted: bool = False):
        self.spent, self.budget, self.reset_at, self.exhausted = spent, budget, reset_at, exhausted
        why = "YouTube answered quotaExceeded" if exhausted else f"{spent} of {budget} units spent"
        super().__init__(
            f"Waiting for the YouTube quota reset at {reset_at:%Y-%m-%d %H:%M} UTC ({why} today)."
        )


def pacific_day(now: datetime) -> date:
    return now.astimezone(PACIFIC).date()


def next_reset(now: datetime) -> datetime:
    """The next midnight Pacific time, in UTC (a DST change is handled by zoneinfo)."""
    tomorrow = pacific_day(now) + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=PACIFIC).astimezone(UTC)


def budget_for(target: PushTarget) -> int:
    channel = VideoChannel.objects.filter(target=target).only("daily_budget").first()
    if channel is not None and channel.daily_budget is not None:
        return channel.daily_budget
    return int(settings.KANAL_YOUTUBE_DAILY_BUDGET)


def _ledger(target: PushTarget, day: date) -> QuotaLedger:
    """Today's ledger row, locked (call inside a transaction)."""
    for _ in range(2):
        row = QuotaLedger.objects.select_for_update().filter(target=target, day=day).first()
        if row is not None:
            return row
        try:
            with transaction.atomic():
                QuotaLedger.objects.create(target=target, day=day)
        except IntegrityError:
            pass  # another worker created it first
    return QuotaLedger.objects.select_for_update().get(target=target, day=day)


def reserve(target: PushTarget, units: int, now: datetime) -> int:
    """Take ``units`` from today's budget or raise ``QuotaShort``; returns units spent today."""
    budget = budget_for(target)
    with transaction.atomic():
        row = _ledger(target, pacific_day(now))
        if row.exhausted or row.units + units > budget:
            raise QuotaShort(row.units, budget, next_reset(now), exhausted=row.exhausted)
        row.units += units
        row.requests += 1
        row.save(update_fields=["units", "requests", "updated_at"])
        return row.units


def mark_exhausted(target: PushTarget, now: datetime) -> QuotaShort:
    with transaction.atomic():
        row = _ledger(target, pacific_day(now))
        row.exhausted = True
        row.save(update_fields=["exhausted", "updated_at"])
    return QuotaShort(row.units, budget_for(target), next_reset(now), exhausted=True)


@dataclass(frozen=True)
class QuotaDay:
    target: PushTarget
    day: date
    spent: int
    budget: int
    exhausted: bool
    waiting: int  # pending updates of pages to this target
    reset_at: datetime


def today(target: PushTarget, now: datetime) -> QuotaDay:
    """What the admin shows: today's spend, the budget, and the updates that wait."""
    day = pacific_day(now)
    row = QuotaLedger.objects.filter(target=target, day=day).first()
    waiting = (
        PushDelivery.objects.pending().filter(target=target).values("page_id").distinct().count()
    )
    return QuotaDay(
        target,
        day,
        row.units if row else 0,
        budget_for(target),
        bool(row and row.exhausted),
        waiting,
        next_reset(now),
    )


def refund(target: PushTarget, units: int, now: datetime) -> None:
    """Give back units reserved for a call that was never sent."""
    with transaction.atomic():
        row = _ledger(target, pacific_day(now))
        row.units = max(row.units - units, 0)
        row.save(update_fields=["units", "updated_at"])
