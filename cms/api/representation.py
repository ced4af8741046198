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

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.utils import translation
from wagtail import blocks
from wagtail.models import Page, Revision

from ..models import (
    ArticleIndexPage,
    ArticlePage,
    ArticlePageTag,
    HomePage,
    KanalPage,
    OrganisationUnit,
    Person,
    ProgramIndexPage,
    ProgramPage,
    ProgramPageTag,
    VideoIndexPage,
    VideoPage,
    VideoPageTag,
)
from ..models.programs import AUDIENCES, FORMATS
from . import richtext, streams
from .images import (
    document_representation,
    image_representation,
    load_documents,
    load_images,
    restricted_collection_ids,
)
from .urls_base import api_detail_url, page_html_url

PERSON_LABEL = Person._meta.label

# How each page type is loaded in bulk: joins and prefetches that make a list of N pages cost
# the same number of queries as a list of one.
LOAD_PLAN: dict[type[Page], tuple[list[str], list[Any]]] = {
    ArticlePage: (
        ["locale"],
        ["themes", Prefetch("tagged_items", ArticlePageTag.objects.select_related("tag"))],
    ),
    VideoPage: (
        ["locale"],
        ["themes", Prefetch("tagged_items", VideoPageTag.objects.select_related("tag"))],
    ),
    ProgramPage: (
        ["locale"],
        [
            "themes",
            Prefetch("tagged_items", ProgramPageTag.objects.select_related("tag")),
            "meetings",
            "materials",
            "contacts",
            "related_pages",
        ],
    ),
    HomePage: (["locale", "organisation_unit"], []),
}


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


def type_label(model: type) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


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


def load_pages(rows: Iterable[tuple[int, int]]) -> dict[int, Page]:
    """Specific page objects for ``(pk, content_type_id)`` rows, one query set per page type."""
    by_type: dict[int, list[int]] = defaultdict(list)
    for pk, content_type_id in rows:
        by_type[content_type_id].append(pk)
    pages: dict[int, Page] = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
        related, prefetch = LOAD_PLAN.get(model, (["locale"], []))
        queryset = model._default_manager.filter(pk__in=ids).select_related(*related)
        if prefetch:
            queryset = queryset.prefetch_related(*prefetch)
        pages.update((page.pk, page) for page in queryset)
    return pages


class Resolver:
    """The objects a batch of pages refers to, loaded in bulk, and their API shapes.

    Blocks receive it in their context (``context["resolver"]``) and ask it for images,
    documents, pages and people instead of serialising them themselves.
    """

    @classmethod
    def for_people(cls, person_ids: list[int]) -> Resolver:
        """A resolver that knows only the given people (and their photos)."""
        return cls([], extra_people=person_ids)

    def __init__(self, pages: list[Page], *, extra_people: Iterable[int] = ()):
        refs = streams.new_refs()
        refs[PERSON_LABEL] |= set(extra_people)
        parent_paths: set[str] = set()
        translation_keys: set = set()
        for page in pages:
            _collect_page(page, refs)
            if page.depth > 1:
                parent_paths.add(page.path[: -Page.steplen])
            if page.translation_key:
                translation_keys.add(page.translation_key)

        self.people = (
            {
                person.pk: person
                for person in Person.objects.filter(pk__in=refs[PERSON_LABEL]).select_related(
                    "organisation_unit"
                )
            }
            if refs[PERSON_LABEL]
            else {}
        )
        refs["image"] |= {person.photo_id for person in self.people.values() if person.photo_id}
        self.hidden_collections = restricted_collection_ids()
        self.images = load_images(refs["image"], self.hidden_collections)
        self.documents = load_documents(refs["document"], self.hidden_collections)

        self.links: dict[int, dict] = {}
        self.parents: dict[str, dict] = {}
        self.translations: dict[Any, list[dict]] = defaultdict(list)
        condition = Q(pk__in=refs["page"]) | Q(path__in=parent_paths)
        if translation_keys:
            condition |= Q(translation_key__in=translation_keys)
        rows = (
            Page.objects.live()
            .public()
            .filter(condition)
            .values_list(
                "pk",
                "path",
                "url_path",
                "title",
                "content_type_id",
                "locale__language_code",
                "translation_key",
            )
        )
        for pk, path, url_path, title, content_type_id, language, key in rows:
            model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
            link = {
                "id": pk,
                "type": type_label(model),
                "title": title,
                "locale": language,
                "detail_url": api_detail_url("pages", pk),
                "html_url": page_html_url(url_path, language),
            }
            self.links[pk] = link
            self.parents[path] = link
            if key in translation_keys:
                self.translations[key].append(link)
        self.objects = {
            "image": self.images,
            "document": self.documents,
            "page": self.links,
            PERSON_LABEL: self.people,
        }
        self.expand_rich_text = richtext.make_expander(
            self.links.get,
            lambda pk: self.document(self.documents.get(pk)),
            lambda pk: self.image(self.images.get(pk)),
        )

    # -- the shapes -------------------------------------------------------------------------
    def image(self, image, alt_text: str = "") -> dict | None:
        if image is None or image.pk not in self.images:
            return None
        return image_representation(self.images[image.pk], alt_text)

    def document(self, document, title: str = "") -> dict | None:
        if document is None or document.pk not in self.documents:
            return None
        return document_representation(self.documents[document.pk], title)

    def page(self, value) -> dict | None:
        """A link to a live, public page (by id, page object or already-resolved link)."""
        if value is None:
            return None
        if isinstance(value, dict):
            return value
        return self.links.get(value if isinstance(value, int) else value.pk)

    def person(self, person) -> dict | None:
        if person is None:
            return None
        person = self.people.get(person.pk if isinstance(person, Person) else person)
        if person is None:
            return None
        unit = person.organisation_unit
        return {
            "id": person.pk,
            "name": person.name,
            "role": person.role,
            "email": person.email,
            "phone": person.phone,
            "photo": self.image(self.images.get(person.photo_id)),
            "organisation_unit": {"id": unit.pk, "name": unit.name} if unit else None,
        }

    def rich_text(self, html: str) -> str:
        return self.expand_rich_text(html or "")

    def stream(self, stream_block: blocks.StreamBlock, raw: Iterable[dict]) -> list[dict]:
        context = {"resolver": self}
        result = []
        for item in raw or []:
            child = stream_block.child_blocks.get(item.get("type"))
            if child is None:
                continue
            if isinstance(child, blocks.RichTextBlock):
                value: Any = self.rich_text(item.get("value") or "")
            else:
                python = streams.to_python(child, item.get("value"), self.objects)
                value = child.get_api_representation(python, context=context)
            result.append({"type": child.name, "id": item.get("id"), "value": value})
        return result


def _collect_page(page: Page, refs: streams.Refs) -> None:
    if isinstance(page, ArticlePage):
        streams.collect(page.body.stream_block, list(page.body.raw_data), refs)
        if page.author_id:
            refs[PERSON_LABEL].add(page.author_id)
    elif isinstance(page, VideoPage):
        refs["image"].add(page.poster_image_id)
        refs["page"].add(page.related_program_id)
    elif isinstance(page, ProgramPage):
        for kind, ids in richtext.references(page.goals).items():
            refs[kind] |= ids
        refs["document"] |= {material.document_id for material in page.materials.all()}
        refs[PERSON_LABEL] |= {contact.person_id for contact in page.contacts.all()}
        refs["page"] |= {related.page_id for related in page.related_pages.all()}
    elif isinstance(page, HomePage):
        for kind, ids in richtext.references(page.body).items():
            refs[kind] |= ids


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
