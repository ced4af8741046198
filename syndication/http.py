"""The safe HTTP client: the only module in Kanal that talks HTTP to the outside world.

Every outgoing request (feed fetches, webhook deliveries, pushes to blogs and video
channels) goes through ``request()``, which enforces in one place:

* **Schemes**: only ``http`` and ``https``; no credentials in the URL.
* **SSRF guard**: the host is resolved once, *every* resolved address must be public
  (not private, loopback, link-local, multicast, reserved, unspecified, shared/CGNAT, nor an
  IPv6 form embedding such an IPv4 address: IPv4-mapped, IPv4-compatible, 6to4, Teredo,
  NAT64), and the connection is made to the address that was checked — never re-resolved,
  so DNS rebinding cannot swap it. Redirects are re-checked hop by hop. Hosts or networks in
  ``settings.KANAL_ALLOW_PRIVATE_HOSTS`` are exempt (tests and demos only).
* **Time**: a connect timeout, a per-read timeout, and a total deadline that also stops a
  server dripping one byte at a time.
* **Size**: a cap on the *decoded* body. We advertise only gzip/deflate and decompress
  ourselves with ``max_length``, so a decompression bomb stops at the cap instead of
  inflating in memory.

It also owns the one reading of ``Retry-After`` (``parse_retry_after``, RFC 9110 §10.2.3),
shared by feed fetches and webhook deliveries.

Why urllib3 rather than ``requests`` here: ``requests`` resolves the hostname again when it
connects, which defeats the guard (check one address, connect to another). urllib3 — the
transport ``requests`` itself uses — lets us open the connection to the checked IP while
keeping the ``Host`` header, SNI and certificate verification on the real hostname.
"""

from __future__ import annotations

import heapq
import ipaddress
import itertools
import logging
import os
import re
import socket
import threading
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings
from urllib3 import HTTPHeaderDict

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Longest wait a server's Retry-After can impose on us: past a day we try again anyway.
MAX_RETRY_AFTER = timedelta(hours=24)
_DELAY_SECONDS = re.compile(r"[0-9]+")
CHUNK = 64 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SHARED = ipaddress.ip_network("100.64.0.0/10")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURLError(ValueError):
    """The URL may not be requested: bad scheme, or a host that is (or resolves to) private."""


class HttpError(Exception):
    """The request was allowed but did not produce a usable response."""


class ConnectionFailed(HttpError):
    pass


class ConnectTimeout(HttpError):
    pass


class ReadTimeout(HttpError):
    pass


class TooLarge(HttpError):
    pass


class TooManyRedirects(HttpError):
    pass


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: HTTPHeaderDict
    body: bytes
    url: str
    elapsed: float
    redirects: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def user_agent() -> str:
    return f"Kanal/0.1 (+{settings.KANAL_BASE_URL})"


def parse_retry_after(
    value: str | None, now: datetime | None = None, *, cap: timedelta = MAX_RETRY_AFTER
) -> timedelta | None:
    """``Retry-After`` as a delay, or None when absent or unreadable (RFC 9110 §10.2.3).

    ``Retry-After = HTTP-date / delay-seconds``. delay-seconds is ASCII digits only. An
    HTTP-date is always GMT (RFC 9110 §5.6.7), including the obsolete asctime form, which
    carries no zone: a date without one is read as UTC, not refused. A date in the past
    means "now" (zero). Every delay is capped at ``cap`` (a day by default), so a hostile or
    mistaken server cannot park a feed or an endpoint for weeks.
    """
    if not value:
        return None
    value = value.strip()
    if _DELAY_SECONDS.fullmatch(value):
        return timedelta(seconds=min(int(value), cap.total_seconds()))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delay = when - (now or datetime.now(UTC))
    return min(max(delay, timedelta(0)), cap)


# -- the guard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # the hostname as written (lower-case, IDNA), for Host/SNI
    port: int
    address: str  # the checked IP we connect to
    path: str  # path + query, as sent


