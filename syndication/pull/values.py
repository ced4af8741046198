"""Values that cross the pull stages' seams (lemon24/reader style: plain, typed, immutable),
and the refusals the stages hand each other (``NotAFeed``, ``SkipEntry``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

# Caps on what one feed may make us store. A feed over a cap is not refused: the field is cut
# (and the entry list truncated) with a warning, so one verbose publisher cannot hurt us.
MAX_ENTRIES = 200
MAX_TITLE = 255
MAX_SUMMARY = 2_000
MAX_CONTENT = 200_000
MAX_LABELS = 30
MAX_LABEL = 100
MAX_ENCLOSURES = 10
MAX_URL = 2_000
MAX_AUTHOR = 200


class NotAFeed(ValueError):
    """The document parsed to nothing that looks like a feed (XML or JSON Feed)."""


class SkipEntry(ValueError):
    """This entry is not imported, now or on a later poll: a permanent skip.
    ``str(exc)`` is the reason recorded on the source."""


class EntryOutcome(enum.StrEnum):
    """What one poll did with one entry (``PollReport.counts``; the ``outcome`` of the
    ``syndication.imported`` event)."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SEEN_BEFORE = "seen_before"  # a fingerprint this item had before: a flapping feed
    LOCALLY_EDITED = "locally_edited"  # an editor changed the page: never overwritten
    TOMBSTONE = "tombstone"  # the page was deleted: never re-created
    DUPLICATE_IN_FEED = "duplicate_in_feed"  # a second entry with the same identity


@dataclass(frozen=True)
class Enclosure:
    url: str
    type: str = ""
    length: int | None = None


@dataclass(frozen=True)
class ParsedEntry:
    """One entry as the feed says it, capped and with URLs made absolute (not yet sanitised)."""

    guid: str = ""
    link: str = ""
    title: str = ""
    summary: str = ""  # HTML or text as given
    content: str = ""  # HTML or text as given
    published: datetime | None = None  # aware UTC
    updated: datetime | None = None  # aware UTC
    author: str = ""
    labels: tuple[str, ...] = ()
    enclosures: tuple[Enclosure, ...] = ()
    thumbnail: str = ""
    youtube_video_id: str = ""
    media_description: str = ""
    position: int = 0


@dataclass(frozen=True)
class SkippedEntry:
    position: int
    reason: str


@dataclass
class ParsedFeed:
    kind: str  # "rss20", "atom10", "json11" ... as far as known
    title: str = ""
    link: str = ""
    self_url: str = ""
    hub_urls: list[str] = field(default_factory=list)
    entries: list[ParsedEntry] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NormalisedItem:
    """What ``upsert`` writes: identity, page kind and the significant fields."""

    key: str
    candidate_keys: tuple[str, ...]
    link_key: str
    kind: str  # "article" or "video"
    title: str
    url: str
    intro: str = ""
    body: str = ""  # Wagtail rich-text (database) HTML, sanitised
    video_url: str = ""
    thumbnail_url: str = ""
    description: str = ""
    author: str = ""
    published: datetime | None = None
    labels: tuple[str, ...] = ()
    fingerprint: str = ""
    raw_hash: str = ""
