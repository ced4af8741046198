"""Fetch a feed through the safe client (``syndication.http``), the only HTTP seam.

Conditional GET: the caller passes the validators it stored (ETag, Last-Modified); a 304 comes
back as ``FetchResult(not_modified=True)`` and costs no parsing and no page writes. ``429`` and
``503`` raise ``FetchError`` carrying the server's ``Retry-After``, which the scheduler honours.
Requests to one host are serialised (one at a time per host, across processes and machines:
``pull.politeness``), so a poll of many feeds on one blog platform never hammers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from syndication import http

from .politeness import host_slot

ACCEPT = (
    "application/feed+json, application/json;q=0.9, application/atom+xml, application/rss+xml, "
    "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.1"
)
MAX_REDIRECTS = 5


class FetchError(Exception):
    """The feed could not be fetched; ``str(exc)`` is shown in the admin."""

    def __init__(self, message: str, retry_after: timedelta | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class FetchResult:
    url: str  # final URL after redirects
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
    hub_links: tuple[str, ...] = ()
    self_link: str = ""


def _link_header(value: str) -> tuple[list[str], str]:
    """Link: <url>; rel="hub", <url>; rel="self" (WebSub discovery, RFC 8288)."""
    hubs, self_link = [], ""
    for part in value.split(","):
        if "<" not in part or ">" not in part:
            continue
        url = part[part.index("<") + 1 : part.index(">")].strip()
        params = part[part.index(">") + 1 :].lower().replace(" ", "")
        rels = ""
        for param in params.split(";"):
            if param.startswith("rel="):
                rels = param[4:].strip("\"'")
        if "hub" in rels.split():
            hubs.append(url)
        if "self" in rels.split():
            self_link = url
    return hubs, self_link


def fetch(url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
    """GET ``url`` conditionally. Raises ``http.UnsafeURLError`` or ``FetchError``."""
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    connect_timeout, read_timeout, total_timeout = settings.KANAL_PULL_TIMEOUTS
    with host_slot(url):
        try:
            response = http.request(
                "GET",
                url,
                headers=headers,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                total_timeout=total_timeout,
                max_redirects=MAX_REDIRECTS,
            )
        except http.HttpError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from exc
    hubs, self_link = _link_header(response.headers.get("Link", ""))
    if response.status == 304:
        return FetchResult(
            response.url,
            304,
            etag=response.headers.get("ETag", etag),
            last_modified=response.headers.get("Last-Modified", last_modified),
            not_modified=True,
        )
    if response.status in (429, 503):
        raise FetchError(
            f"The server answered {response.status} (busy); trying again later.",
            http.parse_retry_after(response.headers.get("Retry-After")),
        )
    if response.status == 410:
        raise FetchError("The feed is gone (410). Remove or deactivate this source.")
    if not 200 <= response.status < 300:
        raise FetchError(f"The server answered {response.status} for {response.url}.")
    return FetchResult(
        url=response.url,
        status=response.status,
        body=response.body,
        content_type=response.headers.get("Content-Type", ""),
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
        hub_links=tuple(hubs),
        self_link=self_link,
    )
