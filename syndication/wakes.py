"""Coalesced wake-ups: at most one task on the way per kind of waiting work.

A wake-up task only *wakes* work that rows describe (ARCHITECTURE.md: the rows are the truth).
When work arrives faster than tasks run — a burst of publishes, a first import — one task per
arrival mostly finds its work done by the task before it, and on the database task backend
each of those costs a task row and a worker round. A ``Wake`` row says "a task is on the way":

* ``request_wake(name)`` sets it if it was clear (or stale) and says whether the caller should
  enqueue the task; call it *after* the work's rows are committed;
* the task calls ``take_wake(name)`` *before* it looks for work.

So an arrival that finds the flag set was committed before the task on the way clears it, and
that task's look, after clearing, sees it. A task lost with its worker leaves the flag set: after
``STALE_AFTER`` the next arrival enqueues another, and the relay's sweep catches up meanwhile.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

STALE_AFTER = timedelta(seconds=30)


class Wake(models.Model):
    name = models.CharField(primary_key=True, max_length=40)
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "syndication"

    def __str__(self) -> str:
        return f"{self.name}: {self.requested_at or 'clear'}"


def request_wake(name: str, now=None) -> bool:
    """Set the flag; True if it was clear or stale (then enqueue the task)."""
    now = now or timezone.now()
    clear_or_stale = Q(requested_at__isnull=True) | Q(requested_at__lte=now - STALE_AFTER)
    if Wake.objects.filter(clear_or_stale, name=name).update(requested_at=now):
        return True
    if Wake.objects.filter(name=name).exists():
        return False
    try:
        with transaction.atomic():
            Wake.objects.create(name=name, requested_at=now)
    except IntegrityError:  # another caller created it first: its task is on the way
        return False
    return True


def take_wake(name: str) -> None:
    """Clear the flag: from now on, a new arrival enqueues a new task."""
    Wake.objects.filter(name=name).update(requested_at=None)
