"""A page as the API shows it — one dict, built the same way for the API, previews and events.

``page_representation(page, *, revision=None) -> dict`` is the public entry point: the full
JSON-ready representation of a live page (from the representation cache when possible), or of
a given revision (a draft for preview, or the revision an event is about). The headless API's
lists use ``build_representations`` to build many pages with a fixed number of queries.

Shape (every page type)::

    {"id": 42, "title": "…",
     "meta": {"type": "cms.ArticlePage", "detail_url": …, "html_url": …, "slug": …,
              "locale": "sv", "translations": [{"id", "locale", "detail_url", "html_url"}],
              "parent": {page link} | null, "first_published_at": …, "last_published_at": …,
              "seo_title": …, "search_description": …, "show_in_menus": …, "alias_of": …,
              "revision": 88},
     "themes": [{"id", "slug", "name", "colour"}], "tags": ["…"], "origin": {…} | null,
     "syndicated_to": [], "last_reviewed_at": "2026-10-01" | null,
     …the fields of the page type (see ``cms.api.schema``)}

Everything it links to is filtered: links to pages that are not live and public, and images or
documents in private collections, come out as ``null`` (or plain text in rich text).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils import translation
from wagtail.models import Page, Revision

from ..models import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    KanalPage,
    OrganisationUnit,
    ProgramIndexPage,
    ProgramPage,
    VideoIndexPage,
    VideoPage,
)
from ..models.programs import AUDIENCES, FORMATS
from .resolver import Resolver, type_label
from .urls_base import api_detail_url, page_html_url

COMMON_FIELDS = ["title", "themes", "tags", "last_reviewed_at", "origin", "syndicated_to"]
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
TYPE_FIELDS: dict[type[Page], list[str]] = {
    ArticlePage: ["intro", "body", "author", "author_name", "publication_date"],
    VideoPage: [
        "video",
        "poster_image",
        "description",
        "transcript",
        "related_program",
        "publication_date",
    ],
    ProgramPage: [
        "summary",
        "goals",
        "target_audience",
        "format",
        "start_date",
        "end_date",
        "meetings",
        "materials",
        "contacts",
        "related_pages",
    ],
    HomePage: ["intro", "body", "organisation_unit"],
    ArticleIndexPage: ["intro"],
    VideoIndexPage: ["intro"],
    ProgramIndexPage: ["intro"],
}


def fields_of(model: type[Page]) -> list[str]:
    """The body fields a page type's representation has (besides ``id`` and ``meta``)."""
    return COMMON_FIELDS + TYPE_FIELDS.get(model, [])


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def iso_duration(value: timedelta | None) -> str | None:
    if value is None:
        return None
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return (
        "PT"
        + (f"{hours}H" if hours else "")
        + (f"{minutes}M" if minutes else "")
        + (f"{seconds}S" if seconds or not (hours or minutes) else "")
    )


def unit_representation(unit: OrganisationUnit | None) -> dict | None:
    if unit is None:
        return None
    return {
        "id": unit.pk,
        "name": unit.name,
        "visiting_address": unit.visiting_address,
        "postal_address": unit.postal_address,
        "phone": unit.phone,
        "email": unit.email,
        "opening_hours": unit.opening_hours,
    }


def _choice(choices: list, value: str) -> dict:
    return {"value": value, "label": str(dict(choices).get(value, value))}


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
    if isinstance(page, KanalPage):
        themes = sorted(page.themes.all(), key=lambda theme: (theme.sort_order, theme.name))
        data["themes"] = [
            {"id": t.pk, "slug": t.slug, "name": t.name, "colour": t.colour} for t in themes
        ]
        data["tags"] = sorted(item.tag.name for item in page.tagged_items.all())
        data["last_reviewed_at"] = iso(page.last_reviewed_at)
    else:
        data.update(themes=[], tags=[], last_reviewed_at=None)
    origin_url = getattr(page, "origin_url", "")
    data["origin"] = {"source": page.origin_source, "url": origin_url} if origin_url else None
    data["syndicated_to"] = []

    if isinstance(page, ArticlePage):
        data.update(
            intro=page.intro,
            body=resolver.stream(page.body.stream_block, list(page.body.raw_data)),
            author=resolver.person(page.author_id),
            author_name=page.author_name,
            publication_date=iso(page.publication_date),
        )
    elif isinstance(page, VideoPage):
        data.update(
            video={
                "url": page.video_url,
                "provider": page.provider,
                "video_id": page.video_id,
                "embed_url": page.embed_url,
                "thumbnail_url": page.thumbnail_url,
                "duration": iso_duration(page.duration),
                "duration_seconds": int(page.duration.total_seconds()) if page.duration else None,
                "transcript": page.transcript,
            },
            poster_image=resolver.image(resolver.images.get(page.poster_image_id)),
            description=page.description,
            transcript=page.transcript,
            related_program=resolver.page(page.related_program_id),
            publication_date=iso(page.publication_date),
        )
    elif isinstance(page, ProgramPage):
        materials = []
        for material in page.materials.all():
            document = resolver.document(
                resolver.documents.get(material.document_id), material.title
            )
            if document is not None:
                materials.append(document)
        data.update(
            summary=page.summary,
            goals=resolver.rich_text(page.goals),
            target_audience=[_choice(AUDIENCES, value) for value in page.target_audience or []],
            format=_choice(FORMATS, page.format),
            start_date=iso(page.start_date),
            end_date=iso(page.end_date),
            meetings=[
                {"starts_at": iso(m.starts_at), "place": m.place, "topic": m.topic}
                for m in sorted(page.meetings.all(), key=lambda m: (m.sort_order or 0, m.pk or 0))
            ],
            materials=materials,
            contacts=[
                person
                for person in (resolver.person(c.person_id) for c in page.contacts.all())
                if person is not None
            ],
            related_pages=[
                link
                for link in (resolver.page(r.page_id) for r in page.related_pages.all())
                if link is not None
            ],
        )
    elif isinstance(page, HomePage):
        data.update(
            intro=page.intro,
            body=resolver.rich_text(page.body),
            organisation_unit=unit_representation(page.organisation_unit),
        )
    elif hasattr(page, "intro"):
        data["intro"] = page.intro
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


def page_representation(page: Page, *, revision: Revision | None = None) -> dict[str, Any]:
    """The API representation of ``page`` — of its live version, or of ``revision``.

    Without ``revision`` the live page is represented (served from the representation cache
    when it holds the page's current live revision). With ``revision`` (a draft for preview,
    or the revision an event reports) the page as stored in that revision is represented; its
    ``meta.revision`` is that revision's id. Safe to call outside a request (event payloads).
    """
    if revision is not None:
        obj = revision.as_object()
        data = build_representations([obj])[obj.pk]
        data["meta"]["revision"] = revision.pk
        return data
    from .caching import cached_representations

    page = page.specific
    return cached_representations([(page.pk, page.content_type_id)])[page.pk]
