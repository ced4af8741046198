"""The OpenAPI components of the page representation, derived from the declarations.

One schema per page type (``ArticlePage``…), built from ``COMMON_FIELDS`` and the type's
``external_fields``; one per StreamField block type (``ArticleBodyBlock_image``…) from the
stream fields; and the shapes pages are made of (``SHARED_COMPONENTS``: images, documents,
page links, people…). ``cms.api.schema`` serves them in ``/api/v2/schema/``; the test suite
validates real responses and event payloads against them.
"""

from __future__ import annotations

from .pages import COMMON_FIELDS, represented_models
from .resolver import declared_fields, type_label
from .schema import DATETIME, INT, STRING, URL, Schema, nullable, obj, ref

SHARED_COMPONENTS: dict[str, Schema] = {
    "Image": obj(
        {
            "id": INT,
            "title": STRING,
            "alt": STRING,
            "decorative": {
                "type": "boolean",
                "description": "True where the image is marked decorative; alt is then empty.",
            },
            "width": INT,
            "height": INT,
            "focal_point": nullable(obj({"x": INT, "y": INT, "width": INT, "height": INT})),
            "renditions": {
                "type": "array",
                "minItems": 1,
                "items": obj({"width": INT, "height": INT, "url": URL}),
                "description": "Distinct widths up to 480, 960 and 1600 px, for srcset.",
            },
            "detail_url": URL,
        },
        "An image with renditions for srcset, its original size, focal point and alt text.",
    ),
    "Document": obj(
        {
            "id": INT,
            "title": STRING,
            "url": URL,
            "file_size": nullable(INT),
            "file_type": STRING,
            "detail_url": URL,
        },
        "A downloadable document (file_size in bytes, file_type is the extension).",
    ),
    "PageLink": obj(
        {
            "id": INT,
            "type": STRING,
            "title": STRING,
            "locale": STRING,
            "detail_url": URL,
            "html_url": URL,
        },
        "A link to a live, public page: front-end URL and API detail URL.",
    ),
    "Translation": obj({"id": INT, "locale": STRING, "detail_url": URL, "html_url": URL}),
    "OrganisationUnit": obj(
        {
            "id": INT,
            "name": STRING,
            "visiting_address": STRING,
            "postal_address": STRING,
            "phone": STRING,
            "email": STRING,
            "opening_hours": STRING,
        }
    ),
    "Person": obj(
        {
            "id": INT,
            "name": STRING,
            "role": STRING,
            "email": STRING,
            "phone": STRING,
            "photo": nullable(ref("Image")),
            "organisation_unit": nullable(obj({"id": INT, "name": STRING})),
        }
    ),
    "ThemeRef": obj({"id": INT, "slug": STRING, "name": STRING, "colour": STRING}),
    "Choice": obj({"value": STRING, "label": STRING}),
    "Origin": obj({"source": STRING, "url": URL}, "Where an imported page came from."),
    "SyndicatedTo": obj(
        {"target": STRING, "url": URL}, "A blog push syndication published the page on."
    ),
    "PageMeta": obj(
        {
            "type": {"type": "string", "description": "app_label.Model, e.g. cms.ArticlePage"},
            "detail_url": URL,
            "html_url": URL,
            "slug": STRING,
            "locale": STRING,
            "translations": {"type": "array", "items": ref("Translation")},
            "parent": nullable(ref("PageLink")),
            "first_published_at": nullable(DATETIME),
            "last_published_at": nullable(DATETIME),
            "seo_title": STRING,
            "search_description": STRING,
            "show_in_menus": {"type": "boolean"},
            "alias_of": nullable(INT),
            "revision": nullable(INT),
        }
    ),
}


def page_components() -> dict[str, Schema]:
    """The schema of every page type's detail representation, and what they refer to."""
    components: dict[str, Schema] = dict(SHARED_COMPONENTS)
    models = represented_models()
    for model in models:
        properties: dict[str, Schema] = {"id": INT, "title": STRING, "meta": ref("PageMeta")}
        for field in COMMON_FIELDS + declared_fields(model):
            properties[field.name] = field.schema_for(model)
            components.update(field.components(model))
        components[model.__name__] = obj(
            properties, f"A {type_label(model)} page, as in its detail response (all fields)."
        )
    components["PageListItem"] = {
        "type": "object",
        "description": "A page in a list: id plus the fields chosen with ?fields=.",
        "required": ["id"],
        "properties": {"id": INT, "meta": {"type": "object"}},
    }
    components["PageDetail"] = {"anyOf": [ref(model.__name__) for model in models]}
    return components
