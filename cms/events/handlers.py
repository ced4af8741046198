"""Wagtail and Django signals -> ``record()``. Connected by ``register_signal_handlers()`` from
``CmsConfig.ready()``.

The handlers run inside the transaction that makes the change (``ATOMIC_REQUESTS`` in the
admin, an explicit ``transaction.atomic()`` everywhere else, Django's own atomic block around
every ``delete()``), so if recording fails the change fails with it: there is never a change a
consumer needs without its event. Where Wagtail publishes outside a transaction (scheduled
publishing), ``reconcile()`` records whatever is missing.

Every change a consumer needs is an event:

* pages: ``page.published``, ``page.unpublished``, ``page.expired`` (``expire_at`` passed),
  ``page.deleted`` (its events' data erased), ``page.moved`` and ``page.url_changed`` for each
  live descendant whose URL a move or a slug change altered, ``page.privacy_changed`` for a
  page and its live descendants when a view restriction on it is added, changed or removed;
* what pages show: ``person.*``, ``organisation_unit.*``, ``theme.*``, ``image.*``,
  ``document.*`` (``updated``, ``deleted``) with ``data = {"pages": [ids of live pages that
  show it]}``. Creating one is not an event: no page shows it yet.
"""

from __future__ import annotations

import threading

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.models import OrganisationUnit, Person
from themes.models import Theme

from .affected import affected_pages
from .models import Event, EventType
from .recording import object_kind, record
from .retention import erase_object_data

# Pages whose URL path changed in the save that precedes their publish (see on_page_saving).
_url_changes = threading.local()


def _changed_urls() -> set[int]:
    if not hasattr(_url_changes, "ids"):
        _url_changes.ids = set()
    return _url_changes.ids


def _record_url_changes(page: Page) -> None:
    for descendant in Page.objects.descendant_of(page).live().specific().order_by("path"):
        record(EventType.PAGE_URL_CHANGED, descendant, revision=descendant.live_revision_id)


def on_page_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Remember a page whose URL path is about to change (a new slug being published).

    Wagtail updates the descendants' paths after the save and sends ``page_slug_changed`` only
    after commit, so the events are recorded by ``on_page_published``, in the transaction."""
    if raw or instance.pk is None or not isinstance(instance, Page):
        return
    if (
        update_fields is not None
        and "url_path" not in update_fields
        and "slug" not in (update_fields)
    ):
        return
    before = Page.objects.filter(pk=instance.pk).values_list("url_path", flat=True).first()
    if before is not None and before != instance.url_path:
        _changed_urls().add(instance.pk)


def on_page_published(sender, instance, revision=None, **kwargs) -> None:
    record(EventType.PAGE_PUBLISHED, instance, revision=revision)
    if instance.pk in _changed_urls():
        _changed_urls().discard(instance.pk)
        _record_url_changes(instance)


def on_page_unpublished(sender, instance, **kwargs) -> None:
    """Wagtail also sends this when a never-published draft is deleted: consumers never saw
    such a page, so nothing is recorded for it. Scheduled expiry is ``page.expired``."""
    if not Event.objects.for_object("page", instance.pk).exists():
        return
    event_type = EventType.PAGE_EXPIRED if instance.expired else EventType.PAGE_UNPUBLISHED
    record(event_type, instance)


def on_page_deleted(sender, instance, **kwargs) -> None:
    """Consumers hear of deletions of pages they were told about (drafts stay private); the
    data of every event of the page is erased at once (``cms.events.retention``)."""
    if Event.objects.for_object("page", instance.pk).exists():
        record(EventType.PAGE_DELETED, instance, data=None)
    erase_object_data("page", instance.pk)


def on_page_moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs) -> None:
    """A move changes the URL of the page and of every page below it: ``page.moved`` for the
    page, ``page.url_changed`` for each live descendant."""
    _changed_urls().discard(instance.pk)  # the move's own save: recorded here, not on publish
    if url_path_before == url_path_after:
        return  # reordering among siblings: nothing a consumer sees changes
    page = Page.objects.filter(pk=instance.pk).specific().first()
    if page.live:
        record(EventType.PAGE_MOVED, page, revision=page.live_revision_id)
    _record_url_changes(page)


def on_restriction_changed(sender, instance, **kwargs) -> None:
    """A view restriction hides or reveals the page and everything below it."""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:
        return
    pages = Page.objects.descendant_of(page, inclusive=True).live().specific().order_by("path")
    for affected in pages:
        record(EventType.PAGE_PRIVACY_CHANGED, affected, revision=affected.live_revision_id)


def _event_type(kind: str, action: str) -> EventType:
    return EventType(f"{kind}.{action}")


def on_object_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if created or raw:
        return
    kind = object_kind(instance)
    record(_event_type(kind, "updated"), instance, data={"pages": affected_pages(kind, instance)})


def on_object_deleting(sender, instance, **kwargs) -> None:
    """Recorded before the row goes (the pages that showed it are still known), in Django's
    atomic delete; only for objects consumers may have seen (some page shows it, or it had
    events before)."""
    kind = object_kind(instance)
    pages = affected_pages(kind, instance)
    if pages or Event.objects.for_object(kind, instance.pk).exists():
        record(_event_type(kind, "deleted"), instance, data={"pages": pages})


def shown_models() -> list[type[models.Model]]:
    return [Person, OrganisationUnit, Theme, get_image_model(), get_document_model()]


def register_signal_handlers() -> None:
    page_published.connect(on_page_published, dispatch_uid="kanal_events_page_published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="kanal_events_page_unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="kanal_events_page_moved")
    # Every page deletion, whatever its specific class, deletes its base ``Page`` row.
    post_delete.connect(on_page_deleted, sender=Page, dispatch_uid="kanal_events_page_deleted")
    pre_save.connect(on_page_saving, dispatch_uid="kanal_events_page_saving")
    for signal in (post_save, post_delete):
        signal.connect(
            on_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"kanal_events_restriction_{signal!r}",
        )
    for model in shown_models():
        post_save.connect(
            on_object_saved, sender=model, dispatch_uid=f"kanal_events_saved_{model._meta.label}"
        )
        pre_delete.connect(
            on_object_deleting,
            sender=model,
            dispatch_uid=f"kanal_events_deleting_{model._meta.label}",
        )
