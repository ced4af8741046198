"""Keeping the API caches honest: what to mark stale when content changes.

Connected in ``register_signal_handlers()`` (called from ``CmsConfig.ready()``). A change to a
page marks the page, the pages that link to it (Wagtail's reference index), its translations
and its children (their ``parent`` link shows its title) as stale; a move or slug change also
marks its descendants (their URLs changed). A change to an image, document, person,
organisation unit or theme marks the pages that use it. Every change bumps the global stamp.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    ReferenceIndex,
    Site,
)
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from themes.models import Theme

from ..models import OrganisationUnit, Person
from ..representation.cache import bump


def pages_referencing(objects: Iterable) -> set[int]:
    """Ids of pages whose content (fields, streams, rich text, inline children) uses objects."""
    objects = [obj for obj in objects if obj is not None and obj.pk is not None]
    if not objects:
        return set()
    page_type = ContentType.objects.get_for_model(Page)
    ids = (
        ReferenceIndex.get_references_to_in_bulk(objects)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    return {int(pk) for pk in ids if str(pk).isdigit()}


def _page_changed(page: Page, *, descendants: bool = False) -> None:
    ids = {page.pk} | pages_referencing([page])
    ids |= set(
        Page.objects.filter(translation_key=page.translation_key).values_list("pk", flat=True)
    )
    family = Page.objects.descendant_of(page) if descendants else Page.objects.child_of(page)
    ids |= set(family.values_list("pk", flat=True))
    bump(ids)


def on_page_published(sender, instance, **kwargs) -> None:
    _page_changed(instance)


def on_page_unpublished(sender, instance, **kwargs) -> None:
    _page_changed(instance)


def on_page_moved(sender, instance, **kwargs) -> None:
    _page_changed(instance, descendants=True)


def on_slug_changed(sender, instance, **kwargs) -> None:
    _page_changed(instance, descendants=True)


def on_page_deleted(sender, instance, **kwargs) -> None:
    bump(pages_referencing([instance]))


def on_person_changed(sender, instance, **kwargs) -> None:
    bump(pages_referencing([instance]))


def on_image_changed(sender, instance, **kwargs) -> None:
    people = list(Person.objects.filter(photo_id=instance.pk))
    bump(pages_referencing([instance, *people]))


def on_document_changed(sender, instance, **kwargs) -> None:
    bump(pages_referencing([instance]))


def on_unit_changed(sender, instance, **kwargs) -> None:
    people = list(Person.objects.filter(organisation_unit_id=instance.pk))
    bump(pages_referencing([instance, *people]))


def on_theme_changed(sender, instance, **kwargs) -> None:
    pages = Page.objects.filter(Theme.objects.filter(pk=instance.pk).pages_condition())
    bump(pages.values_list("pk", flat=True))


def on_visibility_changed(sender, instance, **kwargs) -> None:
    """Privacy or site changes alter which pages anyone may see: every response is stale.

    A restriction is also deleted *with* its page (and with every restricted descendant), in
    the middle of Django's cascade: the pages' stamps are already gone, the pages not yet. So
    in the transaction only existing stamps are bumped (the global one included); stamps for
    pages that never had one are created after commit, when deleted pages are really gone.
    Until then such pages are cached under stamp 0 at most for the moment between commit and
    callback, and the second bump also bumps the global stamp (so no response built in that
    moment survives it).
    """
    bump(Page.objects.values_list("pk", flat=True), create=False)
    transaction.on_commit(lambda: bump(Page.objects.values_list("pk", flat=True)))


def register_signal_handlers() -> None:
    page_published.connect(on_page_published, dispatch_uid="kanal_api_published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="kanal_api_unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="kanal_api_moved")
    page_slug_changed.connect(on_slug_changed, dispatch_uid="kanal_api_slug")
    post_delete.connect(on_page_deleted, sender=Page, dispatch_uid="kanal_api_page_deleted")
    for model in _page_models():
        post_delete.connect(
            on_page_deleted, sender=model, dispatch_uid=f"kanal_api_deleted_{model._meta.label}"
        )
    pairs = [
        (Person, on_person_changed),
        (get_image_model(), on_image_changed),
        (get_document_model(), on_document_changed),
        (OrganisationUnit, on_unit_changed),
        (Theme, on_theme_changed),
        (PageViewRestriction, on_visibility_changed),
        (CollectionViewRestriction, on_visibility_changed),
        (Site, on_visibility_changed),
    ]
    for model, handler in pairs:
        for signal in (post_save, post_delete):
            signal.connect(
                handler, sender=model, dispatch_uid=f"kanal_api_{model._meta.label}_{signal!r}"
            )


def _page_models() -> list[type[Page]]:
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, Page) and model is not Page]
