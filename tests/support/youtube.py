"""YouTube's Data API v3 and Google's OAuth token endpoint on loopback, for the push tests.

Every Data API request is validated against YouTube's discovery document (``youtube.v3.json``
as bundled in ``google-api-python-client``; ``tests/support/apidoc.py``): method, path,
parameters and the request body, including the fields the document marks as required for
``videos.update``. The token endpoint follows RFC 6749 §6 (refresh-token grant, form-encoded).
A request that breaks the document lands in ``violations`` and is answered 400.

The fake keeps the project's quota like Google does (10,000 units per Pacific day by default;
``videos.list`` 1, ``videos.update`` 50; ``403 quotaExceeded`` past it), and ``videos.update``
behaves as documented: the snippet is replaced whole, ``title`` and ``categoryId`` required.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from .apidoc import DiscoveryDocument
from .loopback import LoopbackServer

PACIFIC = ZoneInfo("America/Los_Angeles")
COST = {"youtube.videos.list": 1, "youtube.videos.update": 50}


class FakeYouTube:
    def __init__(
        self,
        document: dict,
        *,
        client_id: str = "kanal-client.apps.googleusercontent.com",
        client_secret: str = "kanal-client-secret",
        refresh_token: str = "kanal-refresh-token",
        channel_id: str = "UCkanalKanalKanalKanal00",
        daily_quota: int = 10000,
    ):
        self.api = DiscoveryDocument(document)
        self.client_id, self.client_secret = client_id, client_secret
        self.refresh_token = refresh_token
        self.channel_id = channel_id
        self.daily_quota = daily_quota
        self.access_ttl = 3599
        self.access: dict[str, float] = {}
        self.videos: dict[str, dict] = {}
        self.spent: dict[str, int] = {}  # Pacific day -> units
        self.calls: list[str] = []
        self.updates: dict[str, int] = {}  # video id -> number of videos.update
        self.violations: list[str] = []
        self.refreshes = 0
        self.scripted: list[tuple[str, int, dict]] = []
        self.delays: dict[str, float] = {}  # method id -> seconds the answer waits
        self.lock = threading.Lock()
        self.server = LoopbackServer(self._handle)
        self.server.server.handle_error = lambda request, address: None  # timed-out clients

    @property
    def root_url(self) -> str:
        return self.server.url("/")

    @property
    def token_url(self) -> str:
        return self.server.url("/token")

    def __enter__(self) -> FakeYouTube:
        self.server.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.server.__exit__(*exc)

    def add_video(self, video_id: str, *, channel_id: str | None = None, **snippet) -> dict:
        video = {
            "kind": "youtube#video",
            "etag": secrets.token_hex(8),
            "id": video_id,
            "snippet": {
                "channelId": channel_id or self.channel_id,
                "title": "Original",
                "description": "",
                "categoryId": "27",
                "defaultLanguage": "sv",
                **snippet,
            },
        }
        self.videos[video_id] = video
        return video

    def script(self, method_id: str, status: int, error: dict) -> None:
        self.scripted.append((method_id, status, error))

    def slow(self, method_id: str, seconds: float) -> None:
        """Answer ``method_id`` only after ``seconds`` (a slow or hanging Google)."""
        self.delays[method_id] = seconds

    def revoke_access(self) -> None:
        with self.lock:
            self.access.clear()

    @staticmethod
    def today() -> str:
        return datetime.now(UTC).astimezone(PACIFIC).date().isoformat()

    def spent_today(self) -> int:
        return self.spent.get(self.today(), 0)

    # -- protocol ---------------------------------------------------------------------------

    @staticmethod
    def _json(status: int, payload) -> tuple:
        return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()

    def _error(self, status: int, reason: str, message: str, domain: str = "youtube.video"):
        return self._json(
            status,
            {
                "error": {
                    "code": status,
                    "message": message,
                    "errors": [{"message": message, "domain": domain, "reason": reason}],
                }
            },
        )

    def _handle(self, request):
        parts = urlsplit(request.path)
        path = unquote(parts.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        if path == "/token":
            return self._token(request)
        problems = self.api.validate(request.command, path, query, request.body)
        if problems:
            with self.lock:
                self.violations.extend(problems)
            return self._error(400, "badRequest", "; ".join(problems), "global")
        method, _values = self.api.method(request.command, path)
        method_id = method["id"]
        if self.delays.get(method_id):
            time.sleep(self.delays[method_id])
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        with self.lock:
            if self.access.get(token, 0) <= time.time():
                return self._error(401, "authError", "Invalid Credentials", "global")
            for i, (scripted_id, status, error) in enumerate(self.scripted):
                if scripted_id == method_id:
                    del self.scripted[i]
                    return self._error(status, error["reason"], error.get("message", ""))
            day = self.today()
            cost = COST.get(method_id, 1)
            if self.spent.get(day, 0) + cost > self.daily_quota:
                return self._error(
                    403,
                    "quotaExceeded",
                    "The request cannot be completed because you have exceeded your quota.",
                    "youtube.quota",
                )
            self.spent[day] = self.spent.get(day, 0) + cost
            self.calls.append(method_id)
        if method_id == "youtube.videos.list":
            ids = ",".join(query.get("id", [])).split(",")
            items = [self.videos[i] for i in ids if i in self.videos]
            return self._json(
                200,
                {
                    "kind": "youtube#videoListResponse",
                    "items": items,
                    "pageInfo": {"totalResults": len(items)},
                },
            )
        if method_id == "youtube.videos.update":
            return self._update(json.loads(request.body))
        return self._error(400, "badRequest", f"{method_id} is not implemented by the fake")

    def _token(self, request):
        form = {
            k: v[-1] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()
        }
        if not request.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            self.violations.append(
                "token: body must be application/x-www-form-urlencoded (RFC 6749 §6)"
            )
            return self._json(400, {"error": "invalid_request"})
        missing = [k for k in ("grant_type", "refresh_token") if not form.get(k)]
        if missing:
            self.violations.append(f"token: missing {missing} (RFC 6749 §6)")
            return self._json(400, {"error": "invalid_request"})
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return self._json(401, {"error": "invalid_client", "error_description": "Unauthorized"})
        if form["grant_type"] != "refresh_token" or form["refresh_token"] != self.refresh_token:
            return self._json(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        access = secrets.token_hex(20)
        with self.lock:
            self.refreshes += 1
            self.access[access] = time.time() + self.access_ttl
        return self._json(
            200,
            {
                "access_token": access,
                "expires_in": self.access_ttl,
                "token_type": "Bearer",
                "scope": "https://www.googleapis.com/auth/youtube",
            },
        )

    def _update(self, body: dict):
        video = self.videos.get(body["id"])
        if video is None:
            return self._error(
                404, "videoNotFound", "The video that you are trying to update cannot be found."
            )
        snippet = body.get("snippet") or {}
        if not snippet.get("title"):
            return self._error(
                400,
                "invalidTitle",
                "The request metadata specifies an invalid or empty video title.",
            )
        if not snippet.get("categoryId"):
            return self._error(
                400,
                "invalidCategoryId",
                "The snippet.categoryId property specifies an invalid category ID.",
            )
        with self.lock:
            # videos.update replaces the whole part: what is not sent is gone.
            video["snippet"] = {"channelId": video["snippet"]["channelId"], **snippet}
            self.updates[body["id"]] = self.updates.get(body["id"], 0) + 1
        return self._json(200, video)
