"""``{% feed_links page %}``: ``<link rel="alternate">`` to the outgoing feeds on the plain HTML
views, so a browser or feed reader finds them from any page (RSS Autodiscovery; RFC 4287 §7
for Atom; JSON Feed 1.1 "Discovery"). Paths come from ``cms.representation.urls.feed_path``."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from ..representation.resolver import type_label
from ..representation.urls import TYPE_FEED_KEYS, default_language, feed_path

register = template.Library()

TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}


@register.simple_tag
def feed_links(page=None) -> str:
    site = settings.WAGTAIL_SITE_NAME
    language = getattr(getattr(page, "locale", None), "language_code", None) or default_language()
    scopes = [("all", "", site)]
    type_key = TYPE_FEED_KEYS.get(type_label(type(page))) if hasattr(page, "_meta") else None
    if type_key:
        scopes.append(("type", type_key, f"{site}: {type_key}"))
    themes = page.themes.all() if hasattr(page, "themes") and page.pk else []
    scopes += [("theme", theme.slug, f"{site}: {theme.name}") for theme in themes]
    rows = [
        (TYPES[fmt], f"{title} ({fmt.upper()})", feed_path(kind, key, fmt, language))
        for kind, key, title in scopes
        for fmt in TYPES
    ]
    links = format_html_join("\n", '<link rel="alternate" type="{}" title="{}" href="{}">', rows)
    if type_key == "programs":
        prefix = "" if language == default_language() else f"/{language}"
        links += format_html(
            '\n<link rel="alternate" type="text/calendar" title="{}" href="{}">',
            "{}: {}".format(page.title, _("meetings")),
            f"{prefix}/feeds/programs/{page.slug}/meetings.ics",
        )
    return links
