"""Wagtail signals -> ``record()``. Connected by ``register_signal_handlers()`` from
``CmsConfig.ready()``.

The handlers run inside the publishing transaction (``ATOMIC_REQUESTS`` in the admin, an
explicit ``transaction.atomic()`` everywhere else), so if recording fails the publish fails
with it: there is never a live revision without its event. Where Wagtail publishes outside a
transaction (scheduled publishing), ``reconcile()`` records whatever is missing.
"""

from __future__ import annotations

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import Event, EventType
from .recording import record


def on_page_published(sender, instance, revision=None, **kwargs) -> None:
    record(EventType.PAGE_PUBLISHED, instance, revision=revision)


def on_page_unpublished(sender, instance, **kwargs) -> None:
    """Wagtail also sends this when a never-published draft is deleted: consumers never saw
    such a page, so nothing is recorded for it."""
    if not Event.objects.for_object("page", instance.pk).exists():
        return
    record(EventType.PAGE_UNPUBLISHED, instance)


def on_page_deleted(sender, instance, **kwargs) -> None:
    """Consumers hear of deletions of pages they were told about (drafts stay private)."""
    if not Event.objects.for_object("page", instance.pk).exists():
        return
    record(EventType.PAGE_DELETED, instance, data=None)


def on_page_moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs) -> None:
    """A move changes the URL of the page and of every page below it: one event per live page."""
    if url_path_before == url_path_after:
        return  # reordering among siblings: nothing a consumer sees changes
    page = Page.objects.get(pk=instance.pk)
    moved_pages = Page.objects.descendant_of(page, inclusive=True).live().specific()
    for moved in moved_pages.order_by("path"):
        record(EventType.PAGE_MOVED, moved, revision=moved.live_revision_id)


def register_signal_handlers() -> None:
    page_published.connect(on_page_published, dispatch_uid="kanal_events_page_published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="kanal_events_page_unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="kanal_events_page_moved")
    # Every page deletion, whatever its specific class, deletes its base ``Page`` row.
    post_delete.connect(on_page_deleted, sender=Page, dispatch_uid="kanal_events_page_deleted")
