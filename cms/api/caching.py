"""Conditional GET and the response cache of the API (and of anything served like it).

A whole GET response is cached under (URL, global stamp) and its ETag derives from the same,
so revalidation costs one indexed read and no serialisation. The stamps themselves, and the
representation cache, are ``cms.representation.cache``; ``invalidation`` bumps them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from ..representation.cache import cache_timeout, global_stamp, settings_fingerprint


def cache_control() -> str:
    return (
        f"public, max-age={settings.KANAL_API_MAX_AGE}, "
        f"stale-while-revalidate={settings.KANAL_API_STALE_WHILE_REVALIDATE}"
    )


def _decorate(response: HttpResponse, etag: str, changed_at: datetime | None) -> HttpResponse:
    response["ETag"] = etag
    if changed_at is not None:
        response["Last-Modified"] = http_date(changed_at.timestamp())
    response["Cache-Control"] = cache_control()
    response["Vary"] = "Accept-Encoding"
    return response


def conditional_response(
    request: HttpRequest,
    build: Callable[[], bytes],
    *,
    content_type: str = "application/json",
    namespace: str = "api",
) -> HttpResponse:
    """Answer a GET from the response cache, with 304 for a fresh ``If-None-Match``/``-Since``.

    The ETag is derived from the host, the URL and the global stamp, so revalidation costs one
    indexed read and no serialisation. The preconditions are Django's
    (``get_conditional_response``, RFC 9110: ``If-None-Match`` wins over ``If-Modified-Since``).
    """
    stamp, changed_at = global_stamp()
    digest = hashlib.sha1(
        f"{settings_fingerprint()}|{stamp}|{request.get_host()}|{request.get_full_path()}".encode(),
        usedforsecurity=False,
    ).hexdigest()
    etag = quote_etag(digest)
    not_modified = get_conditional_response(
        request,
        etag=etag,
        last_modified=int(changed_at.timestamp()) if changed_at is not None else None,
    )
    if not_modified is not None:
        return _decorate(not_modified, etag, changed_at)
    key = f"kanal:{namespace}:response:{digest}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, timeout=cache_timeout())
    return _decorate(HttpResponse(body, content_type=content_type), etag, changed_at)
