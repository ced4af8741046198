"""The pull flow for one source: fetch -> guard -> parse -> normalise -> upsert.

``poll_source(source)`` fetches and imports, then records the outcome on the source
(``schedule.record_success`` / ``record_failure``) and returns a ``PollReport``, which names
the WebSub hubs the feed declared: subscribing to them is the caller's to schedule
(``syndication.pull.tasks``), so this module never reaches up to WebSub or the task queue.
``import_document`` is the part after the fetch, shared with WebSub notifications (whose body
arrives in a request) and tests.

A re-poll that changes nothing writes no pages: a 304 stops after the fetch, a 200 whose body
hashes to what we last imported stops before parsing, and a changed body whose entries all
have known fingerprints stops in ``upsert`` before any write.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field

from cms.indexing import deferred_indexing, note_pages
from syndication import http

from . import schedule
from .fetch import FetchError, fetch
from .guard import RefusedDocument, guard
from .models import ImportedItem, PollOutcome, Source
from .normalise import FeedIdentity, normalise, raw_hash
from .parse import parse
from .upsert import ImportContext, upsert
from .values import EntryOutcome, NotAFeed, ParsedFeed, SkipEntry

logger = logging.getLogger(__name__)
MAX_RECORDED_SKIPS = 50


@dataclass
class PollReport:
    """What one poll did: its ``PollOutcome``, an ``EntryOutcome`` count per entry, the
    entries skipped (``transient`` ones are retried on the next poll) and, for the caller to
    act on, the WebSub hubs and topic the feed declared (W3C WebSub §4, discovery)."""

    source_id: int
    outcome: PollOutcome | str = ""
    counts: dict[EntryOutcome, int] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    feed: ParsedFeed | None = None
    hubs: list[str] = field(default_factory=list)
    topic: str = ""

    def count(self, outcome: EntryOutcome) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    @property
    def created(self) -> int:
        return self.counts.get(EntryOutcome.CREATED, 0)

    @property
    def updated(self) -> int:
        return self.counts.get(EntryOutcome.UPDATED, 0)


def poll_source(source: Source) -> PollReport:
    """Fetch and import one source, record the outcome and the next poll time; the report
    names the hubs found (subscribing is the caller's: ``syndication.pull.tasks``).

    Only one poller works on a source at a time (``schedule.claim_poll``): a source another
    process is polling is skipped with the outcome ``busy``, and nothing is recorded on it.
    """
    started = time.monotonic()
    # A lease still set when we can take it is one a poller left behind when it died.
    interrupted = source.poll_lease_until is not None
    if not schedule.claim_poll(source):
        report = PollReport(source.pk)
        report.outcome = PollOutcome.BUSY
        report.error = "another poller is importing this source right now; skipped"
        return _done(report, started)
    try:
        if interrupted:
            _reindex(source)
        return _poll(source, started)  # records the outcome, which releases the lease
    except BaseException:
        schedule.release_poll(source)
        raise


def _poll(source: Source, started: float) -> PollReport:
    report = PollReport(source.pk)
    url = source.feed_url or source.url
    try:
        result = fetch(url, etag=source.etag, last_modified=source.last_modified)
    except http.UnsafeURLError as exc:
        report.outcome, report.error = PollOutcome.REFUSED, f"Refused URL: {exc}"
        schedule.record_failure(source, report.error)
        return _done(report, started)
    except FetchError as exc:
        report.outcome, report.error = PollOutcome.FAILED, str(exc)
        schedule.record_failure(source, report.error, retry_after=exc.retry_after)
        return _done(report, started)

    if result.not_modified:
        report.outcome = PollOutcome.NOT_MODIFIED
        schedule.record_success(source, report.outcome, etag=result.etag,
                                last_modified=result.last_modified)  # fmt: skip
        return _done(report, started)

    body_hash = hashlib.sha256(result.body).hexdigest()
    if body_hash == source.body_hash:
        report.outcome = PollOutcome.UNCHANGED
        schedule.record_success(source, report.outcome, etag=result.etag,
                                last_modified=result.last_modified)  # fmt: skip
        return _done(report, started)

    import_document(source, result.body, result.content_type, result.url, report=report)
    if report.outcome in (PollOutcome.REFUSED, PollOutcome.FAILED):
        schedule.record_failure(source, report.error)
        return _done(report, started)
    report.hubs = list(result.hub_links) + (report.feed.hub_urls if report.feed else [])
    report.topic = result.self_link or (report.feed.self_url if report.feed else "") or result.url
    # Remember the body only when every entry went through: a transient failure retries.
    clean = not any(s.get("transient") for s in report.skipped)
    schedule.record_success(
        source,
        report.outcome,
        etag=result.etag,
        last_modified=result.last_modified,
        body_hash=body_hash if clean else "",
        imported=report.created,
        skipped=report.skipped,
    )
    return _done(report, started)


def _reindex(source: Source) -> None:
    """Index all of the source's pages again, in one batch. A poll indexes its pages when it
    ends (``deferred_indexing``); one that died after committing some pages left them out of
    the search and reference indexes, and the next poll finds those entries unchanged."""
    with deferred_indexing():
        note_pages(
            ImportedItem.objects.filter(source=source, page__isnull=False).values_list(
                "page_id", flat=True
            )
        )


def _done(report: PollReport, started: float) -> PollReport:
    report.seconds = time.monotonic() - started
    return report


def import_document(
    source: Source,
    body: bytes,
    content_type: str,
    feed_url: str,
    *,
    report: PollReport | None = None,
) -> PollReport:
    """Guard, parse, normalise and upsert one fetched document (no health bookkeeping)."""
    report = report or PollReport(source.pk)
    try:
        document = guard(body, content_type)
        feed = parse(document, feed_url)
    except RefusedDocument as exc:
        report.outcome, report.error = PollOutcome.REFUSED, f"Refused: {exc}"
        return report
    except NotAFeed as exc:
        report.outcome, report.error = PollOutcome.FAILED, str(exc)
        return report
    report.feed = feed
    for skipped in feed.skipped:
        report.skipped.append({"position": skipped.position, "reason": skipped.reason})
    identity = FeedIdentity(feed)
    keyed = [(entry, identity.keys(entry)[1]) for entry in feed.entries]
    context = ImportContext.load(source, {key for _entry, keys in keyed for key in keys})
    items = []
    seen: set[int] = set()
    for entry, keys in keyed:
        # Fast path: an entry byte-for-byte as we last imported it (dates aside) is unchanged
        # without sanitising it again; this is what makes a reordered re-poll cheap.
        known = context.find_keys(keys)
        if known is not None and (known.page_id is None or known.raw_hash == raw_hash(entry)):
            if known.pk not in seen:
                seen.add(known.pk)
                report.count(EntryOutcome.UNCHANGED if known.page_id else EntryOutcome.TOMBSTONE)
            continue
        try:
            items.append(normalise(entry, identity))
        except SkipEntry as exc:
            report.skipped.append({"position": entry.position, "reason": str(exc)})
        except Exception as exc:  # a bad entry never stops the feed
            logger.warning("Skipping entry %s of source %s: %r", entry.position, source.pk, exc)
            report.skipped.append({"position": entry.position, "reason": f"unreadable: {exc!r}"})
    # One batched search-index and reference-index task for the poll's pages instead of
    # six per page (one per save, each recomputing the search backend's title norms).
    with deferred_indexing():
        _upsert_all(context, items, seen, report)
    report.skipped = report.skipped[:MAX_RECORDED_SKIPS]
    report.outcome = (
        PollOutcome.IMPORTED if (report.created or report.updated) else PollOutcome.UNCHANGED
    )
    return report


def _upsert_all(context: ImportContext, items: list, seen: set[int], report: PollReport) -> None:
    for item in items:
        record = context.find(item)
        if record is not None and record.pk in seen:
            report.count(EntryOutcome.DUPLICATE_IN_FEED)
            continue
        try:
            _page, outcome = upsert(context, item)
        except SkipEntry as exc:  # permanent: the next poll would skip it again
            report.skipped.append({"key": item.key[:200], "reason": str(exc)[:300]})
            continue
        except Exception as exc:  # one entry's failure is recorded; the rest still imports
            logger.warning(
                "Entry %s of source %s not imported: %r",
                item.key,
                context.source.pk,
                exc,
                exc_info=True,
            )
            report.skipped.append(
                {"key": item.key[:200], "reason": f"not imported: {exc}"[:300], "transient": True}
            )
            continue
        report.count(outcome)
        record = context.find(item)
        if record is not None:
            seen.add(record.pk)
