"""OPML 2.0 import and export of sources (http://opml.org/spec2.opml).

An OPML file is untrusted XML like any feed: it passes ``pull.guard`` (no entity
declarations, known encoding) and is then read with defusedxml. Outlines with an ``xmlUrl``
become sources; the text of an enclosing outline (a folder) becomes a default tag. A feed URL
that already has a source is skipped, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import ElementTree as SafeET
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from .coerce import clean_text, clean_url
from .discovery import resolve_offline
from .guard import RefusedDocument, guard
from .models import ImportPolicy, Source

MAX_OUTLINES = 1000
MAX_DEPTH = 50


class OPMLError(ValueError):
    pass


@dataclass
class OPMLImport:
    created: list[Source] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def export_opml(sources=None) -> bytes:
    sources = Source.objects.order_by("name") if sources is None else sources
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = _("Kanal – sources")
    SubElement(head, "dateCreated").text = timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = SubElement(root, "body")
    for source in sources:
        attributes = {
            "type": "rss",
            "text": source.name,
            "title": source.name,
            "xmlUrl": source.feed_url or source.url,
            "htmlUrl": source.url,
        }
        if source.tag_list:
            attributes["category"] = ",".join(source.tag_list)
        SubElement(body, "outline", attributes)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="utf-8")


def import_opml(
    data: bytes, index_page: Page, *, policy: str = ImportPolicy.PUBLISH, dry_run: bool = False
) -> OPMLImport:
    try:
        document = guard(data)
        root = SafeET.fromstring(document.body)
    except (RefusedDocument, SafeET.ParseError) as exc:
        raise OPMLError(_("The file could not be read as OPML: %s") % exc) from exc
    except Exception as exc:  # defusedxml's DTD/entity refusals
        raise OPMLError(_("The file was refused: %s") % exc) from exc
    if root.tag != "opml" or root.find("body") is None:
        raise OPMLError(_("The file is not an OPML file (no <opml><body>)."))
    result = OPMLImport()
    known = set(Source.objects.values_list("feed_url", flat=True))
    outlines = list(_outlines(root.find("body"), []))[:MAX_OUTLINES]
    with transaction.atomic():
        for outline, folders in outlines:
            raw_url = outline.get("xmlUrl") or ""
            url = clean_url(raw_url)
            name = clean_text(outline.get("title") or outline.get("text") or url, 200)
            if not url:
                result.skipped.append(_("%s: no valid http(s) address") % (name or raw_url[:100]))
                continue
            resolved = resolve_offline(url)
            feed_url = resolved.feed_url if resolved else url
            if feed_url in known:
                result.skipped.append(_("%s: already exists") % name)
                continue
            tags = [clean_text(t, 100) for t in (outline.get("category") or "").split(",")]
            tags += folders
            source = Source(
                name=name or feed_url[:200],
                url=clean_url(outline.get("htmlUrl") or "") or url,
                feed_url=feed_url,
                kind=resolved.kind if resolved else "feed",
                index_page=index_page,
                policy=policy,
                default_tags=", ".join(dict.fromkeys(t for t in tags if t))[:500],
            )
            if not dry_run:
                source.save()
            known.add(feed_url)
            result.created.append(source)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _outlines(parent, folders: list[str]):
    """Outlines with a feed, in document order, each with its folders' names.

    Iterative, with a depth limit: a file nested thousands of levels deep would otherwise
    exhaust Python's recursion limit (a 500 instead of a readable refusal).
    """
    stack = [(iter(parent.findall("outline")), folders)]
    while stack:
        children, path = stack[-1]
        outline = next(children, None)
        if outline is None:
            stack.pop()
            continue
        if outline.get("xmlUrl"):
            yield outline, path
            continue
        if len(stack) >= MAX_DEPTH:
            raise OPMLError(
                _("The file is nested too deeply (at most %d levels of folders).") % MAX_DEPTH
            )
        folder = clean_text(outline.get("text") or outline.get("title") or "", 100)
        stack.append((iter(outline.findall("outline")), [*path, folder] if folder else path))
