"""The ``data`` of a page event: the page's representation at the event's revision.

The payload is exactly what ``/api/v2/pages/<id>/`` shows for that revision — both are built by
the representation layer (``cms.representation``), which this package shares with the API
without importing it. It is always built from the Revision being reported, never from the
representation or response cache: a cache may still hold the state before the change (a page
just moved keeps its live revision, so only a fresh build carries its new URL and parent).
"""

from __future__ import annotations

from typing import Any

from wagtail.models import Page, Revision

from ..representation.pages import revision_representation


def page_data(page: Page, revision: Revision | int | None = None) -> dict[str, Any] | None:
    """The page as the API represents it at ``revision`` (an object or id; by default its live
    revision, else its latest). ``None`` for a page that has no revision at all."""
    if revision is None:
        revision = page.live_revision_id or page.latest_revision_id
    if isinstance(revision, int):
        revision = Revision.objects.filter(pk=revision).first()
    if revision is None:
        return None
    return revision_representation(page, revision)
