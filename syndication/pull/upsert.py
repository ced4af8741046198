"""The one place that creates and updates imported pages.

``upsert(context, item)`` -> ``(page, EntryOutcome)``. Invariants:

* identity is ``(source, key)``; an entry whose ``candidate_keys`` match an existing
  ``ImportedItem`` is that item, whichever of its identities the feed uses today;
* an unchanged fingerprint, or one we have seen before for this item (a feed flapping
  between two versions), writes nothing;
* a real change writes one new revision (published at once, or left for moderation);
* once an editor has made a revision we did not make, the page is ``locally_edited`` and never
  overwritten again;
* an entry that cannot become the index's page type (no video for a video index) is a
  permanent ``SkipEntry``, not an error to retry;
* a deleted page leaves its ``ImportedItem`` as a tombstone (``page`` NULL): never re-created;
* each create/update runs in one ``transaction.atomic()``, so the page, its revision, its
  bookkeeping row and its events commit together or not at all;
* an article's images, and a video's thumbnail (its poster image), are downloaded and stored
  (``pull.images``) *before* that transaction, so no network wait holds a database write
  lock, and only for an entry that is created or really changed: an unchanged entry
  downloads nothing. Images that cannot be used are left out with a note on the
  ``ImportedItem``; they are never hot-linked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page
from wagtail.rich_text import RichText

from cms.events import EventType
from cms.events.recording import record as record_event
from cms.models import ArticlePage, VideoIndexPage, VideoPage
from cms.video_urls import UnknownVideoURL, parse_video_url
from themes.labels import normalise_label
from themes.models import Theme

from .images import LocalisedBody, localise_body, localise_thumbnail
from .models import ImportedItem, ImportPolicy, Source
from .values import EntryOutcome, NormalisedItem, SkipEntry

MAX_SEEN_FINGERPRINTS = 50


@dataclass
class ImportContext:
    """What one poll of one source needs, loaded once (not per entry)."""

    source: Source
    index: Page
    existing: dict[str, ImportedItem]
    by_link: dict[str, ImportedItem] = field(default_factory=dict)
    theme_by_label: dict[str, Theme] | None = None
    default_themes: list[Theme] = field(default_factory=list)
    # Image URLs this poll could not use: tried once per poll, not once per post.
    refused_images: dict = field(default_factory=dict)

    @classmethod
    def load(cls, source: Source, keys: set[str]) -> ImportContext:
        existing: dict[str, ImportedItem] = {}
        by_link: dict[str, ImportedItem] = {}
        rows = ImportedItem.objects.filter(
            Q(key__in=keys) | Q(link_key__in=keys), source=source
        ).only(
            "id", "key", "link_key", "page_id", "fingerprint", "seen_fingerprints", "raw_hash",
            "last_revision_id", "locally_edited", "source_id", "url", "media",
        )  # fmt: skip
        for row in rows:
            existing[row.key] = row
            if row.link_key:
                by_link.setdefault(row.link_key, row)
        return cls(source=source, index=source.index_page, existing=existing, by_link=by_link)

    def find(self, item: NormalisedItem) -> ImportedItem | None:
        return self.find_keys(item.candidate_keys)

    def find_keys(self, keys) -> ImportedItem | None:
        for key in keys:
            if key in self.existing:
                return self.existing[key]
        for key in keys:
            if key in self.by_link:
                return self.by_link[key]
        return None

    def themes_for(self, labels: tuple[str, ...]) -> tuple[list[Theme], list[str]]:
        """Labels -> (themes, other labels as tags), with the theme app's own resolver
        (``Theme.objects.label_map``, loaded once per poll)."""
        if self.theme_by_label is None:
            self.theme_by_label = Theme.objects.label_map()
            self.default_themes = list(self.source.default_themes.all())
        themes = list(self.default_themes)
        tags = list(self.source.tag_list)
        for label in labels:
            theme = self.theme_by_label.get(normalise_label(label))
            if theme is not None:
                if theme not in themes:
                    themes.append(theme)
            elif label.casefold() not in {t.casefold() for t in tags}:
                tags.append(label[:100])
        return themes, tags


def upsert(context: ImportContext, item: NormalisedItem) -> tuple[Page | None, EntryOutcome]:
    """Create or update the item's page; raises ``SkipEntry`` for an entry that never fits."""
    record = context.find(item)
    if record is not None:
        if record.page_id is None:
            return None, EntryOutcome.TOMBSTONE
        if record.fingerprint == item.fingerprint:
            return None, EntryOutcome.UNCHANGED
        if item.fingerprint in record.seen_fingerprints:
            return None, EntryOutcome.SEEN_BEFORE
        if record.locally_edited:
            return None, EntryOutcome.LOCALLY_EDITED
        return _update(context, record, item)
    return _create(context, item)


def _page_class(context: ImportContext):
    return VideoPage if context.index.specific_class is VideoIndexPage else ArticlePage


def _localise(context: ImportContext, item: NormalisedItem, known: dict) -> LocalisedBody | None:
    """The article body with its images stored locally; for a video page, its thumbnail."""
    if _page_class(context) is VideoPage:
        return localise_thumbnail(
            _thumbnail_source(item), item.title, known, context.refused_images
        )
    if not item.body_parts:
        return LocalisedBody()
    return localise_body(item.body_parts, known, context.refused_images)


