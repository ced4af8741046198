"""The ``data`` of a page event: the page's representation at the event's revision.

This is the one seam between events and the headless API: the payload is exactly what
``/api/v2/pages/<id>/`` shows for that revision (``cms.api.representation``), so a consumer
can apply a webhook body and an API response the same way.
"""

from __future__ import annotations

from typing import Any

from wagtail.models import Page, Revision


def page_data(page: Page, revision: Revision | None = None) -> dict[str, Any]:
    """The page as the API represents it, at ``revision`` when given (else as it is now)."""
    from ..api.representation import page_representation

    return page_representation(page.specific, revision=revision)
