"""One request at a time per host — across threads, processes and machines.

Why: two pollers (the relay's worker and ``manage.py poll_sources``, or workers on several
machines) each kept their own per-process lock, so together they fetched from one host at
once. The rule now holds wherever the database is shared:

* PostgreSQL (several machines): a session-level advisory lock keyed by the host
  (``pg_advisory_lock``), held for the request and released after it;
* SQLite (one machine by nature): an exclusive ``flock`` on a small file per host next to the
  database, which every process on the machine sees;
* and a thread lock per host first, so threads of one process queue without touching either.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

_thread_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
_guard = threading.Lock()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _key(host: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_lock`` (namespaced to Kanal's hosts)."""
    digest = hashlib.sha256(f"kanal:pull-host:{host}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock_dir() -> Path:
    name = str(settings.DATABASES["default"].get("NAME") or "kanal")
    tag = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"kanal-host-locks-{tag}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@contextlib.contextmanager
def host_slot(url: str) -> Iterator[None]:
    """Hold the host's slot for the duration of one request."""
    host = host_of(url)
    with _guard:
        thread_lock = _thread_locks[host]
    with thread_lock:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [_key(host)])
            try:
                yield
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(host)])
            return
        digest = hashlib.sha1(host.encode(), usedforsecurity=False).hexdigest()
        with open(_lock_dir() / f"{digest}.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
