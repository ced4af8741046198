"""The vocabulary in which page types declare their external shape (``external_fields``).

A page type lists its fields once, beside ``content_panels`` and ``search_fields``, in the
spirit of Wagtail's ``api_fields``::

    external_fields = [
        fields.Value("intro", STRING),
        fields.Stream("body", "ArticleBodyBlock"),
        fields.Person("author"),
    ]

Each field knows three things, and everything external is derived from them: how its value
is **resolved** (through the batch ``Resolver``, so a list of 100 pages costs the queries of
one: ``collect`` names the objects the field refers to, ``select_related``/``prefetch_related``
how the page must be loaded), what its value **is** (``value``), and its **schema**
fragment (``schema_for``/``components``). The API representation, the OpenAPI page
components, the event payloads, the feed items and the push bodies are built from these
declarations (``cms.representation.pages``, ``.components``).

Import rule: nothing here imports ``cms.models`` (the page models import this module).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from . import richtext, streams
from .schema import DATE, DATETIME, HTML, Schema, array, nullable, obj, ref, stream_components

if TYPE_CHECKING:
    from wagtail.models import Page


class Resolver(Protocol):
    """What a field may ask of the batch resolver (``cms.representation.resolver.Resolver``,
    which imports the models and so cannot be imported here)."""

    images: dict[int, Any]
    documents: dict[int, Any]

    def image(self, image: Any, alt_text: str = "") -> dict | None: ...
    def document(self, document: Any, title: str = "") -> dict | None: ...
    def page(self, value: Any) -> dict | None: ...
    def person(self, person: Any) -> dict | None: ...
    def rich_text(self, html: str) -> str: ...
    def stream(self, stream_block: Any, raw: Iterable[dict]) -> list[dict]: ...


PERSON_KEY = "cms.Person"  # snippets are collected under their model label


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


def choice(choices: Iterable[tuple[str, Any]], value: str) -> dict[str, str]:
    return {"value": value, "label": str(dict(choices).get(value, value))}


@dataclass(frozen=True)
class ExternalField:
    """One field of a page type's external shape: a plain attribute unless a subclass says
    otherwise."""

    name: str
    schema: Schema
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[Any, ...] = ()

    def collect(self, page: Page, refs: streams.Refs) -> None:
        """Add the ids of the images, documents, pages and people the value refers to."""

    def value(self, page: Page, resolver: Resolver) -> Any:
        return getattr(page, self.name)

    def schema_for(self, model: type[Page]) -> Schema:
        return self.schema

    def components(self, model: type[Page]) -> dict[str, Schema]:
        """Extra named schema components the field's schema refers to."""
        return {}


def Value(name: str, schema: Schema) -> ExternalField:
    return ExternalField(name, schema)


@dataclass(frozen=True)
class DateTime(ExternalField):
    schema: Schema = field(default_factory=lambda: nullable(DATETIME))

    def value(self, page: Page, resolver: Resolver) -> Any:
        return iso(getattr(page, self.name))


@dataclass(frozen=True)
class Date(ExternalField):
    schema: Schema = field(default_factory=lambda: DATE)

    def value(self, page: Page, resolver: Resolver) -> Any:
        return iso(getattr(page, self.name))


@dataclass(frozen=True)
class RichText(ExternalField):
    """A ``RichTextField``: stored references resolved to front-end links and renditions."""

    schema: Schema = field(default_factory=lambda: HTML)

    def collect(self, page: Page, refs: streams.Refs) -> None:
        for kind, ids in richtext.references(getattr(page, self.name)).items():
            refs[kind] |= ids

    def value(self, page: Page, resolver: Resolver) -> Any:
        return resolver.rich_text(getattr(page, self.name))


