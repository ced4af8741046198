"""``?fields=`` as in Wagtail API v2, applied to the representation dict.

``fields=title,intro`` adds fields to the defaults, ``fields=*`` starts from all fields,
``fields=_,title`` from none, ``-intro`` removes one, and ``author(name,email)`` picks
sub-fields of an object (or of each object in a list). ``id`` is always present; meta fields
(``type``, ``html_url``, ``locale``…) are selected by name like body fields and stay in
``meta``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from wagtail.api.v2.utils import BadRequestError, parse_fields_parameter

FieldsConfig = list[tuple[str, bool, Any]]

LISTING_DEFAULT = {
    "title",
    "type",
    "detail_url",
    "html_url",
    "slug",
    "first_published_at",
    "locale",
}


def parse(request) -> FieldsConfig:
    if "fields" not in request.GET:
        return []
    try:
        return parse_fields_parameter(request.GET["fields"])
    except ValueError as exc:
        raise BadRequestError(f"fields: {exc}") from exc


def selected(
    config: FieldsConfig, available: set[str], default: set[str]
) -> tuple[set[str], dict[str, FieldsConfig]]:
    """The top-level (and meta) field names chosen, and sub-field configs for nested ones."""
    fields = set(default)
    if config and config[0][0] == "*":
        fields, config = set(available), config[1:]
    elif config and config[0][0] == "_":
        fields, config = set(), config[1:]
    nested: dict[str, FieldsConfig] = {}
    unknown = []
    for name, negated, sub in config:
        if name not in available:
            unknown.append(name)
            continue
        if negated:
            fields.discard(name)
        else:
            fields.add(name)
            if sub:
                nested[name] = sub
    if unknown:
        raise BadRequestError(gettext("fields: unknown field(s): %s") % ", ".join(sorted(unknown)))
    return fields, nested


def _pick(value: Any, config: FieldsConfig, path: str) -> Any:
    if isinstance(value, list):
        return [_pick(item, config, path) for item in value]
    if not isinstance(value, dict):
        if value is None:
            return None
        raise BadRequestError(gettext("fields: %r does not support nested fields") % path)
    available = set(value) - {"id"}
    chosen, nested = selected(config, available, set())
    return {
        key: (_pick(item, nested[key], f"{path}.{key}") if key in nested else item)
        for key, item in value.items()
        if key == "id" or key in chosen
    }


def apply(
    data: dict[str, Any], fields: set[str], nested: dict[str, FieldsConfig]
) -> dict[str, Any]:
    """The representation reduced to the chosen fields (``id`` always kept)."""
    result: dict[str, Any] = {"id": data["id"]}
    meta = {
        key: (_pick(value, nested[key], key) if key in nested else value)
        for key, value in data.get("meta", {}).items()
        if key in fields
    }
    if meta:
        result["meta"] = meta
    for key, value in data.items():
        if key in ("id", "meta") or key not in fields:
            continue
        result[key] = _pick(value, nested[key], key) if key in nested else value
    return result
