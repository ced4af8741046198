"""Background tasks of the pull side (django-tasks): arguments are ids only."""

from __future__ import annotations

from django_tasks import task


@task()
def poll_source_task(source_id: int) -> str:
    from syndication.models import Source

    from .pipeline import poll_source

    source = Source.objects.filter(pk=source_id, active=True).first()
    if source is None:
        return "inactive"
    return str(poll_source(source).outcome)


@task()
def import_notification_task(source_id: int) -> str:
    """A WebSub notification arrived without a usable body: poll the source now."""
    return poll_source_task.call(source_id)


@task()
def websub_subscribe_task(source_id: int) -> str:
    from syndication.models import Source

    from . import websub

    source = Source.objects.filter(pk=source_id, active=True).exclude(hub_url="").first()
    if source is None:
        return "skipped"
    return "accepted" if websub.subscribe(source) else "failed"
