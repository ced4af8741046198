"""Content review: every content page carries "last reviewed on / by", and editors are
reminded in the admin when a live page has not been reviewed for a year."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q

from .models import ArticlePage, ProgramPage, VideoPage


def pages_due_for_review(today: date | None = None, limit: int = 20) -> list:
    """Live content pages never reviewed, or reviewed longer ago than the interval, oldest first."""
    today = today or date.today()
    cutoff = today - timedelta(days=settings.KANAL_REVIEW_INTERVAL_DAYS)
    due = Q(last_reviewed_at__isnull=True) | Q(last_reviewed_at__lt=cutoff)
    pages = []
    for model in (ProgramPage, ArticlePage, VideoPage):
        pages.extend(
            model.objects.live()
            .filter(due)
            .only("pk", "title", "last_reviewed_at", "depth", "path", "url_path")[:limit]
        )
    pages.sort(key=lambda page: (page.last_reviewed_at or date.min, page.title))
    return pages[:limit]
