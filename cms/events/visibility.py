"""Who may see an event's ``data``: decided by the object's state **now**, not when recorded.

The change feed and the webhook bodies show an event's ``data`` only while what it describes
is something the anonymous page API would show today: a page that is live and has no view
restriction on itself or an ancestor; an image or document outside every private collection.
Otherwise the envelope stays (a consumer still learns to drop the object) with ``data: null``
and ``redacted`` naming why:

* ``"deleted"``     — the object no longer exists (its stored data was erased on delete);
* ``"unpublished"`` — the page exists but is not live;
* ``"restricted"``  — a page view restriction (any type) or a private collection hides it;
* ``"superseded"``  — the retention purge dropped the data of an event a newer one replaced.

A reader allowed private content (an API key with ``read:private``, a webhook endpoint with
"include private content") gets the stored data as it is; erased data is gone for everyone.

Reads Wagtail's ``PageViewRestriction`` directly and private collections through
``cms.representation`` (the same rule the API applies), never through ``cms.api``. Batched:
``envelopes()`` costs a fixed number of queries whatever the number of events.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction

from ..representation.media import restricted_collection_ids
from .models import Event

DELETED = "deleted"
UNPUBLISHED = "unpublished"
RESTRICTED = "restricted"
SUPERSEDED = "superseded"
REASONS = (DELETED, UNPUBLISHED, RESTRICTED, SUPERSEDED)

# Object kinds whose privacy is their collection's.
MEDIA_KINDS = {"image": get_image_model, "document": get_document_model}


def restricted_page_paths() -> list[str]:
    return list(
        Page.objects.filter(pk__in=PageViewRestriction.objects.values("page_id")).values_list(
            "path", flat=True
        )
    )


@dataclass
class Visibility:
    """A snapshot of what is public now, for the objects a batch of events mentions."""

    pages: dict[int, str | None] = field(default_factory=dict)  # id -> reason or None
    media: dict[tuple[str, int], str | None] = field(default_factory=dict)

    def page_reason(self, page_id: int) -> str | None:
        return self.pages.get(page_id, DELETED)

    def is_public_page(self, page_id: int) -> bool:
        return self.page_reason(page_id) is None


def page_reasons(page_ids: Iterable[int]) -> dict[int, str | None]:
    """For each page id: ``None`` when the anonymous API shows it now, else the reason."""
    ids = {int(pk) for pk in page_ids}
    if not ids:
        return {}
    rows = Page.objects.filter(pk__in=ids).values_list("pk", "path", "live")
    restricted = restricted_page_paths()
    reasons: dict[int, str | None] = dict.fromkeys(ids, DELETED)
    for pk, path, live in rows:
        if not live:
            reasons[pk] = UNPUBLISHED
        elif any(path.startswith(prefix) for prefix in restricted):
            reasons[pk] = RESTRICTED
        else:
            reasons[pk] = None
    return reasons


def media_reasons(kind: str, ids: Iterable[int], private: set[int]) -> dict[int, str | None]:
    ids = set(ids)
    if not ids:
        return {}
    model = MEDIA_KINDS[kind]()
    reasons: dict[int, str | None] = dict.fromkeys(ids, DELETED)
    for pk, collection_id in model.objects.filter(pk__in=ids).values_list("pk", "collection_id"):
        reasons[pk] = RESTRICTED if collection_id in private else None
    return reasons


def related_page_ids(event: Event) -> list[int]:
    """Pages an event's data lists (snippet and media events: the pages that show them)."""
    if isinstance(event.data, dict) and isinstance(event.data.get("pages"), list):
        return [pk for pk in event.data["pages"] if isinstance(pk, int)]
    return []


def subject_page_id(event: Event) -> int | None:
    """The page whose privacy governs the event: the object itself, or the page feedback
    was given on."""
    if event.object_kind == "page":
        return event.object_id
    if event.object_kind == "feedback" and isinstance(event.data, dict):
        page = event.data.get("page")
        return page if isinstance(page, int) else None
    return None


def snapshot(events: Sequence[Event]) -> Visibility:
    page_ids: set[int] = set()
    media_ids: dict[str, set[int]] = {kind: set() for kind in MEDIA_KINDS}
    for event in events:
        subject = subject_page_id(event)
        if subject is not None:
            page_ids.add(subject)
        page_ids.update(related_page_ids(event))
        if event.object_kind in MEDIA_KINDS:
            media_ids[event.object_kind].add(event.object_id)
    visibility = Visibility(pages=page_reasons(page_ids))
    if any(media_ids.values()):
        private = restricted_collection_ids()
        for kind, ids in media_ids.items():
            for pk, reason in media_reasons(kind, ids, private).items():
                visibility.media[(kind, pk)] = reason
    return visibility


def public_envelope(event: Event, visibility: Visibility) -> dict[str, Any]:
    """The envelope an anonymous reader may see (see the module docstring)."""
    envelope = event.envelope()
    if envelope.get("data") is None:
        return envelope
    reason: str | None = None
    subject = subject_page_id(event)
    if subject is not None:
        reason = visibility.page_reason(subject)
    elif event.object_kind in MEDIA_KINDS:
        reason = visibility.media.get((event.object_kind, event.object_id), DELETED)
    if reason is not None:
        envelope["data"] = None
        envelope["redacted"] = reason
        return envelope
    related = related_page_ids(event)
    if related:
        # Snippet and media events: list only the affected pages a reader may see.
        envelope["data"] = {
            **envelope["data"],
            "pages": [pk for pk in related if visibility.is_public_page(pk)],
        }
    return envelope


def envelopes(events: Sequence[Event], *, include_private: bool) -> list[dict[str, Any]]:
    """Envelopes of ``events`` for one reader: full, or redacted for the public."""
    if include_private:
        return [event.envelope() for event in events]
    visibility = snapshot(events)
    return [public_envelope(event, visibility) for event in events]


def envelope_for(event: Event, *, include_private: bool) -> dict[str, Any]:
    return envelopes([event], include_private=include_private)[0]
