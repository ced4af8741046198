"""Which live pages show a snippet, image, document or theme: listed in its events' ``data``
(``{"pages": [...]}``) so a consumer can refresh exactly those pages.

Uses Wagtail's reference index (fields, StreamField blocks, rich text, inline children) and,
for themes, the pages' theme relations. ``cms.api.invalidation`` answers the same question for
cache stamps; it lives above ``cms.events`` in the layering, so the lookup is not shared.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from wagtail.models import Page, ReferenceIndex

from cms.models import KanalPage, Person


def pages_referencing(objects: Iterable[models.Model]) -> set[int]:
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


def pages_with_theme(theme_id: int) -> set[int]:
    ids: set[int] = set()
    for model in apps.get_models():
        if not issubclass(model, KanalPage) or model._meta.abstract:
            continue
        through = model._meta.get_field("themes").remote_field.through
        source = f"{model._meta.model_name}_id"
        ids |= set(through.objects.filter(theme_id=theme_id).values_list(source, flat=True))
    return ids


def affected_pages(kind: str, instance: models.Model) -> list[int]:
    """Live pages showing ``instance`` (directly, or through a person it belongs to)."""
    if kind == "theme":
        ids = pages_with_theme(instance.pk)
    else:
        objects: list[models.Model] = [instance]
        if kind == "image":
            objects += list(Person.objects.filter(photo_id=instance.pk))
        elif kind == "organisation_unit":
            objects += list(Person.objects.filter(organisation_unit_id=instance.pk))
        ids = pages_referencing(objects)
    return sorted(Page.objects.filter(pk__in=ids, live=True).values_list("pk", flat=True))
