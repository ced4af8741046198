"""The JSON Schema vocabulary of the representation layer (OpenAPI 3.1 dialect).

Page types (``external_fields``) and blocks (``api_schema``) describe their external shape
with these helpers; ``cms.representation.components`` assembles the OpenAPI components from
those declarations. No model imports here: ``cms.models`` and ``cms.blocks`` import this.
Block value shapes are derived from the block definitions, or taken from a block's own
``api_schema``.
"""

from __future__ import annotations

from typing import Any

from wagtail import blocks

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: Schema, **extra: Any) -> Schema:
    return {"type": "array", "items": items, **extra}


def obj(properties: dict[str, Schema], description: str = "") -> Schema:
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


STRING: Schema = {"type": "string"}
HTML: Schema = {"type": "string", "contentMediaType": "text/html"}
URL: Schema = {"type": "string", "format": "uri"}
INT: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date"}
DATETIME: Schema = {"type": "string", "format": "date-time"}


def value_schema(block: blocks.Block) -> Schema:
    """The JSON shape of a block's API value: its own ``api_schema`` when it shapes its value
    itself (``get_api_representation``), else derived from the block definition."""
    own = getattr(block, "api_schema", None)
    if own is not None:
        return own
    if isinstance(block, blocks.RichTextBlock):
        return HTML
    if isinstance(block, blocks.ChoiceBlock):
        return {"enum": [str(key) for key, _ in block.field.choices if key != ""]}
    if isinstance(block, blocks.BooleanBlock):
        return BOOLEAN
    if isinstance(block, blocks.IntegerBlock):
        return INT
    if isinstance(block, blocks.FieldBlock):
        return STRING
    if isinstance(block, blocks.StructBlock):
        return obj({name: value_schema(child) for name, child in block.child_blocks.items()})
    if isinstance(block, blocks.ListBlock):
        return array(value_schema(block.child_block))
    return {}


def stream_components(name: str, stream_block: blocks.StreamBlock) -> dict[str, Schema]:
    """One component per block type of a stream, named ``<name>_<block name>``."""
    return {
        f"{name}_{child_name}": obj(
            {"type": {"const": child_name}, "id": nullable(STRING), "value": value_schema(child)},
            f"StreamField block {child_name!r} ({type(child).__name__}).",
        )
        for child_name, child in stream_block.child_blocks.items()
    }
