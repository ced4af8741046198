"""The representation cache and the stamps that say when anything external has changed.

A page's representation is cached in Django's cache (local memory by default, Redis when
``REDIS_URL`` is set), keyed by (page, live revision, locale, stamp). Whole responses (the
API's, the feeds') are cached by their own modules under the global stamp read here.

The stamps live in the database (``ApiCacheStamp``): a page's stamp is bumped when something
its representation uses changes (image, document, snippet, theme, linked page), and the
global stamp (the row of the tree's root page) is bumped on *every* change that can alter any
response — publish, unpublish, move, delete, privacy, media, snippets, themes. Keys and ETags
include the stamps, so every web process agrees on freshness with one indexed read, even when
each process has its own local-memory cache.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Page, Revision

from .models import ApiCacheStamp
from .pages import build_representations, fields_of, represented_models, revision_representation
from .resolver import load_pages, type_label

# Bump when the way a representation is built changes without its declared fields changing;
# a change of the declarations themselves is picked up by ``shape_digest``.
REPRESENTATION_VERSION = "1"
Row = tuple[int, int, int | None, int, int | None]  # pk, content type, live revision, locale, stamp


@functools.cache
def shape_digest() -> str:
    """A digest of every page type's declared fields: adding or removing a field changes every
    cache key and ETag, so no process serves a representation of the old shape."""
    shape = sorted((type_label(model), fields_of(model)) for model in represented_models())
    return hashlib.sha1(repr(shape).encode(), usedforsecurity=False).hexdigest()[:8]


def settings_fingerprint() -> str:
    source = (
        f"{REPRESENTATION_VERSION}|{shape_digest()}|"
        f"{settings.KANAL_BASE_URL}|{settings.KANAL_FRONTEND_URL}"
    )
    return hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:8]


def representation_key(row: Row) -> str:
    pk, _content_type, revision, locale, stamp = row
    return f"kanal:api:page:{settings_fingerprint()}:{pk}:{revision or 0}:{locale}:{stamp or 0}"


def cache_timeout() -> int:
    return settings.KANAL_API_CACHE_TIMEOUT


def page_rows(ids: Iterable[int]) -> list[Row]:
    return list(
        Page.objects.filter(pk__in=list(ids)).values_list(
            "pk", "content_type_id", "live_revision_id", "locale_id", "api_cache_stamp__stamp"
        )
    )


def representations_for_rows(rows: list[Row]) -> dict[int, dict[str, Any]]:
    """Representations for pages given as rows: cached ones read, missing ones built in bulk."""
    keys = {row[0]: representation_key(row) for row in rows}
    found = cache.get_many(list(keys.values())) if keys else {}
    result: dict[int, dict[str, Any]] = {}
    missing = []
    for row in rows:
        value = found.get(keys[row[0]])
        if value is None:
            missing.append(row)
        else:
            result[row[0]] = value
    if missing:
        pages = load_pages((row[0], row[1]) for row in missing)
        built = build_representations(list(pages.values()))
        result.update(built)
        cache.set_many(
            {keys[pk]: data for pk, data in built.items() if pages[pk].live},
            timeout=cache_timeout(),
        )
    return result


def cached_representations(pairs: Iterable[tuple[int, int]]) -> dict[int, dict[str, Any]]:
    """Representations of the live versions of pages given as (pk, content type) pairs."""
    return representations_for_rows(page_rows(pk for pk, _ in pairs))


# -- stamps ---------------------------------------------------------------------------------
def _root_id() -> int:
    root_id = cache.get("kanal:api:root-id")
    if root_id is None:
        root_id = Page.objects.filter(depth=1).order_by("path").values_list("pk", flat=True)[0]
        cache.set("kanal:api:root-id", root_id, None)
    return root_id


STAMP_KEY = "kanal:api:global-stamp"


def global_stamp() -> tuple[int, datetime | None]:
    """The global stamp and the time of the last change that can alter any API response.

    Read on every GET (it is what makes a 304 cheap). It is kept in the cache for
    ``KANAL_API_STAMP_TTL`` seconds (default 1), so a hot GET touches no database at all;
    ``bump`` deletes it at once and again after its transaction commits. With a shared cache
    (Redis) every process sees a change at once; with per-process local memory another
    process may answer from the previous stamp for at most the TTL.
    """
    cached = cache.get(STAMP_KEY)
    if cached is not None:
        return cached
    value = _read_global_stamp()
    if settings.KANAL_API_STAMP_TTL:
        cache.set(STAMP_KEY, value, settings.KANAL_API_STAMP_TTL)
    return value


def _read_global_stamp() -> tuple[int, datetime | None]:
    """One primary-key lookup in plain SQL (no ORM query compilation on the hot path)."""
    table = connection.ops.quote_name(ApiCacheStamp._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stamp, changed_at FROM {table} WHERE page_id = %s", [_root_id()])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return 0, None
    stamp, changed_at = row
    if isinstance(changed_at, str):
        changed_at = parse_datetime(changed_at)
    if changed_at is not None and timezone.is_naive(changed_at):
        changed_at = changed_at.replace(tzinfo=UTC)
    return int(stamp), changed_at


def bump(page_ids: Iterable[int]) -> None:
    """Mark pages (and the whole API) as changed: their cached representations become stale."""
    ids = set(page_ids) | {_root_id()}
    now = timezone.now()
    existing = set(ApiCacheStamp.objects.filter(page_id__in=ids).values_list("page_id", flat=True))
    new = [ApiCacheStamp(page_id=pk, stamp=0, changed_at=now) for pk in ids - existing]
    if new:
        existing_pages = set(
            Page.objects.filter(pk__in=[s.page_id for s in new]).values_list("pk", flat=True)
        )
        ApiCacheStamp.objects.bulk_create(
            [s for s in new if s.page_id in existing_pages], ignore_conflicts=True
        )
    ApiCacheStamp.objects.filter(page_id__in=ids).update(stamp=F("stamp") + 1, changed_at=now)
    cache.delete(STAMP_KEY)
    # Again after commit: a reader in another process may have cached the old stamp meanwhile.
    transaction.on_commit(lambda: cache.delete(STAMP_KEY))


def page_representation(page: Page, *, revision: Revision | None = None) -> dict[str, Any]:
    """The representation of ``page``: of its live version (from the cache when it holds the
    page's current live revision), or of ``revision`` (built from it, never cached)."""
    if revision is not None:
        return revision_representation(page, revision)
    return cached_representations([(page.pk, page.content_type_id)])[page.pk]
