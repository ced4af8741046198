"""A page's external representation — one dict, built the same way for the API, previews,
event payloads, feeds and push bodies.

``build_representations(pages)`` builds many specific pages with a fixed number of queries;
``revision_representation(page, revision)`` the page as stored in a revision (a draft for
preview, or the revision an event reports — never from a cache); the live, cached
representation is ``cms.representation.cache.cached_representations``.

Shape (every page type)::

    {"id": 42, "title": "…",
     "meta": {"type": "cms.ArticlePage", "detail_url": …, "html_url": …, "slug": …,
              "locale": "sv", "translations": [{"id", "locale", "detail_url", "html_url"}],
              "parent": {page link} | null, "first_published_at": …, "last_published_at": …,
              "seo_title": …, "search_description": …, "show_in_menus": …, "alias_of": …,
              "revision": 88},
     "themes": [{"id", "slug", "name", "colour"}], "tags": ["…"], "origin": {…} | null,
     "syndicated_to": [], "last_reviewed_at": "2026-10-01" | null,
     …the page type's ``external_fields``}

Everything it links to is filtered: links to pages that are not live and public, and images or
documents in private collections, come out as ``null`` (or plain text in rich text).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils import translation
from wagtail.models import Page, Revision

from .fields import Computed, ExternalField, iso
from .resolver import Resolver, declared_fields, type_label
from .schema import DATE, STRING, array, nullable, ref
from .urls import api_detail_url, page_html_url

META_FIELDS = [
    "type",
    "detail_url",
    "html_url",
    "slug",
    "locale",
    "translations",
    "parent",
    "first_published_at",
    "last_published_at",
    "seo_title",
    "search_description",
    "show_in_menus",
    "alias_of",
    "revision",
]


def _themes(page: Page, resolver: Resolver) -> list[dict]:
    if not hasattr(page, "themes"):
        return []
    themes = sorted(page.themes.all(), key=lambda theme: (theme.sort_order, theme.name))
    return [{"id": t.pk, "slug": t.slug, "name": t.name, "colour": t.colour} for t in themes]


def _tags(page: Page, resolver: Resolver) -> list[str]:
    if not hasattr(page, "tagged_items"):
        return []
    return sorted(item.tag.name for item in page.tagged_items.all())


def _origin(page: Page, resolver: Resolver) -> dict | None:
    url = getattr(page, "origin_url", "")
    return {"source": page.origin_source, "url": url} if url else None


# The fields every page type has, before its own ``external_fields``.
COMMON_FIELDS: list[ExternalField] = [
    Computed("themes", array(ref("ThemeRef")), get=_themes),
    Computed("tags", array(STRING), get=_tags),
    Computed(
        "last_reviewed_at",
        nullable(DATE),
        get=lambda page, resolver: iso(getattr(page, "last_reviewed_at", None)),
    ),
    Computed("origin", nullable(ref("Origin")), get=_origin),
    Computed(
        "syndicated_to",
        array(
            {"type": "object"},
            description="Where push syndication published the page (empty for now).",
        ),
        get=lambda page, resolver: [],
    ),
]


def represented_models() -> list[type[Page]]:
    """Every page type with an external shape, in model registration order."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Page) and hasattr(model, "external_fields")
    ]


def fields_of(model: type[Page]) -> list[str]:
    """The body fields a page type's representation has (besides ``id`` and ``meta``)."""
    return ["title", *(field.name for field in COMMON_FIELDS + declared_fields(model))]


def _represent(page: Page, resolver: Resolver) -> dict[str, Any]:
    language = page.locale.language_code
    meta = {
        "type": type_label(type(page)),
        "detail_url": api_detail_url("pages", page.pk),
        "html_url": page_html_url(page.url_path, language),
        "slug": page.slug,
        "locale": language,
        "translations": sorted(
            (
                {key: link[key] for key in ("id", "locale", "detail_url", "html_url")}
                for link in resolver.translations.get(page.translation_key, [])
                if link["id"] != page.pk
            ),
            key=lambda link: link["locale"],
        ),
        "parent": resolver.parents.get(page.path[: -Page.steplen]) if page.depth > 1 else None,
        "first_published_at": iso(page.first_published_at),
        "last_published_at": iso(page.last_published_at),
        "seo_title": page.seo_title,
        "search_description": page.search_description,
        "show_in_menus": page.show_in_menus,
        "alias_of": page.alias_of_id,
        "revision": page.live_revision_id,
    }
    data: dict[str, Any] = {"id": page.pk, "title": page.title, "meta": meta}
    for field in COMMON_FIELDS + declared_fields(type(page)):
        data[field.name] = field.value(page, resolver)
    return data


def build_representations(pages: list[Page]) -> dict[int, dict[str, Any]]:
    """Representations of many specific pages, with a fixed number of queries for the batch."""
    if not pages:
        return {}
    resolver = Resolver(pages)
    result = {}
    for page in pages:
        with translation.override(page.locale.language_code):
            result[page.pk] = _represent(page, resolver)
    return result


def revision_representation(page: Page, revision: Revision) -> dict[str, Any]:
    """``page`` as stored in ``revision``: its content from the revision, its place in the
    tree (path, URL, parent) as it is now. ``meta.revision`` is the revision's id.

    Built from the revision every time, never from a cache, so an event payload describes
    exactly the state it reports (a moved page carries its new URL and parent).
    """
    obj = page.specific.with_content_json(revision.content)
    data = build_representations([obj])[obj.pk]
    data["meta"]["revision"] = revision.pk
    return data
