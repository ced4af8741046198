"""WordPress through its REST API (``wp/v2``) with an application password.

Routes are addressed as ``/?rest_route=/wp/v2/…`` so they work with and without pretty
permalinks (https://developer.wordpress.org/rest-api/key-concepts/#routes-endpoints).
Authentication is HTTP Basic with an application password
(https://make.wordpress.org/core/2020/11/05/application-passwords-integration-guide/).

Idempotent creation: each post is created with a deterministic slug (the record's
``intent_key``); a retry whose create response was lost finds the post by that slug
(``status`` any but trash) instead of creating a second one.
"""

from __future__ import annotations

import base64
import json
import mimetypes
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from wagtail.images import get_image_model

from ..content import PushPost
from .base import FailureKind, PushError, RemotePost, failure_for, send

LOOKUP_STATUSES = "publish,future,draft,pending,private"


def _gmt(value: str) -> str:
    """ISO 8601 (any offset, or a bare date) -> WordPress' ``date_gmt`` (naive UTC)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


class WordPressClient:
    def __init__(self, site_url: str, username: str, password: str):
        self.site_url = site_url.rstrip("/")
        self._auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
        self._term_cache: dict[tuple[str, str], int] = {}

    def __repr__(self) -> str:
        return f"<WordPressClient {self.site_url}>"

    # -- plumbing -------------------------------------------------------------------------

    def _url(self, route: str, **params: Any) -> str:
        query = urlencode({"rest_route": route, **params}, safe="/,")
        return f"{self.site_url}/?{query}"

    def _call(
        self,
        method: str,
        route: str,
        *,
        params: dict | None = None,
        body: dict | None = None,
        raw: bytes | None = None,
        headers: dict | None = None,
        ok_statuses: tuple[int, ...] = (),
    ) -> Any:
        send_headers = {"Authorization": self._auth, "Accept": "application/json"}
        data = raw
        if body is not None:
            send_headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        send_headers.update(headers or {})
        response = send(method, self._url(route, **(params or {})), headers=send_headers, data=data)
        try:
            payload = json.loads(response.body or b"null")
        except ValueError:
            payload = None
        if response.ok or response.status in ok_statuses:
            return payload
        message = ""
        if isinstance(payload, dict):
            message = str(payload.get("message") or payload.get("code") or "")
        error = failure_for(response, message or response.body[:200].decode("utf-8", "replace"))
        error.payload = payload
        raise error

    # -- terms ----------------------------------------------------------------------------

    def _term_id(self, taxonomy: str, name: str) -> int:
        """The id of the tag/category called ``name``, created when missing."""
        key = (taxonomy, name.casefold())
        if key in self._term_cache:
            return self._term_cache[key]
        found = self._call("GET", f"/wp/v2/{taxonomy}", params={"search": name, "per_page": 100})
        for term in found or []:
            if str(term.get("name", "")).casefold() == name.casefold():
                self._term_cache[key] = term["id"]
                return term["id"]
        try:
            created = self._call("POST", f"/wp/v2/{taxonomy}", body={"name": name})
            term_id = created["id"]
        except PushError as exc:
            # Created meanwhile (or the search missed an HTML-escaped name): WordPress answers
            # 400 term_exists with the existing id.
            term_id = self._existing_term(exc)
            if term_id is None:
                raise
        self._term_cache[key] = term_id
        return term_id

    @staticmethod
    def _existing_term(exc: PushError) -> int | None:
        payload = getattr(exc, "payload", None)
        if isinstance(payload, dict) and payload.get("code") == "term_exists":
            term_id = (payload.get("data") or {}).get("term_id")
            return int(term_id) if term_id else None
        return None

    def _terms(self, post: PushPost) -> dict[str, list[int]]:
        return {
            "tags": [self._term_id("tags", name) for name in post.tags],
            "categories": [self._term_id("categories", name) for name in post.categories],
        }

    # -- posts ----------------------------------------------------------------------------

    def _body(self, post: PushPost, media_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": post.title,
            "content": post.html,
            "excerpt": post.excerpt,
            "status": "publish",
            **self._terms(post),
        }
        if post.published:
            body["date_gmt"] = _gmt(post.published)
        if media_id:
            body["featured_media"] = int(media_id)
        return body

    @staticmethod
    def _remote(payload: dict) -> RemotePost:
        return RemotePost(str(payload["id"]), str(payload.get("link") or ""))

    def find(self, intent_key: str) -> RemotePost | None:
        found = self._call(
            "GET",
            "/wp/v2/posts",
            params={"slug": intent_key, "status": LOOKUP_STATUSES, "context": "edit"},
        )
        return self._remote(found[0]) if found else None

    def create(self, post: PushPost, intent_key: str, media_id: str) -> RemotePost:
        body = {**self._body(post, media_id), "slug": intent_key}
        return self._remote(self._call("POST", "/wp/v2/posts", body=body))

    def update(self, remote: RemotePost, post: PushPost, media_id: str) -> RemotePost:
        return self._remote(
            self._call("POST", f"/wp/v2/posts/{remote.remote_id}", body=self._body(post, media_id))
        )

    def withdraw(self, remote: RemotePost, action: str) -> None:
        if action == "trash":
            self.delete(remote)
            return
        self._call("POST", f"/wp/v2/posts/{remote.remote_id}", body={"status": "draft"})

    def delete(self, remote: RemotePost) -> None:
        # Without force=true WordPress moves the post to the trash (restorable by its editors);
        # a post already trashed or gone counts as done.
        self._call("DELETE", f"/wp/v2/posts/{remote.remote_id}", ok_statuses=(404, 410))

    def upload_media(self, image_id: int) -> str:
        image = get_image_model().objects.filter(pk=image_id).first()
        if image is None:
            raise PushError(FailureKind.CONTENT, f"Image {image_id} no longer exists.")
        filename = PurePath(image.file.name).name
        with image.open_file() as handle:
            data = handle.read()
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        payload = self._call(
            "POST",
            "/wp/v2/media",
            raw=data,
            headers={
                "Content-Type": content_type,
                "Content-Disposition": f'attachment; filename="{filename}"',
            },
        )
        if image.default_alt_text:
            self._call(
                "POST", f"/wp/v2/media/{payload['id']}", body={"alt_text": image.default_alt_text}
            )
        return str(payload["id"])
