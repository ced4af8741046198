"""PeerTube (REST API v1): import a VideoPage's video by URL into a channel and keep it in step.

Written against PeerTube's published OpenAPI document (``support/doc/api/openapi.yaml``);
the loopback fake in ``tests/support/peertube.py`` validates every request against it.

* **Auth** as PeerTube does it: ``GET /api/v1/oauth-clients/local`` for the instance's client
  id and secret, then ``POST /api/v1/users/token`` with the password grant, then refresh
  tokens. The session is stored Fernet-encrypted (``video.Session``), refreshed
  ``REFRESH_MARGIN`` before it expires, and a 401 re-authenticates once (refresh, else the
  password) before the request is tried again.
* **Import**: ``POST /api/v1/videos/imports`` with ``targetUrl`` (the page's video URL), the
  channel and the metadata. The intent (``status=creating``, ``intent_key`` = the URL) is
  committed before the request, so a worker killed before it saw the answer finds the import
  afterwards (``GET /api/v1/users/me/videos/imports?targetUrl=…``) instead of importing twice.
  PeerTube imports in the background: the delivery waits (Retry-After) and asks again until
  the import succeeded or failed; a failure is shown on the record with PeerTube's reason.
* **In step**: ``PUT /api/v1/videos/{id}`` (multipart) with name, description (Markdown: the
  page's description and a link back), tags (PeerTube takes at most 5 of 2–30 characters: the
  others are dropped and named on the record), category, language, privacy and the poster
  image as thumbnail (sent again only when it changed). Unpublish sets the video private;
  deleting the page deletes the video.
* **Linked, not imported**: a page whose video already lives on that instance (pulled from
  it, or pasted by an editor) is linked to it — nothing is imported or pushed back.
* **Deleted remotely**: a 404 marks the record "deleted on PeerTube"; ``relink`` points it at
  another video or lets the next push import it again.

Hand-written (no PeerTube client library): the generated Python client (``peertube`` on
PyPI) brings its own HTTP stack, which would bypass ``syndication.http``'s address guard.
"""

from __future__ import annotations

import hashlib
import mimetypes
from datetime import timedelta
from pathlib import PurePath
from urllib.parse import quote, urlencode, urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from cms.video_urls import PEERTUBE, UnknownVideoURL, parse_video_url

from .clients.base import FailureKind, PushError, failure_for
from .dispatch import push_again
from .engine import register_performer
from .models import PushDelivery, PushTarget, RecordStatus, SyndicationRecord
from .video import (
    DELETE,
    PUBLISH,
    WITHDRAW,
    Job,
    Session,
    VideoMeta,
    done,
    fail_record,
    json_body,
    markdown_description,
    multipart,
    prepare,
    send,
)
from .video_models import ImportState, PeerTubePrivacy, VideoChannel, VideoRecordState

REFRESH_MARGIN = timedelta(minutes=5)
IMPORT_POLL_SECONDS = 30
# PeerTube's limits (VIDEOS_CONSTRAINTS_FIELDS; the OpenAPI document states name and tags).
NAME_MIN, NAME_MAX = 3, 120
DESCRIPTION_MAX = 10000
TAGS_MAX, TAG_MIN, TAG_MAX = 5, 2, 30


def problem(response) -> str:
    """PeerTube's error text: RFC 7807 ``detail``, else the deprecated ``error``."""
    body = json_body(response)
    return str(
        body.get("detail") or body.get("error") or response.body[:200].decode(errors="replace")
    )


