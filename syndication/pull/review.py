"""Imported posts are reviewed through their source: the dashboard's review panel
(``cms.review``) gets one line per source — how many live posts it brought in and whether it
is healthy — instead of one line per imported post. Registered in ``AppConfig.ready()``."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cms.review import ReviewLine, register_line_provider

from .models import Source


def health(source: Source) -> str:
    """The source's state in words, as the sources listing shows it."""
    if not source.active:
        return _("inactive")
    if not source.is_healthy:
        return _("unhealthy: %(error)s") % {"error": source.last_error[:80]}
    if source.error_count:
        return _("error")
    return source.get_last_outcome_display() or _("new")


def source_lines(user) -> list[ReviewLine]:
    """One line per source, for the people who look after sources."""
    if not user.has_perm("syndication.view_source"):
        return []
    sources = Source.objects.annotate(
        live_posts=Count("items", filter=Q(items__page__live=True))
    ).order_by("name")
    return [
        ReviewLine(
            label=source.name,
            count=source.live_posts,
            health=health(source),
            healthy=source.active and source.is_healthy and not source.error_count,
            url=reverse("syndication_imported_items", args=[source.pk]),
        )
        for source in sources
    ]


def register() -> None:
    register_line_provider(source_lines)
