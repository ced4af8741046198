"""Conditional GET for the feeds, on the API's global stamp (``cms.representation.cache``).

The rendered body is cached per (URL, host, global stamp), exactly as the API caches its
responses, so publishing anything drops every cached feed at once. The validators differ
from the API's in one way the issue asks for: a feed's ``ETag`` is a digest of its *bytes*
and its ``Last-Modified`` the moment those bytes last changed, so a publish changes the
ETags of the feeds it touches and only those; an untouched feed re-renders once after the
stamp moves and still answers 304 to its readers.

A fresh ``If-None-Match`` against a cached entry answers 304 from the cache alone: no query
beyond the stamp (itself cached for ``KANAL_API_STAMP_TTL``) and no rendering.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from cms.api.caching import cache_control
from cms.representation.cache import cache_timeout, global_stamp, settings_fingerprint


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str


@dataclass(frozen=True)
class CachedFeed:
    body: bytes
    content_type: str
    etag: str
    last_modified: datetime


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(part.strip().removeprefix("W/") == bare for part in header.split(","))


def _not_modified(request: HttpRequest, entry: CachedFeed) -> bool:
    """RFC 9110 §13.2.2: ``If-None-Match`` wins; ``If-Modified-Since`` only without it."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, entry.etag)
    since = request.headers.get("If-Modified-Since")
    if since:
        parsed = parse_http_date_safe(since)
        return parsed is not None and int(entry.last_modified.timestamp()) <= parsed
    return False


def _decorate(response: HttpResponse, entry: CachedFeed, links: list[str]) -> HttpResponse:
    response["ETag"] = entry.etag
    response["Last-Modified"] = http_date(entry.last_modified.timestamp())
    response["Cache-Control"] = cache_control()
    response["Vary"] = "Accept-Encoding"
    if links:
        response["Link"] = ", ".join(links)
    return response


def feed_response(
    request: HttpRequest, render: Callable[[], Rendered], *, links: list[str] | None = None
) -> HttpResponse:
    """Serve a feed from the cache (or ``render`` it once), with ETag, Last-Modified and 304.

    ``links`` are RFC 8288 ``Link`` header values (WebSub discovery, §4).
    """
    stamp, changed_at = global_stamp()
    hubs = ",".join(settings.KANAL_WEBSUB_HUBS)  # the feeds declare them
    where = f"{settings_fingerprint()}|{hubs}|{request.get_host()}|{request.get_full_path()}"
    key = (
        "kanal:feeds:"
        + hashlib.sha1(f"{stamp}|{where}".encode(), usedforsecurity=False).hexdigest()
    )
    entry: CachedFeed | None = cache.get(key)
    if entry is None:
        rendered = render()
        etag = quote_etag(hashlib.sha1(rendered.body, usedforsecurity=False).hexdigest())
        # When did these bytes first appear? Kept per URL across stamps; a lost cache only
        # makes Last-Modified later (a reader re-fetches once), never earlier.
        history_key = (
            "kanal:feeds:since:" + hashlib.sha1(where.encode(), usedforsecurity=False).hexdigest()
        )
        previous = cache.get(history_key)
        if previous is not None and previous[0] == etag:
            last_modified = previous[1]
        else:
            last_modified = changed_at or timezone.now()
            cache.set(history_key, (etag, last_modified), timeout=None)
        entry = CachedFeed(rendered.body, rendered.content_type, etag, last_modified)
        cache.set(key, entry, timeout=cache_timeout())
    if _not_modified(request, entry):
        return _decorate(HttpResponseNotModified(), entry, links or [])
    return _decorate(HttpResponse(entry.body, content_type=entry.content_type), entry, links or [])
