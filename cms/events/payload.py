"""The ``data`` of a page event: the page's representation at the event's revision.

This is the one seam between events and the headless API's serialiser. Until the API's
``cms.api.representation.page_representation(page, revision=...)`` lands, ``page_data``
builds an equivalent dict itself; at merge it becomes a one-line call to that function.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from modelcluster.fields import ParentalManyToManyField
from taggit.managers import TaggableManager
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Revision

# Page's own bookkeeping that says nothing to a consumer.
_SKIPPED_FIELDS = {
    "page_ptr",
    "path",
    "depth",
    "numchild",
    "translation_key",
    "draft_title",
    "live",
    "has_unpublished_changes",
    "owner",
    "locked",
    "locked_at",
    "locked_by",
    "latest_revision",
    "live_revision",
    "content_type",
    "alias_of",
    "go_live_at",
    "expire_at",
    "expired",
    "show_in_menus",
    "search_description",
    "seo_title",
    "latest_revision_created_at",
    "last_reviewed_by",
}


def page_data(page: Page, revision: Revision | None = None) -> dict[str, Any]:
    """The page as the API represents it, at ``revision`` when given (else as it is now)."""
    page = page.specific
    if revision is not None and revision.object_id == str(page.pk):
        page = revision.as_object()
    meta = {
        "type": page.specific_class._meta.label if page.specific_class else "wagtailcore.Page",
        "slug": page.slug,
        "url_path": page.url_path,
        "locale": page.locale.language_code if page.locale_id else None,
        "first_published_at": page.first_published_at,
        "last_published_at": page.last_published_at,
        "parent_id": page.get_parent().pk if page.depth > 1 else None,
    }
    data: dict[str, Any] = {"id": page.pk, "meta": meta, "title": page.title}
    for field in page._meta.get_fields():
        if field.name in _SKIPPED_FIELDS or getattr(field, "model", None) is Page:
            continue
        is_own_value = getattr(field, "concrete", False) and not field.auto_created
        if is_own_value or isinstance(field, TaggableManager | models.ManyToManyField):
            data[field.name] = _field_value(page, field)
    return data


def _field_value(page: Page, field: Any) -> Any:
    if isinstance(field, TaggableManager):
        return sorted(tag.name for tag in getattr(page, field.name).all())
    if isinstance(field, ParentalManyToManyField | models.ManyToManyField):
        return sorted(obj.pk for obj in getattr(page, field.name).all())
    if isinstance(field, models.ForeignKey):
        return getattr(page, field.attname)
    value = getattr(page, field.attname)
    if isinstance(field, StreamField):
        return field.stream_block.get_api_representation(value)
    if isinstance(field, RichTextField):
        return value or ""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
