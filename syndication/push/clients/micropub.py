"""Micropub (W3C Recommendation, https://www.w3.org/TR/micropub/) with a bearer token.

* create: JSON ``{"type": ["h-entry"], "properties": {...}}`` (§3.3.2), answered 201/202
  with ``Location`` (§3.3.3); the post's ``url`` property is ``Location``;
* update: ``{"action": "update", "url": …, "replace": {...}}`` (§3.4.1);
* delete: ``{"action": "delete", "url": …}`` (§3.5);
* ``q=config`` for the media endpoint (§3.7.1), ``q=source`` to look a post up (§3.7.2);
* discovery: a site URL is resolved to its endpoint by the ``Link: <…>; rel="micropub"``
  header or an HTML ``<link rel="micropub">`` (§5.3).

Idempotent creation, as far as the Recommendation allows. It has no "find the post I created
with this property" query, and a create's answer (``Location``) is the only place the post's
URL is told. So:

1. every create carries an ``mp-slug`` that is unique to this (page, target, create): the
   page's slug, its id and a random suffix chosen when the intent is recorded, before the
   request (``intent_key``), and reused by every retry of that create;
2. the first create a target confirms teaches the target where the server puts a slug: its
   ``Location`` with the slug replaced by ``{slug}`` (``PushTarget.post_url_template``);
3. a retry of a create whose answer was lost (timeout, dropped connection, worker killed)
   first asks ``q=source&url=<predicted URL>`` (§3.7.2); a post there is ours (no one else
   picks that slug) and is adopted; only "no such post" leads to a second create.

What remains possible — a second post after a lost answer — when:

* the server ignores ``mp-slug`` or names posts by a pattern that does not contain it (dates,
  ids only): the URL cannot be predicted;
* the lost create is the first this target ever received (no template learned yet);
* the server does not implement ``q=source`` (optional in the Recommendation) or answers it
  with an error that is neither 200 nor "not found";
* the server queued the post (202) and had not stored it yet when the lookup came.

In all of these the record keeps the ``Location`` it did get, so updates and deletes of
confirmed posts are never duplicated; only an unconfirmed create can be.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin

from wagtail.images import get_image_model

from ..content import PushPost
from .base import FailureKind, PushError, RemotePost, failure_for, send

if TYPE_CHECKING:
    from ..models import PushTarget

_LINK_RE = re.compile(r'<([^>]*)>\s*;[^,]*?rel="?([^";,]*)"?', re.IGNORECASE)


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "a"):
            return
        values = dict(attrs)
        for rel in (values.get("rel") or "").split():
            if values.get("href") and rel.lower() not in self.links:
                self.links[rel.lower()] = values["href"] or ""


def discover_endpoint(site_url: str) -> str | None:
    """The Micropub endpoint a site declares, or None (§5.3: Link header first, then HTML)."""
    response = send("GET", site_url, max_redirects=3)
    if not response.ok:
        return None
    for header in response.headers.getlist("Link"):
        for href, rels in _LINK_RE.findall(header):
            if "micropub" in rels.lower().split():
                return urljoin(response.url, href)
    finder = _LinkFinder()
    finder.feed(response.body.decode("utf-8", "replace"))
    href = finder.links.get("micropub")
    return urljoin(response.url, href) if href else None


SLUG_MARK = "{slug}"


def url_template(location: str, slug: str) -> str:
    """``location`` with ``slug`` replaced by ``{slug}``; "" when the slug is not in it (the
    server does not name posts by ``mp-slug``)."""
    if not slug or location.count(slug) != 1:
        return ""
    return location.replace(slug, SLUG_MARK)


class MicropubClient:
    def __init__(
        self,
        endpoint: str,
        token: str,
        media_endpoint: str = "",
        post_url_template: str = "",
        remember_template: Callable[[str], object] | None = None,
    ):
        self.endpoint = endpoint
        self.media_endpoint = media_endpoint
        self.post_url_template = post_url_template
        self._remember_template = remember_template
        self._token = token

    def __repr__(self) -> str:
        return f"<MicropubClient {self.endpoint}>"

    @classmethod
    def for_target(cls, target: PushTarget, token: str) -> MicropubClient:
        endpoint = target.discovered_endpoint or target.endpoint
        model = type(target)
        client = cls(
            endpoint,
            token,
            target.media_endpoint,
            target.post_url_template,
            lambda template: model.objects.filter(pk=target.pk).update(post_url_template=template),
        )
        if not target.discovered_endpoint:
            client.endpoint = discover_endpoint(target.endpoint) or target.endpoint
            config = client.config()
            client.media_endpoint = str(config.get("media-endpoint") or "")
            type(target).objects.filter(pk=target.pk).update(
                discovered_endpoint=client.endpoint, media_endpoint=client.media_endpoint
            )
        return client

    def _headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}", "Accept": "application/json", **extra}

    def _check(self, response) -> Any:
        if response.ok:
            try:
                return json.loads(response.body) if response.body else {}
            except ValueError:
                return {}
        message = ""
        try:
            payload = json.loads(response.body)
            message = payload.get("error_description") or payload.get("error") or ""
        except (ValueError, AttributeError):
            message = response.body[:200].decode("utf-8", "replace")
        raise failure_for(response, message)

    def _post_json(self, body: dict) -> Any:
        response = send(
            "POST",
            self.endpoint,
            headers=self._headers(**{"Content-Type": "application/json"}),
            data=json.dumps(body).encode(),
        )
        return response, self._check(response)

    def config(self) -> dict:
        url = f"{self.endpoint}{'&' if '?' in self.endpoint else '?'}q=config"
        response = send("GET", url, headers=self._headers())
        return self._check(response) or {}

    @staticmethod
    def _properties(post: PushPost, media_id: str) -> dict[str, list]:
        properties: dict[str, list] = {
            "name": [post.title],
            "content": [{"html": post.html}],
            "summary": [post.excerpt] if post.excerpt else [],
            "category": [*post.tags, *post.categories],
            "syndication": [post.canonical_url],
        }
        if post.published:
            properties["published"] = [post.published]
        if media_id:
            properties["photo"] = [media_id]
        return {name: value for name, value in properties.items() if value}

    @staticmethod
    def intent_key(post: PushPost) -> str:
        """The ``mp-slug`` of a new create: unique to this page, target and create."""
        return f"{post.slug}-{secrets.token_hex(4)}"

    def predicted_url(self, intent_key: str) -> str:
        if intent_key.startswith(("http://", "https://")):
            return intent_key  # a Location recorded earlier
        if not self.post_url_template:
            return ""
        return self.post_url_template.replace(SLUG_MARK, intent_key)

    def find(self, intent_key: str) -> RemotePost | None:
        """The post a lost create made, by the URL predicted from its ``mp-slug``:
        ``q=source`` answers 200 if a post lives there (§3.7.2)."""
        url = self.predicted_url(intent_key)
        if not url:
            return None
        query = urlencode({"q": "source", "url": url})
        endpoint = f"{self.endpoint}{'&' if '?' in self.endpoint else '?'}{query}"
        response = send("GET", endpoint, headers=self._headers())
        if response.status in (400, 404, 410):
            return None  # invalid_request "no such post" (§4.1), or plain not found / gone
        found = self._check(response)
        properties = found.get("properties") if isinstance(found, dict) else None
        if not isinstance(properties, dict):
            return None  # not a post (§3.7.2 answers with its properties)
        return RemotePost(url, url)

    def create(self, post: PushPost, intent_key: str, media_id: str) -> RemotePost:
        body = {
            "type": ["h-entry"],
            "properties": {**self._properties(post, media_id), "mp-slug": [intent_key]},
        }
        response, _ = self._post_json(body)
        location = response.headers.get("Location")
        if response.status not in (201, 202) or not location:
            raise PushError(
                FailureKind.TRANSIENT,
                f"HTTP {response.status}: the server created no post (no Location).",
                status_code=response.status,
            )
        url = urljoin(self.endpoint, location)
        learned = url_template(url, intent_key)
        if learned and learned != self.post_url_template:
            self.post_url_template = learned
            if self._remember_template is not None:
                self._remember_template(learned)
        return RemotePost(url, url)

    def update(self, remote: RemotePost, post: PushPost, media_id: str) -> RemotePost:
        self._post_json(
            {
                "action": "update",
                "url": remote.remote_id,
                "replace": self._properties(post, media_id),
            }
        )
        return remote

    def withdraw(self, remote: RemotePost, action: str) -> None:
        self.delete(remote)  # Micropub has no draft state in the Recommendation

    def delete(self, remote: RemotePost) -> None:
        response = send(
            "POST",
            self.endpoint,
            headers=self._headers(**{"Content-Type": "application/json"}),
            data=json.dumps({"action": "delete", "url": remote.remote_id}).encode(),
        )
        if response.status in (404, 410):
            return
        self._check(response)

    def upload_media(self, image_id: int) -> str:
        """Upload to the media endpoint when the server has one (§3.6); else no photo."""
        if not self.media_endpoint:
            return ""
        image = get_image_model().objects.filter(pk=image_id).first()
        if image is None:
            return ""
        filename = PurePath(image.file.name).name
        with image.open_file() as handle:
            data = handle.read()
        boundary = secrets.token_hex(12)
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        response = send(
            "POST",
            self.media_endpoint,
            headers=self._headers(**{"Content-Type": f"multipart/form-data; boundary={boundary}"}),
            data=body,
        )
        self._check(response)
        location = response.headers.get("Location", "")
        return urljoin(self.media_endpoint, location) if location else ""