class PeerTubeAPI:
    def __init__(self, target: PushTarget, channel: VideoChannel):
        self.target = target
        self.channel = channel
        self.base = target.endpoint.rstrip("/")
        self.session = Session(channel)

    # -- OAuth 2 (password grant, refresh tokens) ------------------------------------------

    def _client(self) -> tuple[str, str]:
        data = self.session.data
        if not (data.get("client_id") and data.get("client_secret")):
            response = send("GET", f"{self.base}/api/v1/oauth-clients/local")
            if not response.ok:
                raise failure_for(response, f"oauth-clients/local: {problem(response)}")
            body = json_body(response)
            self.session.store(
                timezone.now(), client_id=body["client_id"], client_secret=body["client_secret"]
            )
        return data["client_id"], data["client_secret"]

    def _token(self, **grant: str) -> bool:
        """Ask for tokens; False when PeerTube refused the grant (400/401)."""
        client_id, client_secret = self._client()
        form = urlencode({"client_id": client_id, "client_secret": client_secret, **grant})
        response = send(
            "POST",
            f"{self.base}/api/v1/users/token",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            data=form.encode(),
        )
        if response.status in (400, 401):
            if json_body(response).get("code") == "invalid_client":
                self.session.store(timezone.now(), client_id="", client_secret="")
            return False
        if not response.ok:
            raise failure_for(response, f"users/token: {problem(response)}")
        body = json_body(response)
        self.session.store(
            timezone.now(),
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_in=body.get("expires_in", 3600),
        )
        return True

    def _login(self) -> None:
        try:
            password = self.target.secret()
        except Exception as exc:  # CredentialsError: say what to configure
            raise PushError(FailureKind.AUTH, str(exc)) from exc
        if not self._token(grant_type="password", username=self.target.username, password=password):
            raise PushError(
                FailureKind.AUTH,
                _("PeerTube did not accept the user name or password for %(name)s.")
                % {"name": self.target.name},
                status_code=400,
            )

    def _authenticate(self) -> str:
        refresh = self.session.data.get("refresh_token")
        if not (refresh and self._token(grant_type="refresh_token", refresh_token=refresh)):
            self._login()
        return self.session.data["access_token"]

    def access_token(self) -> str:
        token = self.session.access_token(timezone.now(), REFRESH_MARGIN)
        return token or self._authenticate()

    def call(
        self,
        method: str,
        path: str,
        *,
        query: dict | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
    ):
        url = f"{self.base}{path}" + (f"?{urlencode(query, doseq=True)}" if query else "")
        for attempt in range(2):
            headers = {
                "Authorization": f"Bearer {self.access_token()}",
                "Accept": "application/json",
            }
            if content_type:
                headers["Content-Type"] = content_type
            response = send(method, url, headers=headers, data=body)
            if response.status != 401 or attempt:
                return response
            self.session.forget_access()  # revoked or expired early: authenticate once more
            self._authenticate()
        return response

    # -- videos --------------------------------------------------------------------------

    def channel_id(self) -> int:
        cached = self.session.data.get("channel_id")
        if cached and self.session.data.get("channel") == self.channel.channel:
            return int(cached)
        response = self.call("GET", f"/api/v1/video-channels/{quote(self.channel.channel)}")
        if not response.ok:
            raise failure_for(response, f"channel {self.channel.channel!r}: {problem(response)}")
        channel_id = int(json_body(response)["id"])
        self.session.store(timezone.now(), channel_id=channel_id, channel=self.channel.channel)
        return channel_id

    def video(self, ref: str) -> dict | None:
        response = self.call("GET", f"/api/v1/videos/{quote(ref)}")
        if response.status == 404:
            return None
        if not response.ok:
            raise failure_for(response, problem(response))
        return json_body(response)

    def imports_of(self, target_url: str) -> list[dict]:
        response = self.call(
            "GET",
            "/api/v1/users/me/videos/imports",
            query={"targetUrl": target_url, "sort": "-createdAt", "count": 100},
        )
        if not response.ok:
            raise failure_for(response, problem(response))
        return list(json_body(response).get("data") or [])

    def import_video(self, fields: list) -> dict:
        body, content_type = multipart(fields)
        response = self.call("POST", "/api/v1/videos/imports", body=body, content_type=content_type)
        if not response.ok:
            raise failure_for(response, problem(response))
        return json_body(response)

    def update(self, ref: str, fields: list) -> bool:
        """False when the video is gone (404)."""
        body, content_type = multipart(fields)
        response = self.call(
            "PUT", f"/api/v1/videos/{quote(ref)}", body=body, content_type=content_type
        )
        if response.status == 404:
            return False
        if not response.ok:
            raise failure_for(response, problem(response))
        return True

    def delete(self, ref: str) -> None:
        response = self.call("DELETE", f"/api/v1/videos/{quote(ref)}")
        if not response.ok and response.status != 404:
            raise failure_for(response, problem(response))

    def watch_url(self, video: dict) -> str:
        return f"{self.base}/w/{video.get('shortUUID') or video.get('uuid')}"


