"""YouTube (Data API v3): keep the title, description and tags of the channel's own videos in
step with their VideoPages — within the daily quota. Kanal never uploads, hides or deletes.

Written against YouTube's discovery document (``youtube.v3.json``, as bundled in
``google-api-python-client``); the loopback fake in ``tests/support/youtube.py`` validates
every request against it.

* **Auth**: the OAuth 2 refresh-token flow (RFC 6749 §6) for a channel the unit owns: client id
  on the channel, client secret and refresh token encrypted or from the environment; the
  access token is kept encrypted until ``REFRESH_MARGIN`` before it expires; a 401 refreshes
  once and tries again.
* **Update**: ``videos.list`` (part ``snippet``, 1 unit) reads the video and proves it is the
  channel's own; ``videos.update`` (part ``snippet``, 50 units) replaces the snippet, carrying
  over what must be preserved (``categoryId``, which the API requires, and the default
  language) — and is not sent at all when the snippet already says what the page says.
* **Quota** (``quota.py``): units are reserved before each call; edits of one page within
  ``KANAL_YOUTUBE_COALESCE_SECONDS`` of its oldest waiting edit become one update (the newer
  delivery supersedes the older); when the budget is short, or Google answers ``403
  quotaExceeded``, the delivery waits for the Pacific-midnight reset (spread over the first
  minutes after it), never counting as an authentication failure.
* **Unpublish/delete in Kanal** leave the video alone (it is the channel's own, not a copy);
  the record is closed.

Why a thin client rather than ``google-api-python-client``: that library sends through
``httplib2`` (or ``google-auth``'s ``requests`` transport), which resolves and connects on its
own — outside ``syndication.http``'s address guard, timeouts and size caps. Two calls and a
token refresh are a few lines through the safe client; the discovery document it bundles is
still the reference the test fake enforces.
"""

from __future__ import annotations

import json
from datetime import timedelta
from email.utils import format_datetime
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from . import quota
from .clients.base import FailureKind, PushError, failure_for
from .engine import PUBLISH_TYPES, _action, register_performer
from .models import PushDelivery, PushTarget, RecordStatus
from .video import DELETE, PUBLISH, Job, Session, VideoMeta, done, json_body, prepare, send
from .video_models import VideoChannel

ROOT_URL = "https://youtube.googleapis.com/"  # the discovery document's rootUrl
SERVICE_PATH = "youtube/v3/"
TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 — a URL, not a secret
REFRESH_MARGIN = timedelta(minutes=5)
SPREAD_SECONDS = 600  # waiting updates start within 10 minutes after the reset
# YouTube's snippet limits (videos resource documentation).
TITLE_MAX = 100
DESCRIPTION_MAX_BYTES = 5000
TAGS_MAX_CHARS = 500


def coalesce_window() -> timedelta:
    return timedelta(seconds=int(settings.KANAL_YOUTUBE_COALESCE_SECONDS))


def google_error(response) -> tuple[str, str]:
    """(reason, message) of a Google API error body."""
    error = json_body(response).get("error")
    if not isinstance(error, dict):
        return "", response.body[:200].decode(errors="replace")
    reasons = [e.get("reason", "") for e in error.get("errors") or [] if isinstance(e, dict)]
    return (reasons[0] if reasons else ""), str(error.get("message") or "")


