"""The read side of syndication records for the API's ``syndicated_to`` (registered with
``cms.representation.syndicated`` at start-up: ``cms`` reads it without importing us)."""

from __future__ import annotations

from collections import defaultdict

from cms.representation import syndicated

from .models import RecordStatus, SyndicationRecord


def syndicated_to(page_ids: list[int]) -> dict[int, list[dict]]:
    """Live copies only: a withdrawn, deleted or never-created post is not "published on"."""
    result: dict[int, list[dict]] = defaultdict(list)
    rows = (
        SyndicationRecord.objects.filter(page_id__in=page_ids, status=RecordStatus.PUBLISHED)
        .exclude(remote_url="")
        .order_by("target__name", "pk")
        .values_list("page_id", "target__name", "remote_url")
    )
    for page_id, name, url in rows:
        result[page_id].append({"target": name, "url": url})
    return dict(result)


def register() -> None:
    syndicated.register_provider(syndicated_to)
