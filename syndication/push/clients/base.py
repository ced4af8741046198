"""What every push client does, and the errors it reports.

A client turns a ``PushPost`` into requests against one kind of remote (WordPress, Micropub)
through the safe client ``syndication.http`` — never its own HTTP library. It never decides
about retries: it raises ``PushError`` with a ``kind`` and the delivery policy decides.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from ... import http
from ..content import PushPost

CONNECT_TIMEOUT = 3.0
TOTAL_TIMEOUT = 30.0
MAX_RESPONSE_BYTES = 2 * 1024 * 1024


class FailureKind(enum.Enum):
    AUTH = "auth"  # 401/403: the credentials are refused — stop after a few attempts
    THROTTLED = "throttled"  # 429/503: wait for Retry-After
    CONTENT = "content"  # another 4xx: the remote refuses this post; retrying will not help
    TRANSIENT = "transient"  # 5xx, timeouts, refused connections: retry with backoff


class PushError(Exception):
    def __init__(
        self,
        kind: FailureKind,
        message: str,
        *,
        status_code: int | None = None,
        retry_after: str | None = None,
    ):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status_code = status_code
        self.retry_after = retry_after


@dataclass(frozen=True)
class RemotePost:
    remote_id: str
    remote_url: str


class PushClient(Protocol):
    """``intent_key(post) -> str`` is optional: the key a new create is sent with and found by
    (default: the post's deterministic slug, see ``intent_key_for``)."""

    def find(self, intent_key: str) -> RemotePost | None:
        """The post created with ``intent_key`` (a lost create's response), if any."""

    def create(self, post: PushPost, intent_key: str, media_id: str) -> RemotePost: ...

    def update(self, remote: RemotePost, post: PushPost, media_id: str) -> RemotePost: ...

    def withdraw(self, remote: RemotePost, action: str) -> None: ...

    def delete(self, remote: RemotePost) -> None: ...

    def upload_media(self, image_id: int) -> str:
        """Upload a local image once; return its remote id (or URL, for Micropub)."""


def intent_key_for(client: PushClient, post: PushPost) -> str:
    """The key a new create is recorded, sent and looked up by."""
    choose = getattr(client, "intent_key", None)
    return choose(post) if choose is not None else post.slug


def failure_for(response: http.HttpResponse, message: str) -> PushError:
    status = response.status
    if status in (401, 403):
        kind = FailureKind.AUTH
    elif status in (429, 503):
        kind = FailureKind.THROTTLED
    elif 400 <= status < 500:
        kind = FailureKind.CONTENT
    else:
        kind = FailureKind.TRANSIENT
    return PushError(
        kind,
        f"HTTP {status}: {message}".strip(),
        status_code=status,
        retry_after=response.headers.get("Retry-After"),
    )


def send(method: str, url: str, **kwargs) -> http.HttpResponse:
    """One request through the safe client; network failures become TRANSIENT errors."""
    try:
        return http.request(
            method,
            url,
            connect_timeout=CONNECT_TIMEOUT,
            total_timeout=TOTAL_TIMEOUT,
            max_bytes=MAX_RESPONSE_BYTES,
            **kwargs,
        )
    except http.UnsafeURLError as exc:
        raise PushError(FailureKind.CONTENT, f"Refused by the address check: {exc}") from exc
    except http.HttpError as exc:
        raise PushError(FailureKind.TRANSIENT, f"{type(exc).__name__}: {exc}") from exc