@dataclass(frozen=True)
class Stream(ExternalField):
    """A ``StreamField``, read from its stored JSON; one schema component per block type,
    named ``<component>_<block name>``."""

    schema: Schema = field(default_factory=dict)  # derived from the stream block
    component: str = ""

    def _raw(self, page: Page) -> list:
        return list(getattr(page, self.name).raw_data)

    def _block(self, model: type[Page]):
        return model._meta.get_field(self.name).stream_block

    def collect(self, page: Page, refs: streams.Refs) -> None:
        streams.collect(self._block(type(page)), self._raw(page), refs)

    def value(self, page: Page, resolver: Resolver) -> Any:
        return resolver.stream(self._block(type(page)), self._raw(page))

    def schema_for(self, model: type[Page]) -> Schema:
        names = self._block(model).child_blocks
        return array({"oneOf": [ref(f"{self.component}_{name}") for name in names]})

    def components(self, model: type[Page]) -> dict[str, Schema]:
        return stream_components(self.component, self._block(model))


@dataclass(frozen=True)
class Person(ExternalField):
    """A foreign key to a ``Person`` snippet (``<name>_id``)."""

    schema: Schema = field(default_factory=lambda: nullable(ref("Person")))

    def collect(self, page: Page, refs: streams.Refs) -> None:
        if (pk := getattr(page, f"{self.name}_id")) is not None:
            refs[PERSON_KEY].add(pk)

    def value(self, page: Page, resolver: Resolver) -> Any:
        return resolver.person(getattr(page, f"{self.name}_id"))


@dataclass(frozen=True)
class Image(ExternalField):
    """A foreign key to an image; ``null`` when it is in a private collection."""

    schema: Schema = field(default_factory=lambda: nullable(ref("Image")))

    def collect(self, page: Page, refs: streams.Refs) -> None:
        refs["image"].add(getattr(page, f"{self.name}_id"))

    def value(self, page: Page, resolver: Resolver) -> Any:
        return resolver.image(resolver.images.get(getattr(page, f"{self.name}_id")))


@dataclass(frozen=True)
class PageLink(ExternalField):
    """A foreign key to a page; ``null`` unless that page is live and public."""

    schema: Schema = field(default_factory=lambda: nullable(ref("PageLink")))

    def collect(self, page: Page, refs: streams.Refs) -> None:
        refs["page"].add(getattr(page, f"{self.name}_id"))

    def value(self, page: Page, resolver: Resolver) -> Any:
        return resolver.page(getattr(page, f"{self.name}_id"))


@dataclass(frozen=True)
class Choice(ExternalField):
    """A value from ``choices``, with its label in the page's language."""

    schema: Schema = field(default_factory=lambda: ref("Choice"))
    choices: tuple = ()

    def value(self, page: Page, resolver: Resolver) -> Any:
        return choice(self.choices, getattr(page, self.name))


@dataclass(frozen=True)
class Choices(ExternalField):
    """Several values from ``choices``, each with its label."""

    schema: Schema = field(default_factory=lambda: array(ref("Choice")))
    choices: tuple = ()

    def value(self, page: Page, resolver: Resolver) -> Any:
        return [choice(self.choices, value) for value in getattr(page, self.name) or []]


@dataclass(frozen=True)
class Computed(ExternalField):
    """A value computed from the page and the resolver (inline children, nested objects).

    ``get(page, resolver)`` returns the value; ``refs(page)`` yields ``(kind, id)`` pairs it
    needs loaded; ``extra_components`` are schema components it introduces.
    """

    get: Callable[[Page, Resolver], Any] = None  # type: ignore[assignment]
    refs: Callable[[Page], Iterable[tuple[str, int | None]]] | None = None
    extra_components: tuple[tuple[str, Schema], ...] = ()

    def collect(self, page: Page, refs: streams.Refs) -> None:
        if self.refs is not None:
            for kind, pk in self.refs(page):
                refs[kind].add(pk)

    def value(self, page: Page, resolver: Resolver) -> Any:
        return self.get(page, resolver)

    def components(self, model: type[Page]) -> dict[str, Schema]:
        return dict(self.extra_components)


__all__ = [
    "PERSON_KEY",
    "Choice",
    "Choices",
    "Computed",
    "Date",
    "DateTime",
    "ExternalField",
    "Image",
    "PageLink",
    "Person",
    "RichText",
    "Stream",
    "Value",
    "choice",
    "iso",
    "iso_duration",
    "obj",
]