def _allowed_entries() -> tuple[set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    hosts: set[str] = set()
    networks = []
    for entry in settings.KANAL_ALLOW_PRIVATE_HOSTS:
        entry = entry.strip().strip("[]").lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry)
    return hosts, networks


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = []
    if address.ipv4_mapped:
        found.append(address.ipv4_mapped)
    if address.sixtofour:
        found.append(address.sixtofour)
    if address.teredo:
        found.extend(address.teredo)
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    # IPv4-compatible (deprecated) ::a.b.c.d
    if int(address) >> 32 == 0 and int(address) > 1:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_public_address(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses (and no embedded private IPv4)."""
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        candidates.extend(_embedded_ipv4(address))
    for candidate in candidates:
        if (
            candidate.is_private
            or candidate.is_loopback
            or candidate.is_link_local
            or candidate.is_multicast
            or candidate.is_reserved
            or candidate.is_unspecified
            or not candidate.is_global
            or (isinstance(candidate, ipaddress.IPv4Address) and candidate in _SHARED)
        ):
            return False
    return True


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectionFailed(f"Could not resolve host {host!r}: {exc}") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = sockaddr[0].split("%", 1)[0]
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise ConnectionFailed(f"Host {host!r} has no address.")
    return addresses


def _split_url(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, path)`` of ``url``, refusing what may never be requested."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeURLError(f"Not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeURLError(f"Only http and https URLs are allowed, not {parts.scheme!r}.")
    if not parts.hostname:
        raise UnsafeURLError("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeURLError("Credentials in the URL are not allowed; use headers instead.")
    try:
        host = parts.hostname.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise UnsafeURLError(f"Invalid host name {parts.hostname!r}.") from exc
    port = port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, host, port, path


def resolve_target(url: str) -> Target:
    """Parse, resolve and check ``url``; the returned target's address is safe to connect to."""
    scheme, host, port, path = _split_url(url)
    allowed_hosts, allowed_networks = _allowed_entries()
    addresses = _resolve(host, port)
    for raw in addresses:
        address = ipaddress.ip_address(raw)
        if host in allowed_hosts or any(address in network for network in allowed_networks):
            continue
        if not is_public_address(address):
            raise UnsafeURLError(
                f"{host} resolves to {address}, a private or reserved address; refused. "
                "Add it to KANAL_ALLOW_PRIVATE_HOSTS only for tests and demos."
            )
    return Target(scheme, host, port, addresses[0], path)


def check_url(url: str) -> None:
    """Raise ``UnsafeURLError`` if ``url`` may not be requested (used when a URL is saved)."""
    try:
        resolve_target(url)
    except ConnectionFailed as exc:
        raise UnsafeURLError(str(exc)) from exc


# -- the request ---------------------------------------------------------------------------


def _pool(target: Target, connect_timeout: float, read_timeout: float, maxsize: int = 1):
    """A pool whose every connection goes to ``target.address``, the address that was checked
    (Host, SNI and certificate checks use the real host name)."""
    timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            maxsize=maxsize,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(
        target.address, target.port, timeout=timeout, maxsize=maxsize, retries=False
    )


class _Decoder:
    """Content-decoding with a hard cap on the decoded size."""

    def __init__(self, encoding: str, max_bytes: int):
        encoding = (encoding or "identity").strip().lower()
        self.max_bytes = max_bytes
        self.size = 0
        self.parts: list[bytes] = []
        if encoding in ("identity", ""):
            self.inflater = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            # 32 + MAX_WBITS: accept a gzip or zlib header.
            self.inflater = zlib.decompressobj(32 + zlib.MAX_WBITS)
        else:
            raise HttpError(f"Unsupported Content-Encoding {encoding!r}.")

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise TooLarge(f"Response body exceeds {self.max_bytes} bytes (decoded).")
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self.inflater is None:
            self._add(chunk)
            return
        data = chunk
        while data:
            try:
                out = self.inflater.decompress(data, self.max_bytes - self.size + 1)
            except zlib.error as exc:
                raise HttpError(f"Corrupt compressed body: {exc}") from exc
            self._add(out)
            data = self.inflater.unconsumed_tail

    def result(self) -> bytes:
        if self.inflater is not None:
            self._add(self.inflater.flush(self.max_bytes - self.size + 1))
        return b"".join(self.parts)


class _Watchdog:
    """Enforces total deadlines: calls ``action`` (shutting the response's socket down) at
    ``deadline`` unless cancelled first. One thread per process for every request, where a
    ``threading.Timer`` per request cost a thread start (~1 ms) on each one of a batch."""

    def __init__(self):
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, list]] = []
        self._counter = itertools.count()
        self._pid: int | None = None

    def watch(self, deadline: float, action) -> list:
        entry = [action]  # emptied when cancelled
        with self._cond:
            if self._pid != os.getpid():  # first use, or a forked worker: no thread yet
                self._pid = os.getpid()
                self._heap = []
                threading.Thread(target=self._run, name="http-watchdog", daemon=True).start()
            heapq.heappush(self._heap, (deadline, next(self._counter), entry))
            self._cond.notify()
        return entry

    def cancel(self, entry: list) -> None:
        """Once this returns the action will not run (it runs under the same lock)."""
        with self._cond:
            entry.clear()

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and not self._heap[0][2]:
                    heapq.heappop(self._heap)  # cancelled
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                _deadline, _n, entry = heapq.heappop(self._heap)
                action = entry[0] if entry else None
                if action is not None:
                    try:
                        action()
                    except Exception:  # the request's own read reports the failure
                        logger.debug("watchdog action failed", exc_info=True)