def remote_ref(video: dict) -> str:
    """How Kanal addresses a PeerTube video: its short UUID. The document's ``idOrUUID``
    parameter is ``oneOf`` id / UUIDv4 / shortUUID, and a full UUID also matches the (pattern-
    less) shortUUID schema, so only the short UUID (or the numeric id) is unambiguous."""
    return str(video.get("shortUUID") or video.get("id") or "")


# -- the metadata -----------------------------------------------------------------------


def clean_tags(tags: list[str]) -> tuple[list[str], list[str]]:
    """PeerTube's tag rules: at most 5, each 2–30 characters. Returns (kept, dropped)."""
    kept: list[str] = []
    dropped: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        name = " ".join(tag.split())
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        if TAG_MIN <= len(name) <= TAG_MAX and len(kept) < TAGS_MAX:
            kept.append(name)
        else:
            dropped.append(tag)
    return kept, dropped


def thumbnail(image_id: int | None) -> tuple[str, tuple[str, bytes, str]] | None:
    """(key, file part) of the poster image; the key changes when the image or its file does."""
    if image_id is None:
        return None
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return None
    with image.open_file() as handle:
        data = handle.read()
    filename = PurePath(image.file.name).name
    content_type = mimetypes.guess_type(filename)[0] or "image/jpeg"
    key = f"{image_id}:{hashlib.sha256(data).hexdigest()[:16]}"
    return key, (filename, data, content_type)


def metadata(meta: VideoMeta, channel: VideoChannel) -> tuple[list, list[str]]:
    name = meta.title.strip()
    if len(name) < NAME_MIN:
        raise PushError(
            FailureKind.CONTENT,
            _("PeerTube requires a title of at least %(n)d characters.") % {"n": NAME_MIN},
        )
    if len(name) > NAME_MAX:
        name = name[: NAME_MAX - 1].rstrip() + "…"
    tags, dropped = clean_tags(meta.tags)
    fields: list = [
        ("name", name),
        ("description", markdown_description(meta, DESCRIPTION_MAX)),
        ("privacy", str(channel.privacy)),
    ]
    if channel.category:
        fields.append(("category", str(channel.category)))
    language = channel.language or meta.language
    if language:
        fields.append(("language", language))
    fields.extend(("tags", tag) for tag in tags)
    return fields, dropped


def on_instance(api: PeerTubeAPI, video_url: str) -> str | None:
    """The video id when ``video_url`` is a video of this very instance (its API host, or
    the host name its videos are published under: ``VideoChannel.instance_host``)."""
    try:
        ref = parse_video_url(video_url)
    except UnknownVideoURL:
        return None
    if ref.provider != PEERTUBE:
        return None
    theirs = urlsplit(video_url)
    mine = urlsplit(api.base)
    hosts = {(mine.hostname or "").lower(), api.channel.instance_host.lower()} - {""}
    return ref.video_id if (theirs.hostname or "").lower() in hosts else None


# -- perform ----------------------------------------------------------------------------


