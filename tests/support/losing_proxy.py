"""A fault-injecting loopback proxy: forwards every request to a real upstream server and, for
the requests a test picks, lets the upstream commit and then drops the response (closes the
connection without a status line) — the "lost response" of a create that did happen.

The WordPress tests have their own copy tied to ``rest_route``
(``tests/syndication/push/test_wordpress_resilience.py``); this one takes a predicate.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Callable

from .loopback import LoopbackServer

HOP_HEADERS = ("host", "content-length", "connection", "accept-encoding")


class LosingProxy:
    def __init__(self, upstream: str, drops: Callable[[object], bool]):
        self.upstream = upstream.rstrip("/")
        self.drops = drops
        self.dropping = True
        self.dropped = 0
        self.lock = threading.Lock()
        self.server = LoopbackServer(self._handle)
        # A dropped response is the point, not an error worth a traceback.
        self.server.server.handle_error = lambda request, address: None

    def url(self, path: str = "/") -> str:
        return self.server.url(path)

    def __enter__(self) -> LosingProxy:
        self.server.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.server.__exit__(*exc)

    def _handle(self, request):
        forward = urllib.request.Request(
            self.upstream + request.path,
            method=request.command,
            data=request.body if request.command in ("POST", "PUT") else None,
            headers={k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS},
        )
        try:
            with urllib.request.urlopen(forward, timeout=60) as response:
                status, body, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, error.read(), error.headers
        if self.dropping and self.drops(request):
            with self.lock:
                self.dropped += 1
            request.close_connection = True
            return None  # the upstream committed; the caller never hears of it
        keep = {"Content-Type": headers.get("Content-Type", "application/json")}
        if headers.get("Location"):
            keep["Location"] = headers["Location"]
        return status, keep, body
