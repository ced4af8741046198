"""Background tasks of the pull side (django-tasks), and what schedules them.

This is the pull side's top layer (ARCHITECTURE.md, "Layout"): it calls the domain
(``pipeline``, ``schedule``, ``websub``), which returns what should be scheduled, and
enqueues it. No domain module imports this one (an import-linter contract says so). Tasks
take ids only and run after the transaction that asked for them commits.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django_tasks import task

from . import schedule, websub
from .models import Source
from .pipeline import PollReport, poll_source


@task()
def poll_source_task(source_id: int) -> str:
    source = Source.objects.filter(pk=source_id, active=True).first()
    if source is None:
        return "inactive"
    return str(poll(source).outcome)


@task()
def websub_subscribe_task(source_id: int) -> str:
    source = Source.objects.filter(pk=source_id, active=True).exclude(hub_url="").first()
    if source is None:
        return "skipped"
    return "accepted" if websub.subscribe(source) else "failed"


def poll(source: Source) -> PollReport:
    """Poll one source now, then subscribe to the WebSub hub its feed named, if due."""
    report = poll_source(source)
    # ``topic`` is set once a document was imported; a feed that dropped its hub is noted too.
    if report.topic and websub.note_hubs(source, report.hubs, report.topic):
        enqueue_subscription(source.pk)
    return report


def enqueue_subscription(source_id: int) -> None:
    transaction.on_commit(lambda: websub_subscribe_task.enqueue(source_id))


def enqueue_poll(source: Source) -> None:
    """The admin's "Poll now": make the source due and poll it after commit."""
    schedule.make_due(source)
    transaction.on_commit(lambda: poll_source_task.enqueue(source.pk))


def enqueue_due_polls(limit: int = 100) -> int:
    """Claim due sources and enqueue their polls (the relay, every pass)."""
    with transaction.atomic():
        ids = schedule.claim_due_sources(limit)
        for pk in ids:
            transaction.on_commit(lambda pk=pk: poll_source_task.enqueue(pk))
    return len(ids)


def renew_websub_leases(now: datetime | None = None) -> int:
    """Re-subscribe sources whose lease ends within a day (the relay, on its own clock)."""
    ids = websub.sources_to_renew(now)
    for pk in ids:
        websub_subscribe_task.enqueue(pk)
    return len(ids)
