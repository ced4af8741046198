"""Validate requests against the services' published API documents, for the loopback fakes.

* ``OpenAPIDocument`` — an OpenAPI 3.0 document (PeerTube's ``openapi.yaml``): the path and
  method must exist, every parameter (path, query) must be declared, required ones present
  and of their schema, and the body of a declared media type (JSON, form-encoded or
  multipart) must match the operation's schema.
* ``DiscoveryDocument`` — a Google API discovery document (YouTube's ``youtube.v3.json``):
  method and path, parameters (location, type, enum, required, repeated), the request body
  against the method's ``request`` schema, and the fields the document marks as required
  for that method (``annotations.required``). Unknown fields are refused, as Google's JSON
  parser refuses them.

Schemas are checked with ``jsonschema`` (Draft 4, which OpenAPI 3.0 schema objects follow,
``nullable`` mapped to a ``null`` type). Two spots where PeerTube's document cannot be read
literally as JSON Schema are relaxed, and only those: ``pattern`` values written as JavaScript
regex literals (``"/^[a-z0-9]$/"`` for the OAuth client id, which its own example fails),
and ``additionalProperties: false`` on an ``allOf`` branch that declares no properties of its
own (``VideoCreateImport``), which as JSON Schema would refuse every property.
"""

from __future__ import annotations

import copy
import email.parser
import email.policy
import json
import os
import re
from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qs

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

BASE_DIR = Path(__file__).resolve().parents[2]


# -- the documents -----------------------------------------------------------------------


