"""Every feed Kanal serves, as one OPML 2.0 file (http://opml.org/spec2.opml), so a reader can
subscribe to everything, each page type, every theme and every tag in one go."""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Locale

from cms.visibility import public_tags
from themes.models import Theme

from .scope import PAGE_TYPES, TYPE_TITLES, default_language, feed_url

CONTENT_TYPE = "text/x-opml; charset=utf-8"


def _outline(parent: Element, text: str, kind: str, key: str, language: str) -> None:
    SubElement(
        parent,
        "outline",
        {
            "type": "rss",
            "text": text,
            "title": text,
            "xmlUrl": feed_url(kind, key, "rss", language),
            "htmlUrl": settings.KANAL_FRONTEND_URL.rstrip("/") + "/",
            "language": language,
        },
    )


def opml_document() -> bytes:
    site = settings.WAGTAIL_SITE_NAME
    root = Element("opml", {"version": "2.0"})
    head = SubElement(root, "head")
    SubElement(head, "title").text = "{}: {}".format(site, _("every feed"))
    body = SubElement(root, "body")
    themes = list(Theme.objects.order_by("sort_order", "name").values_list("slug", "name"))
    tags = list(public_tags().order_by("name").values_list("slug", "name"))
    languages = sorted(
        Locale.objects.values_list("language_code", flat=True),
        key=lambda code: (code != default_language(), code),
    )
    for language in languages:
        group = SubElement(body, "outline", {"text": f"{site} ({language})"})
        with translation.override(language):
            _outline(group, "{}: {}".format(site, _("everything")), "all", "", language)
            for key in PAGE_TYPES:
                _outline(group, f"{site}: {TYPE_TITLES[key]}", "type", key, language)
            theme_group = SubElement(group, "outline", {"text": _("Themes")})
            for slug, name in themes:
                title = "{}: {} {}".format(site, _("theme"), name)
                _outline(theme_group, title, "theme", slug, language)
            tag_group = SubElement(group, "outline", {"text": _("Tags")})
            for slug, name in tags:
                title = "{}: {} {}".format(site, _("tag"), name)
                _outline(tag_group, title, "tag", slug, language)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="unicode").encode()
