"""The OpenAPI 3.1 document of ``/api/v2/``, served by drf-spectacular.

Wagtail's viewsets do not describe themselves to drf-spectacular, so this module writes the
paths and the API's own components, and drf-spectacular serves them (``postprocess`` is its
postprocessing hook; ``/api/v2/docs/`` is the offline Swagger UI from
drf-spectacular-sidecar). The page schemas are derived from the page types' declarations by
``cms.representation.components``. The test suite validates real responses against this
document.
"""

from __future__ import annotations

from ..representation.components import page_components
from ..representation.schema import DATETIME, INT, STRING, URL, Schema, nullable, obj, ref
from .params import MAX_ID

API_COMPONENTS: dict[str, Schema] = {
    "Error": obj({"message": STRING}, "Every refusal: the message names the parameter."),
    "Theme": obj(
        {
            "id": INT,
            "slug": STRING,
            "name": STRING,
            "description": STRING,
            "colour": STRING,
            "icon": STRING,
            "aliases": {"type": "array", "items": STRING},
            "feeds": ref("FeedLinks"),
        }
    ),
    "Tag": obj(
        {"id": INT, "slug": STRING, "name": STRING, "feeds": ref("FeedLinks")},
        "A tag that at least one public page carries.",
    ),
    "PageType": obj(
        {
            "id": {**INT, "description": "The page type's content type id."},
            "type": {**STRING, "description": "app_label.Model, as ?type= of pages/ takes it."},
            "name": STRING,
            "name_plural": STRING,
            "feeds": nullable(ref("FeedLinks")),
        },
        "A page type; feeds is null for types without a feed of their own.",
    ),
    "FeedLinks": obj(
        {"rss": URL, "atom": URL, "json": URL},
        "Outgoing feeds of a theme, tag or page type: RSS 2.0, Atom 1.0 and JSON Feed 1.1.",
    ),
    "ListMeta": obj(
        {
            "total_count": INT,
            "next": nullable({**URL, "description": "The next page (cursor), or null."}),
        }
    ),
    "Feedback": obj({"page": INT, "useful": {"type": "boolean"}, "comment": STRING}),
    "FeedbackReceipt": obj(
        {"id": INT, "page": INT, "useful": {"type": "boolean"}, "comment": STRING}
    ),
}


def _param(name: str, description: str, schema: Schema | None = None, where: str = "query"):
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or STRING,
    }


ID_PARAM = _param("id", "The object's id.", {**INT, "minimum": 0, "maximum": MAX_ID}, "path")
FIELDS_PARAM = _param(
    "fields",
    "Field selection as in Wagtail: title,intro  *  _,title  -intro  author(name,email).",
)
LIMIT_PARAM = _param(
    "limit", "Items per page (default 20, at most 100).", {"type": "integer", "minimum": 1}
)
OFFSET_PARAM = _param("offset", "Items to skip.", {"type": "integer", "minimum": 0})
PAGE_PARAMS = [
    _param("type", "Page type(s), comma-separated: cms.ArticlePage,cms.VideoPage."),
    _param("theme", "Theme slug(s), comma-separated; any of them. Unknown slugs are a 400."),
    _param("tag", "Tag(s), comma-separated; any of them (case-insensitive)."),
    _param("locale", "Language code: sv, en."),
    _param("published_after", "First published at or after (ISO 8601 date or date-time)."),
    _param("published_before", "First published before (ISO 8601 date or date-time)."),
    _param("updated_since", "Representation changed at or after (incremental sync)."),
    _param("child_of", "Direct children of a page id (or root)."),
    _param("descendant_of", "Everything below a page id (or root)."),
    _param("search", "Full text; Swedish stemming on PostgreSQL. Offset pagination only."),
    _param(
        "order",
        "date, -date, title, -title, first_published_at, last_published_at, id (and -…).",
    ),
    FIELDS_PARAM,
    LIMIT_PARAM,
    OFFSET_PARAM,
    _param("cursor", "The opaque position from meta.next; stable while content changes."),
    _param("site", "Site hostname[:port] when several sites are served."),
]
ERRORS = {
    "400": {
        "description": "Bad parameter",
        "content": {"application/json": {"schema": ref("Error")}},
    },
    "429": {
        "description": "Rate limit exceeded (see Retry-After)",
        "content": {"application/json": {"schema": ref("Error")}},
    },
}
NOT_FOUND = {"description": "Not found", "content": {"application/json": {"schema": ref("Error")}}}
CACHE_HEADERS = {
    "ETag": {"schema": STRING},
    "Last-Modified": {"schema": STRING},
    "Cache-Control": {"schema": STRING},
}