class YouTubeAPI:
    def __init__(self, target: PushTarget, channel: VideoChannel):
        self.target = target
        self.channel = channel
        self.base = (target.endpoint or ROOT_URL).rstrip("/") + "/" + SERVICE_PATH
        self.token_url = channel.token_url or TOKEN_URL
        self.session = Session(channel)

    def _refresh(self) -> str:
        try:
            refresh_token = self.target.secret()
            client_secret = self.channel.client_secret()
        except Exception as exc:  # CredentialsError: say what to configure
            raise PushError(FailureKind.AUTH, str(exc)) from exc
        form = urlencode(
            {
                "grant_type": "refresh_token",
                "client_id": self.channel.client_id,
                "client_secret": client_secret,
                "refresh_token": refresh_token,
            }
        )
        response = send(
            "POST",
            self.token_url,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            data=form.encode(),
        )
        if response.status in (400, 401):
            body = json_body(response)
            raise PushError(
                FailureKind.AUTH,
                _("Google did not accept the login for %(name)s: %(error)s")
                % {
                    "name": self.target.name,
                    "error": body.get("error_description") or body.get("error"),
                },
                status_code=response.status,
            )
        if not response.ok:
            raise failure_for(response, "token endpoint")
        body = json_body(response)
        self.session.store(
            timezone.now(),
            access_token=body["access_token"],
            expires_in=body.get("expires_in", 3600),
        )
        return body["access_token"]

    def call(self, method: str, name: str, query: dict, body: dict | None = None):
        """One Data API call; the quota units were reserved by the caller."""
        url = f"{self.base}videos?{urlencode(query)}"
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(2):
            token = self.session.access_token(timezone.now(), REFRESH_MARGIN) or self._refresh()
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
            if data is not None:
                headers["Content-Type"] = "application/json"
            response = send(method, url, headers=headers, data=data)
            if response.status != 401 or attempt:
                break
            self.session.forget_access()
        if response.ok:
            return json_body(response)
        reason, message = google_error(response)
        if response.status in (403, 429) and reason in (
            "quotaExceeded",
            "dailyLimitExceeded",
            "rateLimitExceeded",
            "userRateLimitExceeded",
        ):
            if reason in ("quotaExceeded", "dailyLimitExceeded"):
                raise _waiting(quota.mark_exhausted(self.target, timezone.now()), self.target)
            raise PushError(FailureKind.THROTTLED, f"{name}: {message}", status_code=429)
        if response.status == 404:
            raise _Gone(message)
        raise failure_for(response, f"{name}: {reason} {message}".strip())


class _Gone(Exception):
    pass


def _waiting(short: quota.QuotaShort, target: PushTarget, page_id: int = 0) -> PushError:
    # Spread the waiting updates over the first minutes after the reset.
    when = short.reset_at + timedelta(seconds=page_id % SPREAD_SECONDS)
    return PushError(
        FailureKind.THROTTLED,
        str(short),
        status_code=403 if short.exhausted else None,
        retry_after=format_datetime(when, usegmt=True),
    )


# -- the snippet -------------------------------------------------------------------------


def _plain(text: str) -> str:
    # YouTube refuses "<" and ">" in titles and descriptions.
    return text.replace("<", "‹").replace(">", "›")


