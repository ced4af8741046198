"""Database state of the representation cache: one stamp per page.

Imported by ``cms.models`` so the model belongs to the ``cms`` app.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiCacheStamp(models.Model):
    """A per-page counter that is part of every cache key and ETag of the page.

    Bumped when something the page's representation *uses* changes (an image, a document, a
    snippet, a theme, a linked page). It lives in the database, not in the cache, so that every
    web process sees the bump even with a per-process local-memory cache.
    """

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="api_cache_stamp",
    )
    stamp = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("API cache stamp")