def _json(schema: Schema, description: str = "OK") -> Schema:
    return {
        "description": description,
        "headers": CACHE_HEADERS,
        "content": {"application/json": {"schema": schema}},
    }


def _list_of(item: Schema) -> Schema:
    return obj({"meta": ref("ListMeta"), "items": {"type": "array", "items": item}})


def _get(summary: str, params: list, responses: dict, tag: str, **extra) -> Schema:
    return {
        "get": {
            "summary": summary,
            "tags": [tag],
            "parameters": params,
            "responses": {**responses, **ERRORS, "304": {"description": "Not modified"}},
            **extra,
        }
    }


def paths() -> dict[str, Schema]:
    result: dict[str, Schema] = {
        "/api/v2/pages/": _get(
            "Live, public pages",
            PAGE_PARAMS,
            {"200": _json(_list_of(ref("PageListItem")))},
            "pages",
        ),
        "/api/v2/pages/{id}/": _get(
            "One page, all fields by default",
            [ID_PARAM, FIELDS_PARAM],
            {"200": _json(ref("PageDetail")), "404": NOT_FOUND},
            "pages",
        ),
        "/api/v2/pages/find/": _get(
            "Find a page by its front-end path; redirects to its detail URL",
            [
                _param("html_path", "The page's path on the front end, e.g. /artiklar/x/."),
                FIELDS_PARAM,
            ],
            {"302": {"description": "Redirect to the page's detail URL"}, "404": NOT_FOUND},
            "pages",
        ),
    }
    simple = {
        "images": ("Images outside private collections", "Image"),
        "documents": ("Documents outside private collections", "Document"),
        "themes": ("The thematic taxonomy", "Theme"),
        "people": ("Contact persons and authors", "Person"),
        "organisation-units": ("Organisation units", "OrganisationUnit"),
        "tags": ("Tags of public pages, with their feeds", "Tag"),
        "page-types": ("Page types, with their feeds", "PageType"),
    }
    for endpoint, (summary, component) in simple.items():
        result[f"/api/v2/{endpoint}/"] = _get(
            summary,
            [FIELDS_PARAM, LIMIT_PARAM, OFFSET_PARAM],
            {"200": _json(_list_of(ref(component)))},
            endpoint,
        )
        result[f"/api/v2/{endpoint}/{{id}}/"] = _get(
            summary + " (one)",
            [ID_PARAM, FIELDS_PARAM],
            {"200": _json(ref(component)), "404": NOT_FOUND},
            endpoint,
        )
    error = {"content": {"application/json": {"schema": ref("Error")}}}
    result["/api/v2/preview/{id}/"] = {
        "get": {
            "summary": "A draft's representation (headless preview)",
            "description": "Send the token from the admin's preview link (its fragment, "
            "`#token=…`, which never reaches a server) as `Authorization: Bearer <token>`, "
            "or an API key with the read:drafts scope.",
            "tags": ["preview"],
            "parameters": [ID_PARAM],
            "security": [{"PreviewToken": []}, {"ApiKey": []}],
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": ref("PageDetail")}},
                },
                "401": {"description": "No credentials", **error},
                "403": {"description": "Expired, tampered or wrong-page token", **error},
                "404": NOT_FOUND,
            },
        }
    }
    result["/api/v2/feedback/"] = {
        "post": {
            "summary": "Was this page useful?",
            "tags": ["feedback"],
            "security": [{}, {"ApiKey": []}],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("Feedback")}},
            },
            "responses": {
                "201": {
                    "description": "Stored",
                    "content": {"application/json": {"schema": ref("FeedbackReceipt")}},
                },
                **ERRORS,
                "403": {"description": "API key lacks write:feedback", **error},
            },
        }
    }
    result["/api/v2/changes/"] = changes_path()
    result["/api/v2/schema/"] = {
        "get": {
            "summary": "This document",
            "tags": ["schema"],
            "responses": {"200": {"description": "OpenAPI 3.1"}},
        }
    }
    result["/api/v2/docs/"] = {
        "get": {
            "summary": "Interactive reference (offline Swagger UI)",
            "tags": ["schema"],
            "responses": {"200": {"description": "HTML"}},
        }
    }
    for url, operations in result.items():
        for method, operation in operations.items():
            slug = url.removeprefix("/api/v2/").strip("/").replace("/", "_").replace("-", "_")
            slug = slug.replace("{id}", "by_id") or "root"
            operation["operationId"] = f"{method}_{slug}"
    return result


