"""What the two video targets share: the video's metadata from the page's shared shape, the
record and its video state, the OAuth session at rest, and their registration with the
push engine (``engine.register_performer``).

A video target is a push target like a blog (same ``PushDelivery`` rows, leases, retries,
stale-version drop, supersession by a newer delivery of the same page), but what it does
differs enough from "create/update/delete a post" that each has its own ``perform``:
PeerTube imports by URL and keeps the copy in step (``peertube.py``); YouTube only edits
the snippet of a video the channel already owns, within a daily quota (``youtube.py``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from .. import http
from . import credentials
from .clients.base import FailureKind, PushError, RemotePost
from .engine import (
    DELETE_TYPES,
    PUBLISH_TYPES,
    _action,
    _done,
    _superseded,
    delivered_representation,
    is_publicly_viewable,
    record_failed,
)
from .models import PushDelivery, PushOptOut, RecordStatus, SyndicationRecord
from .video_models import VideoChannel, VideoRecordState

PUBLISH, WITHDRAW, DELETE = "publish", "withdraw", "delete"


@dataclass(frozen=True)
class VideoMeta:
    """One revision of a VideoPage, as the video channels see it."""

    page_id: int
    revision: int | None
    title: str
    description: str  # plain text, as the editor typed it
    html_url: str  # the canonical page on Kanal (or KANAL_FRONTEND_URL)
    tags: list[str] = field(default_factory=list)
    video_url: str = ""
    provider: str = ""
    video_id: str = ""
    poster_image_id: int | None = None
    language: str = ""

    def fingerprint(self, *extra: Any) -> str:
        payload = json.dumps([asdict(self) | {"revision": None}, extra], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def video_meta(data: dict[str, Any]) -> VideoMeta:
    """``data`` is the page's representation (``cms.representation``) at the pushed revision."""
    video = data.get("video") or {}
    poster = data.get("poster_image") or {}
    return VideoMeta(
        page_id=data["id"],
        revision=data["meta"].get("revision"),
        title=data["title"],
        description=data.get("description") or "",
        html_url=data["meta"]["html_url"],
        tags=list(data.get("tags") or []),
        video_url=video.get("url") or "",
        provider=video.get("provider") or "",
        video_id=video.get("video_id") or "",
        poster_image_id=poster.get("id") if isinstance(poster, dict) else None,
        language=data["meta"].get("locale") or "",
    )


def markdown_description(meta: VideoMeta, limit: int) -> str:
    """The page's description as Markdown, closed by a link back to the page on Kanal.

    The description is the editor's plain text; Markdown's own characters in it are left as
    typed (PeerTube renders a safe Markdown subset). Cut to ``limit`` characters, the link
    back always kept."""
    first_published_at = _("First published at")
    link = f"{first_published_at} [{meta.html_url}]({meta.html_url})"
    text = meta.description.strip()
    room = limit - len(link) - 2
    if len(text) > room:
        text = text[: max(room - 1, 0)].rstrip() + "…"
    return f"{text}\n\n{link}" if text else link


@dataclass
class Job:
    """A claimed video delivery, resolved: what to do with which page at which revision."""

    delivery: PushDelivery
    record: SyndicationRecord
    state: VideoRecordState
    channel: VideoChannel
    action: str
    page: Page | None
    meta: VideoMeta | None


def prepare(delivery: PushDelivery) -> Job | None:
    """The job for ``delivery``, or None when it is stale, superseded by a newer one, or not
    about a VideoPage."""
    target = delivery.target
    page = Page.objects.filter(pk=delivery.page_id).specific().first()
    if page is not None and not hasattr(page, "video_url"):
        return None  # only VideoPages go to video channels: nothing to do, nothing recorded
    rec, _created = SyndicationRecord.objects.get_or_create(page_id=delivery.page_id, target=target)
    if delivery.version < rec.last_version or _superseded(delivery):
        return None
    state, _created = VideoRecordState.objects.get_or_create(record=rec)
    channel = VideoChannel.objects.filter(target=target).first()
    if channel is None:
        raise PushError(
            FailureKind.CONTENT,
            f"The target {target.name!r} has no channel configured (manage.py video_targets).",
        )
    event_type = _action(delivery)
    if event_type in DELETE_TYPES:
        action = DELETE
    elif event_type in PUBLISH_TYPES and (
        page is not None
        and is_publicly_viewable(page)
        and not PushOptOut.objects.filter(page_id=page.pk).exists()
    ):
        action = PUBLISH
    else:
        action = WITHDRAW
    meta = None
    if action == PUBLISH:
        data = delivered_representation(page, delivery)
        if "video" not in data:
            raise PushError(
                FailureKind.CONTENT, _("Only video pages can be sent to a video channel.")
            )
        meta = video_meta(data)
    rec.attempts += 1
    rec.save(update_fields=["attempts", "updated_at"])
    return Job(delivery, rec, state, channel, action, page, meta)