def _thumbnail_source(item: NormalisedItem) -> str:
    """Where a video's thumbnail is: the feed's own, else the provider's address by id."""
    if item.thumbnail_url:
        return item.thumbnail_url
    try:
        return parse_video_url(item.video_url).thumbnail_url
    except UnknownVideoURL:
        return ""


def _apply(page, context: ImportContext, item: NormalisedItem, body: LocalisedBody | None) -> None:
    page.title = item.title
    page.origin_source = context.source.name[:255]
    page.origin_url = item.url[:2000]
    if item.published:
        page.publication_date = item.published
    if isinstance(page, VideoPage):
        page.video_url = item.video_url
        ref = parse_video_url(item.video_url)
        page.provider, page.video_id = ref.provider, ref.video_id
        # The feed's thumbnail is stored locally as the poster image (``_localise``), never
        # hot-linked: only the address the model derives from the id itself stays (YouTube's).
        page.thumbnail_url = ref.thumbnail_url
        page.poster_image_id = body.poster if body is not None else None
        page.description = item.description
    else:
        page.intro = item.intro
        if body is not None and body.blocks:
            page.body = body.blocks
        else:
            page.body = [("paragraph", RichText(item.body))] if item.body else []
        page.author_name = item.author[:200]
    themes, tags = context.themes_for(item.labels)
    page.themes.set(themes)
    page.tags.set(tags[:50])


def _slug(context: ImportContext, item: NormalisedItem) -> str:
    base = slugify(item.title, allow_unicode=True)[:200] or "import"
    if not context.index.get_children().filter(slug=base).exists():
        return base
    return f"{base[:190]}-{hashlib.sha256(item.key.encode()).hexdigest()[:8]}"


def _save(context: ImportContext, page, *, clean: bool = True):
    revision = page.save_revision(log_action=True, clean=clean)
    if context.source.policy == ImportPolicy.PUBLISH:
        revision.publish()
    else:
        workflow = page.get_workflow()
        if workflow is not None and not page.workflow_in_progress:
            workflow.start(page, None)
    return revision


def _create(context: ImportContext, item: NormalisedItem) -> tuple[Page | None, EntryOutcome]:
    page_class = _page_class(context)
    if page_class is VideoPage and not item.video_url:
        raise SkipEntry("not a video (the source imports into a video index)")
    body = _localise(context, item, {})
    with transaction.atomic():
        page = page_class(slug=_slug(context, item), live=False)
        _apply(page, context, item, body)
        if not item.published:
            page.publication_date = timezone.now()
        context.index.add_child(instance=page)  # validates the page (full_clean)
        revision = _save(context, page, clean=False)  # the same fields: no second full_clean
        record = ImportedItem.objects.create(
            source=context.source,
            key=item.key,
            link_key=item.link_key,
            page=page,
            url=item.url[:2000],
            fingerprint=item.fingerprint,
            raw_hash=item.raw_hash,
            seen_fingerprints=[item.fingerprint],
            last_revision_id=revision.pk,
            media=body.images if body else {},
            notes=body.notes if body else [],
        )
        context.existing[item.key] = record
        if item.link_key:
            context.by_link.setdefault(item.link_key, record)
        _record_imported(context.source, record, page, EntryOutcome.CREATED)
    return page, EntryOutcome.CREATED


def _update(context: ImportContext, record: ImportedItem, item: NormalisedItem):
    page = record.page.specific
    if page.latest_revision_id != record.last_revision_id:
        record.locally_edited = True
        record.save(update_fields=["locally_edited", "updated_at"])
        return page, EntryOutcome.LOCALLY_EDITED
    body = _localise(context, item, record.media or {})
    with transaction.atomic():
        _apply(page, context, item, body)
        revision = _save(context, page)
        record.seen_fingerprints = [*record.seen_fingerprints, item.fingerprint][
            -MAX_SEEN_FINGERPRINTS:
        ]
        record.fingerprint = item.fingerprint
        record.url = item.url[:2000]
        record.link_key = item.link_key or record.link_key
        record.raw_hash = item.raw_hash
        record.last_revision_id = revision.pk
        if body is not None:
            record.media, record.notes = body.images, body.notes
        record.save(
            update_fields=[
                "seen_fingerprints", "fingerprint", "url", "link_key", "last_revision_id",
                "raw_hash", "media", "notes", "updated_at",
            ]
        )  # fmt: skip
        _record_imported(context.source, record, page, EntryOutcome.UPDATED)
    return page, EntryOutcome.UPDATED


def _record_imported(
    source: Source, record: ImportedItem, page: Page, outcome: EntryOutcome
) -> None:
    """Record ``syndication.imported`` in the same transaction as the page write.

    The one seam to the event core (``cms.events.recording.record``). ``page.published`` is
    recorded by the event core itself from Wagtail's publish signal, inside this same
    transaction. The
    data names the source and the original; the page content travels in ``page.published``
    (a draft awaiting moderation publishes nothing).
    """
    record_event(
        EventType.SYNDICATION_IMPORTED,
        page,
        revision=record.last_revision_id,
        data={
            "source": {"id": source.pk, "name": source.name},
            "key": record.key,
            "url": record.url,
            "outcome": str(outcome),
            "live": page.live,
        },
    )