# -- the change feed ----------------------------------------------------------------------
PAGES_DATA = obj(
    {"pages": {"type": "array", "items": INT}},
    "The live pages that show the object (refresh them); only public ones unless the reader "
    "may see private content.",
)
EVENT_DATA: dict[str, tuple[Schema, str]] = {
    "page": (ref("PageDetail"), "The page's representation at the event's revision."),
    "feedback": (
        obj({"page": INT, "useful": INT, "not_useful": INT}),
        "The page's feedback counts (never the comment).",
    ),
    "syndication": (
        {"type": "object", "additionalProperties": True},
        "Where the page came from or went to (source or target, remote URL, outcome).",
    ),
    "shown": (PAGES_DATA, "The pages that show the object."),
}


def event_data_kind(event_type: str) -> str:
    if event_type.startswith("page."):
        return "page"
    if event_type.startswith("syndication."):
        return "syndication"
    if event_type == "feedback.received":
        return "feedback"
    return "shown"


def event_components() -> dict[str, Schema]:
    """The envelope, and one schema per event type (its ``data``), for the change feed and the
    webhook bodies alike."""
    from cms.events import EventType
    from cms.events.visibility import REASONS

    components: dict[str, Schema] = {
        "EventObject": obj(
            {
                "kind": STRING,
                "id": INT,
                "type": STRING,
                "revision": nullable(INT),
                "version": {"type": "integer", "minimum": 1},
            },
            "What changed; keep the highest version per (kind, id).",
        ),
    }
    names = []
    for event_type, label in EventType.choices:
        data, description = EVENT_DATA[event_data_kind(event_type)]
        name = "Event_" + event_type.replace(".", "_")
        names.append(name)
        components[name] = {
            "type": "object",
            "description": f"{event_type} ({label}). data: {description} "
            "null when withheld or removed, with the reason in redacted.",
            "properties": {
                "id": {"type": "string", "pattern": "^evt_"},
                "type": {"const": event_type},
                "occurred_at": DATETIME,
                "sequence": INT,
                "object": ref("EventObject"),
                "data": nullable(data),
                "redacted": {"enum": list(REASONS)},
            },
            "required": ["id", "type", "occurred_at", "sequence", "object", "data"],
            "additionalProperties": False,
        }
    components["Event"] = {"oneOf": [ref(name) for name in names]}
    components["ChangeFeed"] = obj(
        {
            "items": {"type": "array", "items": ref("Event")},
            "next": {"type": "string", "pattern": "^[0-9]+$"},
            "has_more": {"type": "boolean"},
        },
        "Events in sequence order; pass next as cursor to continue.",
    )
    return components


def changes_path() -> Schema:
    from cms.events import EventType

    return _get(
        "The change feed: every event in order, deletions included",
        [
            _param(
                "cursor",
                "The next of the previous response (0 or absent to start from the beginning).",
                {"type": "string", "pattern": "^[0-9]+$"},
            ),
            _param(
                "since",
                "Deprecated alias of cursor (kept for one release); send only one of them.",
                {"type": "string", "pattern": "^[0-9]+$"},
            ),
            _param(
                "limit",
                "Events per page (default 100).",
                {"type": "integer", "minimum": 1, "maximum": 1000},
            ),
            _param("type", "Event type(s), comma-separated: " + ", ".join(EventType.values) + "."),
        ],
        {
            "200": _json(ref("ChangeFeed")),
            "401": {
                "description": "Unknown or revoked API key",
                "content": {"application/json": {"schema": ref("Error")}},
            },
        },
        "changes",
        description="Anonymous readers and keys without read:private get an event's data only "
        "while the object is live and publicly viewable now; otherwise data is null and "
        "redacted says why (restricted, unpublished, deleted, superseded).",
        security=[{}, {"ApiKey": []}],
    )


def build() -> Schema:
    components = dict(API_COMPONENTS)
    components.update(page_components())
    components.update(event_components())
    return {
        "paths": paths(),
        "components": {
            "schemas": components,
            "securitySchemes": {
                "ApiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Api-Key <secret> (created in the admin, shown once).",
                },
                "PreviewToken": {"type": "http", "scheme": "bearer"},
            },
        },
    }


def only_public_api(endpoints: list) -> list:
    """drf-spectacular preprocessing hook: describe ``/api/v2/`` only, not Wagtail's own
    admin API (internal, and not introspectable without an admin request)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v2/")]


def postprocess(result: Schema, generator, request, public) -> Schema:
    """drf-spectacular postprocessing hook: our paths and components replace its guesses."""
    built = build()
    result["paths"] = built["paths"]
    result["components"] = built["components"]
    result.setdefault("info", {})["description"] = (
        "Kanal's headless content API (Wagtail API v2, extended). Every GET answers with ETag, "
        'Last-Modified and Cache-Control; errors are {"message": …} naming the parameter.'
    )
    return result
