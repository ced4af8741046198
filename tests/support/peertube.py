"""A PeerTube instance on loopback for the push tests: the endpoints Kanal uses, every request
validated against PeerTube's published OpenAPI document (``tests/support/apidoc.py``).

Endpoints: ``GET /api/v1/oauth-clients/local``, ``POST /api/v1/users/token`` (password and
refresh grants), ``GET /api/v1/video-channels/{handle}``, ``POST /api/v1/videos/imports``,
``GET /api/v1/users/me/videos/imports``, ``GET|PUT|DELETE /api/v1/videos/{id}``, and the watch
page ``/w/{shortUUID}``. A request the document does not allow is recorded in ``violations``
and answered 400, so a test fails loudly when Kanal drifts from the API.

Knobs: ``access_ttl`` (seconds an access token lives), ``revoke_access()`` (the next call
gets 401), ``script(method, prefix, status, body)`` (scripted answers: 409/400/5xx),
``slow(prefix, seconds)``, ``import_outcome`` (``"success"``, or ``("failed", reason)``)
and ``import_polls`` (how many times an import is seen pending before it finishes),
``import_answer_delay`` (the import is committed, then the answer waits: the window in which
a killed worker loses the response).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from urllib.parse import parse_qs, unquote, urlsplit

from .apidoc import OpenAPIDocument, _form_fields
from .loopback import LoopbackServer

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def short_uuid() -> str:
    return "".join(secrets.choice(BASE58) for _ in range(22))


class FakePeerTube:
    def __init__(
        self,
        document: dict,
        *,
        username: str = "kanal",
        password: str = "peertube-password",
        channel: str = "kanal_channel",
    ):
        self.api = OpenAPIDocument(document)
        self.username, self.password, self.channel = username, password, channel
        self.channel_id = 7
        self.client_id = secrets.token_hex(16)  # 32 lower-case hex characters
        self.client_secret = secrets.token_hex(16)
        self.access_ttl = 3600
        self.access: dict[str, float] = {}  # token -> expires at (time.time())
        self.refresh: set[str] = set()
        self.videos: dict[str, dict] = {}  # uuid -> video
        self.imports: list[dict] = []
        self.import_outcome: str | tuple[str, str] = "success"
        self.import_polls = 0
        self.import_answer_delay = 0.0
        self.violations: list[str] = []
        self.log: list[tuple[str, str]] = []
        self.grants: list[str] = []
        self.scripted: list[tuple[str, str, int, dict]] = []
        self.delays: dict[str, float] = {}
        self.lock = threading.Lock()
        self.server = LoopbackServer(self._handle)
        self.server.server.handle_error = lambda request, address: None  # killed clients

    # -- test controls ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.server.url("").rstrip("/")

    def __enter__(self) -> FakePeerTube:
        self.server.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.server.__exit__(*exc)

    def revoke_access(self) -> None:
        with self.lock:
            self.access.clear()

    def revoke_all(self) -> None:
        with self.lock:
            self.access.clear()
            self.refresh.clear()

    def script(self, method: str, prefix: str, status: int, body: dict | None = None) -> None:
        self.scripted.append((method, prefix, status, body or {}))

    def slow(self, prefix: str, seconds: float) -> None:
        self.delays[prefix] = seconds

    def add_video(self, name: str = "Befintlig video", **fields) -> dict:
        """A video already on the instance (e.g. one Kanal pulled from it)."""
        video = self._new_video(name=name, **fields)
        video["state"] = 1
        self.videos[video["uuid"]] = video
        return video

    def watch_url(self, video: dict) -> str:
        return f"{self.url}/w/{video['shortUUID']}"

    def imports_of(self, target_url: str) -> list[dict]:
        return [i for i in self.imports if i["targetUrl"] == target_url]

    # -- protocol ---------------------------------------------------------------------------

    @staticmethod
    def _json(status: int, payload, **headers):
        return status, {"Content-Type": "application/json", **headers}, json.dumps(payload).encode()

    def _problem(self, status: int, detail: str, code: str | None = None, **extra):
        payload = {"status": status, "detail": detail, "title": "Error", "type": "about:blank"}
        if code:
            payload["code"] = code
        payload.update(extra)
        return status, {"Content-Type": "application/problem+json"}, json.dumps(payload).encode()

    def _new_video(self, **fields) -> dict:
        ident = str(uuid.uuid4())
        video = {
            "id": len(self.videos) + 1,
            "uuid": ident,
            "shortUUID": short_uuid(),
            "name": "",
            "description": "",
            "tags": [],
            "category": None,
            "language": None,
            "privacy": 1,
            "channelId": self.channel_id,
            "thumbnail": None,
            "state": 2,  # 2 = "to transcode"/importing; 1 = published
        }
        video.update(fields)
        return video

    def _find_video(self, ref: str) -> dict | None:
        for video in self.videos.values():
            if ref in (video["uuid"], video["shortUUID"], str(video["id"])):
                return video
        return None

    def _authorised(self, request) -> bool:
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        with self.lock:
            expires = self.access.get(token)
        return expires is not None and expires > time.time()

    def _handle(self, request):
        parts = urlsplit(request.path)
        path, query = unquote(parts.path), parse_qs(parts.query, keep_blank_values=True)
        method = request.command
        content_type = request.headers.get("Content-Type", "")
        with self.lock:
            self.log.append((method, path))
        if path.startswith("/w/"):
            return 200, {"Content-Type": "text/html"}, b"<html>video</html>"
        problems = self.api.validate(method, path, query, content_type, request.body)
        if problems:
            with self.lock:
                self.violations.extend(problems)
            return self._problem(
                400, "Request does not match the API document: " + "; ".join(problems)
            )
        for prefix, seconds in self.delays.items():
            if path.startswith(prefix):
                time.sleep(seconds)
        with self.lock:
            for i, (s_method, prefix, status, body) in enumerate(self.scripted):
                if s_method == method and path.startswith(prefix):
                    del self.scripted[i]
                    return self._problem(status, body.get("detail", "scripted"), body.get("code"))
        if path == "/api/v1/oauth-clients/local":
            return self._json(
                200, {"client_id": self.client_id, "client_secret": self.client_secret}
            )
        if path == "/api/v1/users/token":
            return self._token(_form_fields(content_type, request.body))
        if not self._authorised(request):
            return self._problem(401, "Token is invalid.", "invalid_token")
        if path.startswith("/api/v1/video-channels/"):
            handle = path.rsplit("/", 1)[-1]
            if handle != self.channel:
                return self._problem(404, "Video channel not found")
            return self._json(200, {"id": self.channel_id, "name": handle, "displayName": handle})
        if path == "/api/v1/videos/imports":
            return self._import(_form_fields(content_type, request.body))
        if path == "/api/v1/users/me/videos/imports":
            return self._list_imports(query)
        if path.startswith("/api/v1/videos/"):
            return self._video(method, path.rsplit("/", 1)[-1], content_type, request.body)
        return self._problem(404, "Not found")

    def _token(self, form: dict[str, list]):
        field = {k: v[-1] for k, v in form.items()}
        if (field.get("client_id"), field.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return self._problem(400, "Invalid client", "invalid_client")
        grant = field.get("grant_type")
        with self.lock:
            self.grants.append(grant)
            if grant == "password":
                if (field.get("username"), field.get("password")) != (self.username, self.password):
                    return self._problem(
                        400, "Invalid grant: user credentials are invalid", "invalid_grant"
                    )
            elif grant == "refresh_token":
                if field.get("refresh_token") not in self.refresh:
                    return self._problem(
                        400, "Invalid grant: refresh token is invalid", "invalid_grant"
                    )
                self.refresh.discard(field["refresh_token"])
            else:
                return self._problem(400, "Unsupported grant type", "unsupported_grant_type")
            access, refresh = secrets.token_hex(20), secrets.token_hex(20)
            self.access[access] = time.time() + self.access_ttl
            self.refresh.add(refresh)
        return self._json(
            200,
            {
                "token_type": "Bearer",
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": self.access_ttl,
                "refresh_token_expires_in": 1209600,
            },
        )

    @staticmethod
    def _fields(form: dict[str, list]) -> dict:
        out = {}
        for name, values in form.items():
            if name == "tags":
                out["tags"] = list(values)
            elif name in ("category", "privacy", "channelId"):
                out[name] = int(values[-1])
            elif name == "thumbnailfile":
                out["thumbnail"] = values[-1]
            else:
                out[name] = values[-1]
        return out

    def _import(self, form: dict[str, list]):
        fields = self._fields(form)
        if fields.get("channelId") != self.channel_id:
            return self._problem(403, "Cannot import in a channel you do not own")
        with self.lock:
            video = self._new_video(
                **{k: v for k, v in fields.items() if k not in ("targetUrl", "channelId")}
            )
            self.videos[video["uuid"]] = video
            item = {
                "id": len(self.imports) + 1,
                "targetUrl": fields["targetUrl"],
                "state": {"id": 1, "label": "Pending"},
                "error": "",
                "polls": 0,
                "video_uuid": video["uuid"],
                "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            self.imports.append(item)
        if self.import_answer_delay:
            time.sleep(self.import_answer_delay)
        return self._json(
            200,
            {"video": {"id": video["id"], "uuid": video["uuid"], "shortUUID": video["shortUUID"]}},
        )

    def _advance(self, item: dict) -> None:
        if item["state"]["id"] != 1:
            return
        if item["polls"] < self.import_polls:
            item["polls"] += 1
            return
        video = self.videos.get(item["video_uuid"])
        if self.import_outcome == "success":
            item["state"] = {"id": 2, "label": "Success"}
            if video:
                video["state"] = 1
        else:
            item["state"] = {"id": 3, "label": "Failed"}
            item["error"] = self.import_outcome[1]

    def _list_imports(self, query: dict[str, list[str]]):
        target = (query.get("targetUrl") or [None])[-1]
        with self.lock:
            found = [i for i in self.imports if target is None or i["targetUrl"] == target]
            data = []
            for item in sorted(found, key=lambda i: -i["id"]):
                self._advance(item)
                video = self.videos.get(item["video_uuid"])
                data.append(
                    {
                        "id": item["id"],
                        "targetUrl": item["targetUrl"],
                        "state": item["state"],
                        "error": item["error"],
                        "createdAt": item["createdAt"],
                        "video": (
                            {
                                "id": video["id"],
                                "uuid": video["uuid"],
                                "shortUUID": video["shortUUID"],
                                "name": video["name"],
                            }
                            if video
                            else None
                        ),
                    }
                )
        return self._json(200, {"total": len(data), "data": data})

    def _video(self, method: str, ref: str, content_type: str, body: bytes):
        with self.lock:
            video = self._find_video(ref)
            if video is None:
                return self._problem(404, "Video not found")
            if method == "GET":
                shown = {k: v for k, v in video.items() if k != "thumbnail"}
                return self._json(200, shown)
            if method == "DELETE":
                del self.videos[video["uuid"]]
                return 204, {}, b""
            video.update(self._fields(_form_fields(content_type, body)))
            return 204, {}, b""