def peertube_document_path() -> Path | None:
    """PeerTube's OpenAPI document (``support/doc/api/openapi.yaml`` of Chocobozzz/PeerTube),
    unmodified: ``$KANAL_PEERTUBE_OPENAPI``, else ``../shared/apidocs/peertube-openapi.yaml``
    beside the repository (where shared reference data lives, like ``../shared/peers``)."""
    for candidate in (
        os.environ.get("KANAL_PEERTUBE_OPENAPI", ""),
        str(BASE_DIR.parent / "shared" / "apidocs" / "peertube-openapi.yaml"),
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def youtube_discovery_path() -> Path | None:
    """YouTube's discovery document as ``google-api-python-client`` bundles it."""
    try:
        import googleapiclient
    except ImportError:
        return None
    path = (
        Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "youtube.v3.json"
    )
    return path if path.is_file() else None


def _pointer(*parts: str) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _relax_openapi(node):
    if isinstance(node, dict):
        out = {key: _relax_openapi(value) for key, value in node.items()}
        pattern = out.get("pattern")
        if isinstance(pattern, str) and re.fullmatch(r"/.*/[a-z]*", pattern, re.S):
            del out["pattern"]
        if (
            out.get("additionalProperties") is False
            and "properties" not in out
            and ("oneOf" in out or "anyOf" in out)
        ):
            del out["additionalProperties"]
        if out.get("nullable") is True and isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        return out
    if isinstance(node, list):
        return [_relax_openapi(value) for value in node]
    return node


def _form_fields(content_type: str, body: bytes) -> dict[str, list]:
    """Parse a form-encoded or multipart body into name -> list of values (files as bytes)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: list(v) for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    fields: dict[str, list] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            raise ValueError("a multipart part without a name")
        if part.get_filename() is not None:
            value = part.get_payload(decode=True)
        else:
            value = part.get_payload(decode=True).decode("utf-8")
        fields.setdefault(name, []).append(value)
    return fields


class OpenAPIDocument:
    URI = "urn:kanal:openapi"

    def __init__(self, document: dict):
        self.raw = document
        self.doc = _relax_openapi(copy.deepcopy(document))
        self.registry = Registry().with_resource(
            self.URI, Resource(contents=self.doc, specification=DRAFT4)
        )
        self.routes = []
        for template, item in self.doc["paths"].items():
            regex = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            self.routes.append((re.compile(f"^{regex}$"), template, item))

    # helpers

    def resolve(self, node: dict) -> dict:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            pointer = node["$ref"].lstrip("#").strip("/").split("/")
            node = self.doc
            for part in pointer:
                node = node[part.replace("~1", "/").replace("~0", "~")]
            seen += 1
        return node

    def _errors(self, instance, pointer: str) -> list[str]:
        validator = jsonschema.Draft4Validator(
            {"$ref": f"{self.URI}#{pointer}"}, registry=self.registry
        )
        return [
            f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message}"
            for error in validator.iter_errors(instance)
        ]

    def _property_schema(self, schema: dict, name: str) -> dict | None:
        schema = self.resolve(schema)
        if name in (schema.get("properties") or {}):
            return self.resolve(schema["properties"][name])
        for key in ("allOf", "oneOf", "anyOf"):
            for sub in schema.get(key) or []:
                found = self._property_schema(sub, name)
                if found is not None:
                    return found
        return None

    @staticmethod
    def _coerce_scalar(value, schema: dict):
        kind = schema.get("type")
        kind = kind[0] if isinstance(kind, list) else kind
        if isinstance(value, bytes):
            return value.decode("latin-1") if kind == "string" else value
        if kind == "integer" and re.fullmatch(r"-?\d+", value):
            return int(value)
        if kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?", value):
            return float(value)
        if kind == "boolean" and value in ("true", "false"):
            return value == "true"
        return value

    def _coerce(self, fields: dict[str, list], schema: dict) -> dict:
        out = {}
        for raw_name, values in fields.items():
            name = raw_name[:-2] if raw_name.endswith("[]") else raw_name
            prop = self._property_schema(schema, name) or {}
            if prop.get("type") == "array":
                items = self.resolve(prop.get("items") or {})
                out[name] = [self._coerce_scalar(v, items) for v in values]
            else:
                if len(values) > 1:
                    out[name] = [self._coerce_scalar(v, prop) for v in values]
                else:
                    out[name] = self._coerce_scalar(values[0], prop)
        return out

    # the check

    def validate(
        self, method: str, path: str, query: dict[str, list[str]], content_type: str, body: bytes
    ) -> list[str]:
        candidates = [(r.match(path), t, i) for r, t, i in self.routes]
        candidates = [c for c in candidates if c[0]]
        if not candidates:
            return [f"{method} {path}: no such path in the document"]
        # A literal path ("/videos/imports") wins over a template ("/videos/{id}").
        candidates.sort(key=lambda c: c[1].count("{"))
        with_method = [c for c in candidates if method.lower() in c[2]]
        if not with_method:
            return [f"{method} {candidates[0][1]}: method not in the document"]
        match, template, item = with_method[0]
        operation = item[method.lower()]
        problems: list[str] = []
        where = f"{method} {template}"
        params = [
            self.resolve(p) for p in item.get("parameters", []) + operation.get("parameters", [])
        ]
        declared = {(p["in"], p["name"]) for p in params}
        for name in query:
            if ("query", name) not in declared:
                problems.append(f"{where}: query parameter {name!r} is not declared")
        for index, param in enumerate(params):
            location, name = param["in"], param["name"]
            if location == "path":
                values = [match.group(name)] if name in match.groupdict() else []
            elif location == "query":
                values = query.get(name, [])
            else:
                continue  # headers (e.g. video passwords) are not sent by Kanal
            if not values:
                if param.get("required"):
                    problems.append(f"{where}: required {location} parameter {name!r} missing")
                continue
            schema = self.resolve(param.get("schema") or {})
            value = (
                [self._coerce_scalar(v, self.resolve(schema.get("items") or {})) for v in values]
                if schema.get("type") == "array"
                else self._coerce_scalar(values[-1], schema)
            )
            pointer = self._param_pointer(template, method, item, operation, param, index)
            if pointer:
                problems += [f"{where}: {name}: {e}" for e in self._errors(value, pointer)]
        problems += self._check_body(where, template, method, operation, content_type, body)
        return problems

    def _param_pointer(self, template, method, item, operation, param, index) -> str | None:
        # Find where this parameter's schema lives, for $ref resolution inside it.
        for base, plist in (
            (("paths", template), item.get("parameters", [])),
            (("paths", template, method.lower()), operation.get("parameters", [])),
        ):
            for i, raw in enumerate(plist):
                if self.resolve(raw) is param:
                    if "$ref" in raw:
                        return raw["$ref"].lstrip("#") + "/schema"
                    return _pointer(*base, "parameters", str(i), "schema")
        return None

    def _check_body(self, where, template, method, operation, content_type, body) -> list[str]:
        request_body = operation.get("requestBody")
        if request_body is None:
            return [f"{where}: a body was sent, the document declares none"] if body else []
        media = (content_type or "").split(";")[0].strip().lower()
        content = self.resolve(request_body).get("content", {})
        if media not in content:
            return [f"{where}: body type {media!r} not declared (declared: {sorted(content)})"]
        pointer = _pointer(
            "paths", template, method.lower(), "requestBody", "content", media, "schema"
        )
        schema = content[media].get("schema", {})
        try:
            if media == "application/json":
                instance = json.loads(body or b"null")
            else:
                instance = self._coerce(_form_fields(content_type, body), schema)
        except ValueError as exc:
            return [f"{where}: body does not parse as {media}: {exc}"]
        return [f"{where}: {e}" for e in self._errors(instance, pointer)]


# -- Google discovery ----------------------------------------------------------------------


def _discovery_to_jsonschema(node, uri: str):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out["$ref"] = f"{uri}#/schemas/{value}"
            elif key in ("annotations", "required", "id", "description"):
                continue  # documentation, and discovery's own "required" flavour
            elif key == "type" and value == "any":
                continue
            elif key == "properties":
                out["properties"] = {k: _discovery_to_jsonschema(v, uri) for k, v in value.items()}
            else:
                out[key] = _discovery_to_jsonschema(value, uri)
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False  # Google refuses unknown fields
        return out
    if isinstance(node, list):
        return [_discovery_to_jsonschema(v, uri) for v in node]
    return node


class DiscoveryDocument:
    URI = "urn:kanal:discovery"

    def __init__(self, document: dict):
        self.raw = document
        self.service_path = "/" + document["servicePath"].lstrip("/")
        self.schemas = {"schemas": _discovery_to_jsonschema(document["schemas"], self.URI)}
        self.registry = Registry().with_resource(
            self.URI, Resource(contents=self.schemas, specification=DRAFT4)
        )

    @cached_property
    def methods(self) -> list[dict]:
        found = []

        def walk(resources):
            for resource in resources.values():
                found.extend(resource.get("methods", {}).values())
                walk(resource.get("resources", {}))

        walk(self.raw.get("resources", {}))
        return found

    def method(self, http_method: str, path: str) -> tuple[dict | None, dict]:
        for method in self.methods:
            template = self.service_path + method["path"]
            regex = re.sub(r"\\\{\\\+?([^}]+)\\\}", r"(?P<\1>.+)", re.escape(template))
            match = re.match(f"^{regex}$", path)
            if match and method["httpMethod"] == http_method:
                return method, match.groupdict()
        return None, {}

    def validate(self, http_method: str, path: str, query: dict[str, list[str]], body: bytes):
        method, path_values = self.method(http_method, path)
        if method is None:
            return [f"{http_method} {path}: no such method in the discovery document"]
        where = method["id"]
        problems = []
        params = {**self.raw.get("parameters", {}), **method.get("parameters", {})}
        for name, values in query.items():
            spec = params.get(name)
            if spec is None or spec.get("location") != "query":
                problems.append(f"{where}: query parameter {name!r} is not declared")
                continue
            if len(values) > 1 and not spec.get("repeated"):
                problems.append(f"{where}: {name!r} is not repeatable")
            for value in values:
                if "enum" in spec and value not in spec["enum"]:
                    problems.append(f"{where}: {name}={value!r} not in {spec['enum']}")
                if spec.get("type") == "integer" and not re.fullmatch(r"-?\d+", value):
                    problems.append(f"{where}: {name}={value!r} is not an integer")
                if spec.get("type") == "boolean" and value not in ("true", "false"):
                    problems.append(f"{where}: {name}={value!r} is not a boolean")
        for name, spec in params.items():
            present = name in query or name in path_values
            if spec.get("required") and not present:
                problems.append(f"{where}: required parameter {name!r} missing")
        request = method.get("request")
        if request is None:
            if body:
                problems.append(f"{where}: a body was sent, the method takes none")
            return problems
        try:
            instance = json.loads(body or b"null")
        except ValueError as exc:
            return [*problems, f"{where}: body is not JSON: {exc}"]
        validator = jsonschema.Draft4Validator(
            {"$ref": f"{self.URI}#/schemas/{request['$ref']}"}, registry=self.registry
        )
        problems += [
            f"{where}: {'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
            for e in validator.iter_errors(instance)
        ]
        problems += self._required_for(where, self.raw["schemas"][request["$ref"]], instance, "")
        return problems

    def _required_for(self, method_id: str, schema: dict, instance, at: str) -> list[str]:
        """Fields marked ``annotations.required`` for this method must be present."""
        if "$ref" in schema:
            schema = self.raw["schemas"][schema["$ref"]]
        if not isinstance(instance, dict):
            return []
        problems = []
        for name, prop in (schema.get("properties") or {}).items():
            needed = method_id in (prop.get("annotations") or {}).get("required", [])
            if needed and name not in instance:
                problems.append(f"{method_id}: {at}{name} is required by this method")
            if name in instance:
                problems += self._required_for(method_id, prop, instance[name], f"{at}{name}.")
        return problems
