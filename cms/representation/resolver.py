"""The objects a batch of pages refers to, loaded in bulk, and the API shapes they take.

``load_pages`` loads specific pages with the joins and prefetches each type needs;
``Resolver`` walks a batch of pages once (stored StreamField JSON, rich text, foreign keys,
inline children), loads every image, document, person and linked page they use with one
query per kind, and turns them into their API shapes. This is what makes a list of 100 pages
cost as many queries as a list of one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from wagtail import blocks
from wagtail.models import Page

from ..models import HomePage, KanalPage, OrganisationUnit, Person
from . import richtext, streams, syndicated
from .fields import PERSON_KEY, ExternalField
from .media import (
    document_representation,
    image_representation,
    load_documents,
    load_images,
    restricted_collection_ids,
)
from .urls import api_detail_url, page_html_url


def declared_fields(model: type[Page]) -> list[ExternalField]:
    """The page type's own ``external_fields`` (none for Wagtail's root ``Page``)."""
    return list(getattr(model, "external_fields", []))


def load_plan(model: type[Page]) -> tuple[list[str], list[Any]]:
    """Joins and prefetches that make a list of N pages of ``model`` cost the queries of one:
    the locale, themes and tags every content page shows, then what its fields declare."""
    related = ["locale"]
    prefetch: list[Any] = []
    if issubclass(model, KanalPage):
        tag_model = model._meta.get_field("tagged_items").related_model
        prefetch = ["themes", Prefetch("tagged_items", tag_model.objects.select_related("tag"))]
    for field in declared_fields(model):
        related += field.select_related
        prefetch += field.prefetch_related
    return related, prefetch


def type_label(model: type) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def load_pages(rows: Iterable[tuple[int, int]]) -> dict[int, Page]:
    """Specific page objects for ``(pk, content_type_id)`` rows, one query set per page type."""
    by_type: dict[int, list[int]] = defaultdict(list)
    for pk, content_type_id in rows:
        by_type[content_type_id].append(pk)
    pages: dict[int, Page] = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
        related, prefetch = load_plan(model)
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
        refs[PERSON_KEY] |= set(extra_people)
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
                for person in Person.objects.filter(pk__in=refs[PERSON_KEY]).select_related(
                    "organisation_unit"
                )
            }
            if refs[PERSON_KEY]
            else {}
        )
        refs["image"] |= {person.photo_id for person in self.people.values() if person.photo_id}
        self.page_ids = [page.pk for page in pages]
        self._paths = [page.path for page in pages]
        # Shapes already built in this batch: an author or an image shared by 50 pages is
        # shaped once (an image's renditions cost ~1 ms of Wagtail's filter parsing each).
        self._image_shapes: dict[int, dict] = {}
        self._person_shapes: dict[int, dict] = {}
        self._syndicated: dict[int, list[dict]] | None = None
        self._site_units: dict[str, OrganisationUnit | None] | None = None
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
            PERSON_KEY: self.people,
        }
        self.expand_rich_text = richtext.make_expander(
            self.links.get,
            lambda pk: self.document(self.documents.get(pk)),
            lambda pk: self.image(self.images.get(pk)),
        )

    # -- the shapes -------------------------------------------------------------------------
    def image(self, image, alt_text: str = "", *, decorative: bool = False) -> dict | None:
        if image is None or image.pk not in self.images:
            return None
        shape = self._image_shapes.get(image.pk)
        if shape is None:
            shape = self._image_shapes[image.pk] = image_representation(self.images[image.pk])
        # A copy per use: the alt text is the use's, and no two pages share a mutable dict.
        if decorative:
            return {**shape, "alt": "", "decorative": True}
        return {**shape, "alt": alt_text} if alt_text else dict(shape)

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

    def syndicated_to(self, page) -> list[dict]:
        """Where the page was pushed, loaded once for the whole batch."""
        if self._syndicated is None:
            self._syndicated = syndicated.syndicated_to(self.page_ids)
        return self._syndicated.get(page.pk, [])

    def site_unit(self, page) -> OrganisationUnit | None:
        """The organisation unit of the site ``page`` belongs to: its nearest ``HomePage``
        ancestor's. Loaded once for the whole batch (one query), and only when a page of the
        batch names no unit of its own."""
        if self._site_units is None:
            ancestors = {
                path[:end]
                for path in self._paths
                for end in range(Page.steplen, len(path), Page.steplen)
            }
            homes = HomePage.objects.filter(path__in=ancestors).select_related("organisation_unit")
            self._site_units = {home.path: home.organisation_unit for home in homes}
        for end in range(len(page.path) - Page.steplen, 0, -Page.steplen):
            if page.path[:end] in self._site_units:
                return self._site_units[page.path[:end]]
        return None

    def person(self, person) -> dict | None:
        if person is None:
            return None
        pk = person.pk if isinstance(person, Person) else person
        shape = self._person_shapes.get(pk)
        if shape is None:
            person = self.people.get(pk)
            if person is None:
                return None
            unit = person.organisation_unit
            shape = self._person_shapes[pk] = {
                "id": person.pk,
                "name": person.name,
                "role": person.role,
                "email": person.email,
                "phone": person.phone,
                "photo": self.image(
                    self.images.get(person.photo_id),
                    person.photo_alt_text,
                    decorative=person.photo_decorative,
                ),
                "organisation_unit": {"id": unit.pk, "name": unit.name} if unit else None,
            }
        return dict(shape)

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
    for field in declared_fields(type(page)):
        field.collect(page, refs)