# -- the OAuth session at rest -------------------------------------------------------------


class Session:
    """The OAuth session of one channel: a dict kept Fernet-encrypted on ``VideoChannel``.

    Without ``KANAL_CREDENTIALS_KEY`` (credentials from the environment only) nothing can be
    stored encrypted, so the session lives in this process only and is renewed on start."""

    _memory: dict[int, dict[str, Any]] = {}

    def __init__(self, channel: VideoChannel):
        self.channel = channel
        self.data: dict[str, Any] = {}
        if channel.session_encrypted:
            try:
                self.data = json.loads(credentials.decrypt(channel.session_encrypted))
            except credentials.CredentialsError:
                self.data = {}
        else:
            self.data = dict(self._memory.get(channel.pk, {}))

    def access_token(self, now: datetime, margin: timedelta) -> str | None:
        """The access token while it is valid for at least ``margin`` more."""
        token = self.data.get("access_token")
        expires = self.channel.access_expires_at
        if token and expires and expires - margin > now:
            return token
        return None

    def store(self, now: datetime, **values: Any) -> None:
        self.data.update(values)
        expires_in = values.get("expires_in")
        if expires_in is not None:
            self.channel.access_expires_at = now + timedelta(seconds=int(expires_in))
        try:
            self.channel.session_encrypted = credentials.encrypt(json.dumps(self.data))
        except credentials.CredentialsError:
            self._memory[self.channel.pk] = dict(self.data)
            self.channel.session_encrypted = ""
        VideoChannel.objects.filter(pk=self.channel.pk).update(
            session_encrypted=self.channel.session_encrypted,
            access_expires_at=self.channel.access_expires_at,
        )

    def forget_access(self) -> None:
        self.data.pop("access_token", None)
        self.channel.access_expires_at = None


def now() -> datetime:
    return timezone.now()


# -- HTTP, through the safe client -----------------------------------------------------------

CONNECT_TIMEOUT = 3.0
TOTAL_TIMEOUT = 30.0  # a whole request, body included; a slower answer is a TRANSIENT failure
MAX_RESPONSE_BYTES = 2 * 1024 * 1024


def send(
    method: str, url: str, *, headers: dict[str, str] | None = None, data: bytes | None = None
) -> http.HttpResponse:
    """One request through ``syndication.http``; network failures become TRANSIENT errors."""
    try:
        return http.request(
            method,
            url,
            headers=headers,
            data=data,
            connect_timeout=CONNECT_TIMEOUT,
            total_timeout=TOTAL_TIMEOUT,
            max_bytes=MAX_RESPONSE_BYTES,
        )
    except http.UnsafeURLError as exc:
        raise PushError(FailureKind.CONTENT, f"Refused by the address check: {exc}") from exc
    except http.HttpError as exc:
        raise PushError(FailureKind.TRANSIENT, f"{type(exc).__name__}: {exc}") from exc


FilePart = tuple[str, bytes, str]  # filename, content, content type


def multipart(fields: list[tuple[str, str | FilePart]]) -> tuple[bytes, str]:
    """``multipart/form-data`` (RFC 7578): repeated names for arrays (OpenAPI's default
    ``form``/``explode`` encoding), files as ``(filename, bytes, content type)``."""
    boundary = f"kanal-{secrets.token_hex(12)}"
    out = bytearray()
    for name, value in fields:
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, tuple):
            filename, content, content_type = value
            out += (
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            out += content
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            out += value.encode("utf-8")
        out += b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def json_body(response: http.HttpResponse) -> dict[str, Any]:
    try:
        payload = json.loads(response.body or b"{}")
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def done(job: Job, status: str, *, remote_id: str = "", remote_url: str = "", forget=False):
    """Close a successful attempt on the record (the engine's ``_done``: event, cache bump)."""
    remote = RemotePost(remote_id, remote_url) if remote_id else None
    revision = job.meta.revision if job.meta else None
    _done(job.record, job.delivery, status, remote, revision=revision, forget=forget)


def fail_record(job: Job, message: str) -> None:
    """Say on the record what went wrong remotely, without failing the delivery (the
    delivery itself succeeded in finding out)."""
    SyndicationRecord.objects.filter(pk=job.record.pk).update(
        status=RecordStatus.FAILED, last_error=message, updated_at=timezone.now()
    )
    record_failed(job.delivery, message)
