"""StreamField values read from their stored JSON, with every chooser resolved from a batch.

Wagtail converts a stream lazily, one query per chooser type per page. For a list of pages
the API first walks the raw JSON of all of them (``collect``), loads every referenced image,
document, page and snippet in one query per kind, then converts each stream with those
objects at hand (``to_python``) — so a list costs the same number of queries for 1 or 100
pages.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock, ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from . import richtext

Refs = dict[str, set]


def new_refs() -> Refs:
    return defaultdict(set)


def _list_items(raw: Any) -> list:
    items = raw or []
    return [
        item["value"] if isinstance(item, dict) and item.get("type") == "item" else item
        for item in items
    ]


def collect(block: blocks.Block, raw: Any, refs: Refs) -> None:
    """Add the ids a raw block value refers to into ``refs`` (keyed by kind or snippet label)."""
    if raw is None:
        return
    if isinstance(block, ImageBlock):
        image_id = raw.get("image") if isinstance(raw, dict) else raw
        if image_id:
            refs["image"].add(image_id)
    elif isinstance(block, ImageChooserBlock):
        refs["image"].add(raw)
    elif isinstance(block, DocumentChooserBlock):
        refs["document"].add(raw)
    elif isinstance(block, blocks.PageChooserBlock):
        refs["page"].add(raw)
    elif isinstance(block, SnippetChooserBlock):
        refs[block.target_model._meta.label].add(raw)
    elif isinstance(block, blocks.RichTextBlock):
        for kind, ids in richtext.references(raw).items():
            refs[kind] |= ids
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            collect(child, raw.get(name) if isinstance(raw, dict) else None, refs)
    elif isinstance(block, blocks.ListBlock):
        for item in _list_items(raw):
            collect(block.child_block, item, refs)
    elif isinstance(block, blocks.StreamBlock):
        for item in raw:
            child = block.child_blocks.get(item.get("type"))
            if child is not None:
                collect(child, item.get("value"), refs)


def to_python(block: blocks.Block, raw: Any, objects: dict[str, dict]) -> Any:
    """The block's Python value, taking chooser targets from ``objects`` (missing -> None)."""
    if isinstance(block, ImageBlock):
        return _image_with_alt(raw, objects)
    if isinstance(block, ImageChooserBlock):
        return objects["image"].get(raw)
    if isinstance(block, DocumentChooserBlock):
        return objects["document"].get(raw)
    if isinstance(block, blocks.PageChooserBlock):
        return objects["page"].get(raw)
    if isinstance(block, SnippetChooserBlock):
        return objects.get(block.target_model._meta.label, {}).get(raw)
    if isinstance(block, blocks.RichTextBlock):
        return raw or ""
    if isinstance(block, blocks.StructBlock):
        raw = raw if isinstance(raw, dict) else {}
        return blocks.StructValue(
            block,
            [
                (
                    name,
                    to_python(child, raw[name], objects) if name in raw else child.get_default(),
                )
                for name, child in block.child_blocks.items()
            ],
        )
    if isinstance(block, blocks.ListBlock):
        return [to_python(block.child_block, item, objects) for item in _list_items(raw)]
    return block.to_python(raw)


def _image_with_alt(raw: Any, objects: dict[str, dict]) -> Any:
    """Wagtail's ``ImageBlock`` value — the image carrying ``contextual_alt_text`` and
    ``decorative`` — from either stored shape: ``{"image", "alt_text", "decorative"}``, or a
    bare id (``ImageChooserBlock`` data, read with the image's own alt text, as Wagtail does).
    A copy per use: one image can appear twice with different alt text."""
    if isinstance(raw, dict):
        image = objects["image"].get(raw.get("image"))
        decorative = bool(raw.get("decorative"))
        alt = "" if decorative else (raw.get("alt_text") or "")
    else:
        image = objects["image"].get(raw)
        decorative = False
        alt = image.default_alt_text if image is not None else ""
    if image is None:
        return None
    image = copy.copy(image)
    image.contextual_alt_text, image.decorative = alt, decorative
    return image
