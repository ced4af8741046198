"""A Micropub server on loopback, implementing the W3C Recommendation's server requirements
(https://www.w3.org/TR/micropub/) for the push tests — no real Micropub server installs here
from a registry without the network.

* create, form-encoded (``h=entry``, ``property[]=…``, §3.3.1) and JSON (§3.3.2): 201 with
  ``Location``; ``mp-slug`` names the post's URL when free;
* update with ``replace`` (§3.4.1), delete (§3.5), both JSON or form-encoded (delete);
* ``q=config`` (with the media endpoint) and ``q=source`` (§3.7);
* a media endpoint (§3.6): multipart ``file`` -> 201 with ``Location``;
* errors (§4.1): 401 without a token, 403 with a wrong one (``forbidden``/``insufficient_scope``),
  400 ``invalid_request`` for malformed requests or unknown URLs;
* the site's home page announces the endpoint by ``Link`` header and HTML ``<link>`` (§5.3).

``fail_next`` lets a test script answers (e.g. 429 with ``Retry-After``).
"""

from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs, urlsplit

from .loopback import LoopbackServer


class MicropubServer:
    def __init__(self, token: str = "micropub-test-token"):
        self.token = token
        self.posts: dict[str, dict] = {}  # url -> {"type": [...], "properties": {...}}
        self.media: list[str] = []
        self.deleted: set[str] = set()
        self.creates = 0
        self.fail_next: list[tuple[int, dict, bytes]] = []
        self.lock = threading.Lock()
        self.server = LoopbackServer(self._handle)

    # -- addresses ------------------------------------------------------------------------

    @property
    def site(self) -> str:
        return self.server.url("/")

    @property
    def endpoint(self) -> str:
        return self.server.url("/micropub")

    @property
    def media_endpoint(self) -> str:
        return self.server.url("/media")

    def __enter__(self) -> MicropubServer:
        self.server.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.server.__exit__(*exc)

    # -- protocol -------------------------------------------------------------------------

    @staticmethod
    def _json(status: int, payload: dict, **headers: str):
        return status, {"Content-Type": "application/json", **headers}, json.dumps(payload).encode()

    def _error(self, status: int, error: str, description: str):
        return self._json(status, {"error": error, "error_description": description})

    def _authorised(self, request, form: dict) -> tuple[int, dict, bytes] | None:
        header = request.headers.get("Authorization", "")
        token = (
            header[7:] if header.startswith("Bearer ") else (form.get("access_token") or [""])[0]
        )
        if not token:
            return self._error(401, "unauthorized", "No access token was provided.")
        if token != self.token:
            return self._error(403, "forbidden", "The access token is not valid for this site.")
        return None

    def _handle(self, request):
        parts = urlsplit(request.path)
        query = parse_qs(parts.query)
        if parts.path == "/":
            body = (
                b'<!doctype html><html><head><link rel="micropub" href="/micropub">'
                b"</head><body>Bloggen</body></html>"
            )
            return 200, {"Content-Type": "text/html", "Link": '</micropub>; rel="micropub"'}, body
        if parts.path.startswith("/posts/"):
            url = self.server.url(parts.path)
            post = self.posts.get(url)
            if post is None:
                return 410 if url in self.deleted else 404, {}, b""
            return 200, {"Content-Type": "text/html"}, json.dumps(post).encode()
        if parts.path not in ("/micropub", "/media"):
            return 404, {}, b""
        with self.lock:
            if self.fail_next:
                return self.fail_next.pop(0)
        content_type = request.headers.get("Content-Type", "")
        form: dict = {}
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = parse_qs(request.body.decode(), keep_blank_values=True)
        denied = self._authorised(request, form)
        if denied:
            return denied
        if parts.path == "/media":
            return self._media(request, content_type)
        if request.command == "GET":
            return self._query(query)
        if content_type.startswith("application/json"):
            try:
                payload = json.loads(request.body)
            except ValueError:
                return self._error(400, "invalid_request", "The JSON body does not parse.")
            return self._json_request(payload)
        if form:
            return self._form_request(form)
        return self._error(400, "invalid_request", f"Unsupported content type {content_type!r}.")

    def _query(self, query: dict):
        q = (query.get("q") or [""])[0]
        if q == "config":
            return self._json(200, {"media-endpoint": self.media_endpoint, "syndicate-to": []})
        if q == "source":
            url = (query.get("url") or [""])[0]
            post = self.posts.get(url)
            if post is None:
                return self._error(400, "invalid_request", f"No post at {url!r}.")
            return self._json(200, post)
        return self._error(400, "invalid_request", f"Unknown query {q!r}.")

    def _create(self, h_type: str, properties: dict[str, list]):
        if not properties.get("content") and not properties.get("name"):
            return self._error(400, "invalid_request", "An entry needs a name or content.")
        refused = self._refused(properties)
        if refused:
            return refused
        with self.lock:
            self.creates += 1
            slug = str((properties.pop("mp-slug", None) or [f"post-{self.creates}"])[0])
            url = self.server.url(f"/posts/{slug}")
            if url in self.posts:
                url = self.server.url(f"/posts/{slug}-{self.creates}")
            properties = {k: v for k, v in properties.items() if not k.startswith("mp-")}
            self.posts[url] = {"type": [h_type], "properties": {**properties, "url": [url]}}
        return 201, {"Location": url}, b""

    def _refused(self, properties: dict):
        refused = [c for c in properties.get("category", []) if str(c).startswith("forbidden")]
        if refused:
            return self._error(400, "invalid_request", f"Category {refused[0]!r} is not allowed.")
        return None

    def _json_request(self, payload: dict):
        action = payload.get("action")
        if action is None:
            types = payload.get("type") or []
            if not types or not isinstance(payload.get("properties"), dict):
                return self._error(400, "invalid_request", "type and properties are required.")
            return self._create(types[0], dict(payload["properties"]))
        url = payload.get("url", "")
        if url not in self.posts:
            return self._error(400, "invalid_request", f"No post at {url!r}.")
        if action == "delete":
            with self.lock:
                del self.posts[url]
                self.deleted.add(url)
            return 204, {}, b""
        if action == "update":
            replace = payload.get("replace") or {}
            if not isinstance(replace, dict) or not all(
                isinstance(v, list) for v in replace.values()
            ):
                return self._error(400, "invalid_request", "replace must map names to arrays.")
            if self._refused(replace):
                return self._refused(replace)
            with self.lock:
                self.posts[url]["properties"].update(replace)
            return 204, {}, b""
        return self._error(400, "invalid_request", f"Unknown action {action!r}.")

    def _form_request(self, form: dict):
        action = (form.get("action") or [""])[0]
        if action == "delete":
            return self._json_request({"action": "delete", "url": (form.get("url") or [""])[0]})
        h = (form.get("h") or [""])[0]
        if not h:
            return self._error(400, "invalid_request", "h is required.")
        properties: dict[str, list] = {}
        for name, values in form.items():
            if name in ("h", "access_token"):
                continue
            properties[name.removesuffix("[]")] = values
        return self._create(f"h-{h}", properties)

    def _media(self, request, content_type: str):
        if not content_type.startswith("multipart/form-data") or b'name="file"' not in request.body:
            return self._error(400, "invalid_request", "A multipart file part is required.")
        with self.lock:
            url = self.server.url(f"/media/{len(self.media) + 1}")
            self.media.append(url)
        return 201, {"Location": url}, b""
