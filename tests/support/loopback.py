"""Real HTTP servers on 127.0.0.1 for tests: no mocked ``requests``.

``LoopbackServer(handler)`` serves on an ephemeral port in a thread; ``handler(request)``
returns ``(status, headers, body)`` or writes to ``request.wfile`` itself and returns None.
Every accepted connection is counted, so tests can assert "0 connections made".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections = 0
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    def get_request(self):
        conn = super().get_request()
        with self.lock:
            self.connections += 1
        return conn


class LoopbackServer:
    def __init__(self, handler: Callable, address: str = "127.0.0.1"):
        owner = self
        self.address = address

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # TCP_NODELAY, as real servers set it: the handler writes the status line and
            # headers, then the body, in two sends; with Nagle on, the body waits for the
            # client's delayed ACK (40 ms) on every request of a keep-alive connection.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.body = self.rfile.read(length) if length else b""
                if len(self.body) < length:
                    # The client died mid-request (a killed worker): a truncated request is
                    # no request, as for any real HTTP server.
                    self.close_connection = True
                    return
                with owner.server.lock:
                    owner.server.requests.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "headers": dict(self.headers),
                            "body": self.body,
                        }
                    )
                result = handler(self)
                if result is None:
                    return
                status, headers, body = result
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _handle

        self.server = _Server((address, 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str = "/", host: str = "") -> str:
        return f"http://{host or self.address}:{self.port}{path}"

    @property
    def connections(self) -> int:
        return self.server.connections

    @property
    def requests(self) -> list[dict]:
        return self.server.requests

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