def perform(delivery: PushDelivery) -> bool:
    job = prepare(delivery)
    if job is None:
        return False
    api = PeerTubeAPI(delivery.target, job.channel)
    rec, state = job.record, job.state
    if job.action == DELETE:
        if rec.remote_id and not state.linked and not state.remote_missing:
            api.delete(rec.remote_id)
        _reset(state)
        done(job, RecordStatus.DELETED, forget=True)
        return True
    if job.action == WITHDRAW:
        if rec.remote_id and not state.linked and not state.remote_missing:
            if not api.update(rec.remote_id, [("privacy", str(PeerTubePrivacy.PRIVATE))]):
                return _missing(job)
            state.sent_fingerprint = ""  # publishing again must send the privacy back
            state.save(update_fields=["sent_fingerprint", "updated_at"])
        done(job, RecordStatus.WITHDRAWN, remote_id=rec.remote_id, remote_url=rec.remote_url)
        return True
    assert job.action == PUBLISH and job.meta is not None
    if state.remote_missing:
        fail_record(job, _missing_message(rec))
        return True
    if state.linked:  # the instance's own video: pointed at, never written to
        done(job, RecordStatus.PUBLISHED, remote_id=rec.remote_id, remote_url=rec.remote_url)
        return True
    if not rec.remote_id:
        linked = on_instance(api, job.meta.video_url)
        if linked is not None:
            return _link(job, api, linked)
        _import(job, api)
    if state.import_state == ImportState.PENDING and not _import_finished(job, api):
        return True  # failed or gone: said on the record
    return _in_step(job, api)


def _link(job: Job, api: PeerTubeAPI, ref: str) -> bool:
    video = api.video(ref)
    if video is None:
        raise PushError(
            FailureKind.CONTENT,
            _("The video is not (or no longer) on %(site)s.") % {"site": api.base},
            status_code=404,
        )
    job.state.linked = True
    job.state.save(update_fields=["linked", "updated_at"])
    done(job, RecordStatus.PUBLISHED, remote_id=remote_ref(video), remote_url=api.watch_url(video))
    return True


def _held_elsewhere(job: Job) -> set[str]:
    return set(
        SyndicationRecord.objects.filter(target=job.record.target_id)
        .exclude(pk=job.record.pk)
        .exclude(remote_id="")
        .values_list("remote_id", flat=True)
    )


def _import(job: Job, api: PeerTubeAPI) -> None:
    rec, state, meta = job.record, job.state, job.meta
    found = None
    if rec.intent_key:
        # A create was sent before and its answer may have been lost: adopt what it made.
        taken = _held_elsewhere(job)
        for item in api.imports_of(rec.intent_key):
            video = item.get("video") or {}
            if (
                video.get("uuid")
                and remote_ref(video) not in taken
                and item.get("state", {}).get("id") != 3
            ):
                found = item
                break
    if found is not None:
        video = found["video"]
        import_id = found.get("id")
        key = state.thumbnail_key
    else:
        fields, dropped = metadata(meta, job.channel)
        fields = [("targetUrl", meta.video_url), ("channelId", str(api.channel_id())), *fields]
        thumb = thumbnail(meta.poster_image_id)
        key = ""
        if thumb is not None:
            key = thumb[0]
            fields.append(("thumbnailfile", thumb[1]))
        rec.status, rec.intent_key = RecordStatus.CREATING, meta.video_url
        rec.save(update_fields=["status", "intent_key", "updated_at"])  # the intent, committed
        answer = api.import_video(fields)
        video = answer.get("video") or {}
        import_id = answer.get("id")
        state.dropped_tags = dropped
    rec.remote_id = remote_ref(video)
    rec.remote_url = api.watch_url(video)
    rec.save(update_fields=["remote_id", "remote_url", "updated_at"])
    state.import_id = import_id
    state.import_state = ImportState.PENDING
    state.import_error = ""
    state.thumbnail_key = key
    state.sent_fingerprint = _fingerprint(meta, job.channel, key)
    state.save()