def snippet_for(meta: VideoMeta, current: dict) -> tuple[dict, list[str]]:
    """The snippet to send: the page's title, description and tags over what YouTube has,
    keeping ``categoryId`` (required by videos.update) and the default languages."""
    title = _plain(" ".join(meta.title.split()))
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    first_published_at = _("First published at")
    link = f"{first_published_at} {meta.html_url}"
    text = _plain(meta.description.strip())
    room = DESCRIPTION_MAX_BYTES - len(link.encode()) - 2
    while len(text.encode()) > room:
        text = text[: -max(len(text) // 20, 1)].rstrip()
    description = f"{text}\n\n{link}" if text else link
    tags: list[str] = []
    dropped: list[str] = []
    used = 0
    for tag in meta.tags:
        cost = len(tag) + (2 if " " in tag else 0) + (1 if tags else 0)
        if used + cost <= TAGS_MAX_CHARS and "<" not in tag and ">" not in tag:
            tags.append(tag)
            used += cost
        else:
            dropped.append(tag)
    snippet = {"title": title, "description": description, "tags": tags}
    for keep in ("categoryId", "defaultLanguage", "defaultAudioLanguage"):
        if current.get(keep):
            snippet[keep] = current[keep]
    return snippet, dropped


def _same(current: dict, wanted: dict) -> bool:
    return all(current.get(key, [] if key == "tags" else "") == wanted[key] for key in wanted)


# -- perform ----------------------------------------------------------------------------


def perform(delivery: PushDelivery) -> bool:
    page = Page.objects.filter(pk=delivery.page_id).specific().first()
    if page is not None and getattr(page, "provider", None) != "youtube":
        return False  # not a YouTube video: not this target's business, nothing recorded
    if _action(delivery) in PUBLISH_TYPES:
        _wait_for_coalescing(delivery)  # before any work: most edits end here, superseded
    job = prepare(delivery)
    if job is None:
        return False
    if job.action != PUBLISH:
        status = RecordStatus.DELETED if job.action == DELETE else RecordStatus.WITHDRAWN
        done(job, status, forget=True)  # the channel's own video stays as it is
        return True
    meta = job.meta
    if meta.provider != "youtube" or not meta.video_id:
        return False  # a PeerTube or Vimeo video: not this target's business
    api = YouTubeAPI(delivery.target, job.channel)
    try:
        return _update(job, api, meta)
    except _Gone as exc:
        return _missing(job, str(exc))


def _wait_for_coalescing(delivery: PushDelivery) -> None:
    """Edits within the window of the page's oldest waiting edit become one update."""
    if delivery.manual:
        return
    oldest = (
        PushDelivery.objects.pending()
        .filter(target_id=delivery.target_id, page_id=delivery.page_id)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    ) or delivery.created_at
    ready = oldest + coalesce_window()
    now = timezone.now()
    if ready > now:
        raise PushError(
            FailureKind.THROTTLED,
            _("Waiting for more edits of the page before YouTube is updated."),
            retry_after=str(int((ready - now).total_seconds()) + 1),
        )


def _reserve(job: Job, units: int) -> None:
    try:
        quota.reserve(job.delivery.target, units, timezone.now())
    except quota.QuotaShort as short:
        raise _waiting(short, job.delivery.target, job.delivery.page_id) from short


def _update(job: Job, api: YouTubeAPI, meta: VideoMeta) -> bool:
    # Reserve both calls' units up front: never read (1 unit) what we could not then update.
    _reserve(job, quota.COST["videos.list"] + quota.COST["videos.update"])
    update_sent = False
    try:
        found = api.call("GET", "videos.list", {"part": "snippet", "id": meta.video_id})
        items = found.get("items") or []
        if not items:
            raise _Gone(meta.video_id)
        video = items[0]
        current = video.get("snippet") or {}
        if current.get("channelId") != job.channel.channel:
            raise PushError(
                FailureKind.CONTENT,
                _(
                    "The video %(id)s does not belong to the channel %(channel)s; "
                    "Kanal only changes the channel's own videos."
                )
                % {"id": meta.video_id, "channel": job.channel.channel},
            )
        wanted, dropped = snippet_for(meta, current)
        if not _same(current, wanted):
            update_sent = True  # from here Google may count the 50 units, answer or not
            api.call(
                "PUT",
                "videos.update",
                {"part": "snippet"},
                {"id": meta.video_id, "snippet": wanted},
            )
    finally:
        if not update_sent:
            # The update's 50 units were reserved but the update was never sent (the snippet
            # was already right, or the read failed, timed out or found no video of ours):
            # give them back, so failing reads do not eat the day's budget 51 units at a time.
            quota.refund(job.delivery.target, quota.COST["videos.update"], timezone.now())
    job.state.remote_missing = False
    job.state.dropped_tags = dropped
    job.state.save(update_fields=["remote_missing", "dropped_tags", "updated_at"])
    done(
        job,
        RecordStatus.PUBLISHED,
        remote_id=meta.video_id,
        remote_url=f"https://www.youtube.com/watch?v={meta.video_id}",
    )
    return True


def _missing(job: Job, message: str) -> bool:
    job.state.remote_missing = True
    job.state.save(update_fields=["remote_missing", "updated_at"])
    raise PushError(
        FailureKind.CONTENT,
        _(
            "The video %(id)s is not on YouTube (deleted or private). Correct the video's "
            "address on the page and publish again."
        )
        % {"id": job.meta.video_id if job.meta else "?"},
        status_code=404,
    )


def register() -> None:
    register_performer("youtube", perform)