WATCHDOG = _Watchdog()


def _send_once(
    method: str,
    target: Target,
    headers: dict[str, str],
    data: bytes | None,
    connect_timeout: float,
    read_timeout: float,
    deadline: float,
    max_bytes: int,
    pool=None,
) -> tuple[int, HTTPHeaderDict, bytes]:
    """One request and its capped body. Without ``pool`` the connection is opened for this
    request and closed after it; a ``Session``'s pool keeps it open for the next request."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ReadTimeout("Total timeout exceeded.")
    timeout = urllib3.Timeout(
        connect=min(connect_timeout, remaining), read=min(read_timeout, remaining)
    )
    own_pool = pool is None
    if own_pool:
        pool = _pool(target, timeout.connect_timeout, timeout.read_timeout)
    host_header = target.host
    if (target.scheme, target.port) not in (("http", 80), ("https", 443)):
        host_header = f"{target.host}:{target.port}"
    if ":" in target.host and not host_header.startswith("["):
        host_header = f"[{target.host}]"
    send_headers = {"Host": host_header, **headers}
    try:
        response = pool.urlopen(
            method,
            target.path,
            body=data,
            headers=send_headers,
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=False,
            assert_same_host=False,
            timeout=timeout,
        )
    except urllib3.exceptions.ConnectTimeoutError as exc:
        raise ConnectTimeout(f"Connecting to {target.host} timed out.") from exc
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise ReadTimeout(f"{target.host} did not answer in time.") from exc
    except urllib3.exceptions.HTTPError as exc:
        pool.close()
        raise ConnectionFailed(f"Request to {target.host} failed: {exc}") from exc

    watchdog = WATCHDOG.watch(deadline, response.shutdown)
    try:
        declared = response.headers.get("Content-Length")
        encoding = response.headers.get("Content-Encoding", "identity")
        if declared and declared.isdigit() and int(declared) > max_bytes and method != "HEAD":
            raise TooLarge(f"Declared body of {declared} bytes exceeds {max_bytes}.")
        decoder = _Decoder(encoding, max_bytes)
        while True:
            try:
                chunk = response.read1(CHUNK)
            except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
                if time.monotonic() >= deadline:
                    raise ReadTimeout("Total timeout exceeded while reading the body.") from exc
                if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
                    raise ReadTimeout(f"{target.host} stopped sending.") from exc
                raise ConnectionFailed(f"Reading from {target.host} failed: {exc}") from exc
            if not chunk:
                break
            decoder.feed(chunk)
            if time.monotonic() >= deadline:
                raise ReadTimeout("Total timeout exceeded while reading the body.")
        body = decoder.result()
        if time.monotonic() >= deadline:
            raise ReadTimeout("Total timeout exceeded while reading the body.")
        return response.status, response.headers, body
    finally:
        WATCHDOG.cancel(watchdog)
        response.release_conn()
        if own_pool:
            pool.close()


def request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    data: bytes | str | None = None,
    connect_timeout: float = 3.0,
    read_timeout: float | None = None,
    total_timeout: float = 15.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = 0,
    session: Session | None = None,
) -> HttpResponse:
    """Send one request through the guard and return the (capped, decoded) response.

    With ``max_redirects=0`` a 3xx is returned as a response, not followed (webhooks). With
    ``max_redirects=N`` up to N redirects are followed, each target checked again before
    any connection is made; one more raises ``TooManyRedirects``. With a ``session`` the
    connection to each checked host stays open for the session's next requests.
    """
    method = method.upper()
    started = time.monotonic()
    deadline = started + total_timeout
    read_timeout = total_timeout if read_timeout is None else read_timeout
    body = data.encode("utf-8") if isinstance(data, str) else data
    send_headers = {"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate"}
    for name, value in (headers or {}).items():
        send_headers[name] = value
    visited: list[str] = []
    current = url
    while True:
        if session is None:
            target, pool = resolve_target(current), None
        else:
            target, pool = session.pool_for(current)
        try:
            status, response_headers, content = _send_once(
                method,
                target,
                send_headers,
                body,
                connect_timeout,
                read_timeout,
                deadline,
                max_bytes,
                pool,
            )
        except HttpError:
            if session is not None:
                session.discard(target)  # its connection is in an unknown state
            raise
        location = response_headers.get("Location")
        if status in REDIRECT_STATUSES and location and max_redirects > 0:
            if len(visited) >= max_redirects:
                raise TooManyRedirects(f"More than {max_redirects} redirects from {url}.")
            visited.append(current)
            current = urljoin(current, location)
            if status == 303 or (status in (301, 302) and method == "POST"):
                method, body = "GET", None
                send_headers.pop("Content-Type", None)
            continue
        logger.debug("%s %s -> %s", method, target.host, status)
        return HttpResponse(
            status=status,
            headers=response_headers,
            body=content,
            url=current,
            elapsed=time.monotonic() - started,
            redirects=tuple(visited),
        )


class Session:
    """Persistent connections for a run of requests (one batch of webhook deliveries).

    The guard runs per connection target, as for a single request: the first request to a
    (scheme, host, port) resolves and checks the host, and every connection of that pool goes
    to the checked address, never re-resolved. A redirect to another host is checked when it
    is followed, like any new target. A session is short-lived (one task): DNS changes and a
    changed ``KANAL_ALLOW_PRIVATE_HOSTS`` apply from the next session on. Use it as a context
    manager so its connections are closed.
    """

    def __init__(self, max_connections: int = 1):
        self.max_connections = max_connections
        self._pools: dict[tuple[str, str, int], tuple[Target, object]] = {}
        self.targets_checked = 0

    def pool_for(self, url: str) -> tuple[Target, object]:
        scheme, host, port, path = _split_url(url)
        key = (scheme, host, port)
        known = self._pools.get(key)
        if known is None:
            target = resolve_target(url)
            pool = _pool(target, 3.0, 15.0, maxsize=self.max_connections)
            known = self._pools[key] = (target, pool)
            self.targets_checked += 1
        target, pool = known
        if target.path != path:
            target = Target(target.scheme, target.host, target.port, target.address, path)
        return target, pool

    def discard(self, target: Target) -> None:
        known = self._pools.pop((target.scheme, target.host, target.port), None)
        if known is not None:
            known[1].close()

    def close(self) -> None:
        for _target, pool in self._pools.values():
            pool.close()
        self._pools.clear()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