def _import_finished(job: Job, api: PeerTubeAPI) -> bool:
    """True when the import succeeded; False when it failed (said on the record); raises
    THROTTLED (ask again later) while PeerTube is still importing."""
    rec, state = job.record, job.state
    mine = [
        item
        for item in api.imports_of(rec.intent_key or job.meta.video_url)
        if remote_ref(item.get("video") or {}) == rec.remote_id
        or (state.import_id and item.get("id") == state.import_id)
    ]
    if not mine:
        _missing(job)
        return False
    item = mine[0]
    code = (item.get("state") or {}).get("id")
    if code == 2:
        state.import_state = ImportState.SUCCESS
        state.save(update_fields=["import_state", "updated_at"])
        return True
    if code == 3:
        reason = item.get("error") or (item.get("state") or {}).get("label") or "?"
        state.import_state, state.import_error = ImportState.FAILED, reason
        state.sent_fingerprint = ""
        state.save()
        # Forget the failed copy: "Push again" imports anew.
        SyndicationRecord.objects.filter(pk=rec.pk).update(remote_id="", intent_key="")
        fail_record(job, _("PeerTube could not import the video: %(reason)s") % {"reason": reason})
        return False
    raise PushError(
        FailureKind.THROTTLED,
        _("PeerTube is still importing the video; asking again in %(s)d s.")
        % {"s": IMPORT_POLL_SECONDS},
        retry_after=str(IMPORT_POLL_SECONDS),
    )


def _fingerprint(meta: VideoMeta, channel: VideoChannel, thumb_key: str) -> str:
    return meta.fingerprint(channel.privacy, channel.category, channel.language, thumb_key)


def _in_step(job: Job, api: PeerTubeAPI) -> bool:
    rec, state, meta = job.record, job.state, job.meta
    fields, dropped = metadata(meta, job.channel)
    thumb = thumbnail(meta.poster_image_id)
    key = thumb[0] if thumb else ""
    if key and key != state.thumbnail_key:
        fields.append(("thumbnailfile", thumb[1]))
    fingerprint = _fingerprint(meta, job.channel, key)
    if fingerprint != state.sent_fingerprint:
        if not api.update(rec.remote_id, fields):
            return _missing(job)
        state.sent_fingerprint, state.thumbnail_key = fingerprint, key
    state.dropped_tags = dropped
    state.save()
    done(job, RecordStatus.PUBLISHED, remote_id=rec.remote_id, remote_url=rec.remote_url)
    if dropped:
        note = _("Tags PeerTube does not accept (at most %(n)d, 2–30 characters): %(tags)s") % {
            "n": TAGS_MAX,
            "tags": ", ".join(dropped),
        }
        SyndicationRecord.objects.filter(pk=rec.pk).update(last_error=note)
    return True


def _missing_message(rec: SyndicationRecord) -> str:
    return _(
        "The video %(url)s is no longer on PeerTube (deleted there). Link the record to "
        "another video or import it again (manage.py video_targets relink)."
    ) % {"url": rec.remote_url or rec.remote_id}


def _missing(job: Job) -> bool:
    job.state.remote_missing = True
    job.state.save(update_fields=["remote_missing", "updated_at"])
    fail_record(job, _missing_message(job.record))
    return True


def _reset(state: VideoRecordState) -> None:
    state.import_id = None
    state.import_state = ImportState.NONE
    state.import_error = ""
    state.linked = state.remote_missing = False
    state.thumbnail_key = state.sent_fingerprint = ""
    state.dropped_tags = []
    state.save()


def relink(record: SyndicationRecord, video: str | None = None) -> PushDelivery:
    """The editor's way out of "deleted on PeerTube": point the record at ``video`` (a URL or
    id on the same instance) or, without one, let the next push import the video again."""
    state, _created = VideoRecordState.objects.get_or_create(record=record)
    _reset(state)
    record.intent_key = ""
    record.remote_url = ""
    record.remote_id = ""
    if video:
        ref = video.rstrip("/").rsplit("/", 1)[-1]
        record.remote_id = ref
        record.remote_url = video if "://" in video else ""
        state.import_state = ImportState.SUCCESS
        state.save()
    record.status = RecordStatus.PENDING
    record.last_error = ""
    record.save()
    return push_again(record.page_id, record.target)


def register() -> None:
    register_performer("peertube", perform)
