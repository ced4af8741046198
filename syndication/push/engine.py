"""Bring one remote post in step with one event: create, update, withdraw or delete it.

``perform(delivery)`` is the body of a push attempt (``delivery.attempt`` wraps it in the
lease and the retry policy). The post's content comes from the shared external shape at the
event's revision (``cms.representation``), so it equals what the API and the webhooks say.

Idempotent creation: before the create request the record is saved with ``status=creating``
and the post's ``intent_key`` (the client's ``intent_key(post)``, else the post's deterministic
slug); if the response is lost (timeout, worker killed) the next attempt finds the post by that
key and adopts it instead of creating another, and a create never confirmed is sent again with
the same key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Revision

from cms.events.models import EventType
from cms.events.recording import record
from cms.representation.cache import bump, page_representation
from cms.representation.pages import revision_representation

from .clients.base import FailureKind, PushClient, PushError, RemotePost, intent_key_for
from .clients.micropub import MicropubClient
from .clients.wordpress import WordPressClient
from .content import build_post
from .credentials import CredentialsError
from .models import (
    PushDelivery,
    PushOptOut,
    PushTarget,
    RecordStatus,
    SyndicationRecord,
    TargetKind,
)

logger = logging.getLogger(__name__)

# Events after which the remote post should equal the page as it is now: published (and
# public) -> created or updated; restricted or no longer live -> withdrawn. A privacy change
# (``page.privacy_changed``, from the change-feed privacy work) withdraws a page that became
# restricted and brings back one that became public; a move changes the canonical URL.
PUBLISH_TYPES = {EventType.PAGE_PUBLISHED.value, "page.privacy_changed", "page.moved"}
# Of those, the ones that may start syndication to a target that holds no copy yet.
STARTING_TYPES = {EventType.PAGE_PUBLISHED.value, "page.privacy_changed"}
WITHDRAW_TYPES = {EventType.PAGE_UNPUBLISHED.value}
DELETE_TYPES = {EventType.PAGE_DELETED.value}
PUSH_EVENT_TYPES = PUBLISH_TYPES | WITHDRAW_TYPES | DELETE_TYPES


# Target kinds whose deliveries their own module performs (the video channels register
# theirs at start-up: ``syndication.push.video.register``).
PERFORMERS: dict[str, Callable[[PushDelivery], bool]] = {}


def register_performer(kind: str, performer: Callable[[PushDelivery], bool]) -> None:
    PERFORMERS[kind] = performer


def client_for(target: PushTarget) -> PushClient:
    try:
        secret = target.secret()
    except CredentialsError as exc:
        raise PushError(FailureKind.AUTH, str(exc)) from exc
    if target.kind == TargetKind.WORDPRESS:
        return WordPressClient(target.endpoint, target.username, secret)
    if target.kind == TargetKind.MICROPUB:
        return MicropubClient.for_target(target, secret)
    raise PushError(FailureKind.CONTENT, f"Unknown target kind {target.kind!r}.")


def is_publicly_viewable(page: Page) -> bool:
    return (
        page.live
        and not PageViewRestriction.objects.filter(
            page__in=page.get_ancestors(inclusive=True)
        ).exists()
    )


def _current_remote(rec: SyndicationRecord, client: PushClient) -> RemotePost | None:
    if rec.remote_id:
        return RemotePost(rec.remote_id, rec.remote_url)
    if rec.intent_key:
        found = client.find(rec.intent_key)
        if found is not None:
            rec.remote_id, rec.remote_url = found.remote_id, found.remote_url
            rec.save(update_fields=["remote_id", "remote_url", "updated_at"])
        return found
    return None


def _superseded(delivery: PushDelivery) -> bool:
    return (
        PushDelivery.objects.pending()
        .filter(target_id=delivery.target_id, page_id=delivery.page_id)
        .filter(version__gt=delivery.version)
        .exclude(pk=delivery.pk)
        .exists()
    )


def _action(delivery: PushDelivery) -> str:
    if delivery.manual or delivery.event is None:
        return EventType.PAGE_PUBLISHED.value
    return delivery.event.type


def delivered_representation(page: Page, delivery: PushDelivery) -> dict:
    """The page's external shape at the revision the delivery's event reported (the live one
    when the event names none): every target pushes what was published, never a later draft."""
    revision = None
    if delivery.event is not None and delivery.event.revision:
        revision = Revision.objects.filter(pk=delivery.event.revision).first()
    if revision is None:
        return page_representation(page)
    return revision_representation(page, revision)


def perform(delivery: PushDelivery) -> bool:
    """Push ``delivery``; False when it was dropped (stale or superseded by a newer one)."""
    target = delivery.target
    if target.kind in PERFORMERS:
        return PERFORMERS[target.kind](delivery)
    rec, _ = SyndicationRecord.objects.get_or_create(page_id=delivery.page_id, target=target)
    if delivery.version < rec.last_version or _superseded(delivery):
        return False
    action = _action(delivery)
    page = Page.objects.filter(pk=delivery.page_id).specific().first()
    if action in PUBLISH_TYPES and (
        page is None
        or not is_publicly_viewable(page)
        or PushOptOut.objects.filter(page_id=page.pk).exists()
    ):
        action = EventType.PAGE_UNPUBLISHED.value
    client = client_for(target)
    rec.attempts += 1
    rec.save(update_fields=["attempts", "updated_at"])

    if action in PUBLISH_TYPES:
        data = delivered_representation(page, delivery)
        post = build_post(data)
        media_id = _featured_media(rec, client, post)
        remote = _current_remote(rec, client)
        if remote is None:
            if not (rec.status == RecordStatus.CREATING and rec.intent_key):
                # A create that was never confirmed keeps its key: the retry sends the same one.
                rec.intent_key = intent_key_for(client, post)
            rec.status = RecordStatus.CREATING
            rec.save(update_fields=["status", "intent_key", "updated_at"])  # the intent, committed
            remote = client.create(post, rec.intent_key, media_id)
        else:
            remote = client.update(remote, post, media_id)
        _done(rec, delivery, RecordStatus.PUBLISHED, remote, revision=data["meta"]["revision"])
        return True

    remote = _current_remote(rec, client)
    if action in DELETE_TYPES:
        if remote is not None:
            client.delete(remote)
        _done(rec, delivery, RecordStatus.DELETED, None, forget=True)
    else:
        if remote is not None:
            client.withdraw(remote, target.unpublish_action)
        # A post that was removed (Micropub has no drafts; WordPress' trash when configured)
        # is forgotten, so publishing the page again creates a new one.
        removed = target.kind == TargetKind.MICROPUB or target.unpublish_action == "trash"
        _done(rec, delivery, RecordStatus.WITHDRAWN, remote, forget=removed)
    return True


def _featured_media(rec: SyndicationRecord, client: PushClient, post) -> str:
    """Upload the featured image once per (page, target) and reuse it while it is the same."""
    image = post.featured_image
    if image is None:
        return ""
    if rec.featured_image_id == image.image_id and rec.remote_media_id:
        return rec.remote_media_id
    rec.remote_media_id = client.upload_media(image.image_id)
    rec.featured_image_id = image.image_id
    rec.save(update_fields=["remote_media_id", "featured_image_id", "updated_at"])
    return rec.remote_media_id


def _done(
    rec, delivery, status, remote: RemotePost | None, revision=None, forget: bool = False
) -> None:
    now = timezone.now()
    with transaction.atomic():
        rec.status = status
        if remote is not None:
            rec.remote_id, rec.remote_url = remote.remote_id, remote.remote_url or rec.remote_url
        if forget:
            rec.remote_id = rec.intent_key = ""
        if revision is not None:
            rec.last_revision = revision
        rec.last_version = max(rec.last_version, delivery.version)
        rec.last_error = ""
        rec.last_pushed_at = now
        rec.save()
        record(
            EventType.SYNDICATION_PUSHED,
            rec,
            data={
                "page_id": rec.page_id,
                "target": delivery.target.name,
                "status": str(status),
                "remote_url": rec.remote_url,
            },
        )
        bump([rec.page_id])  # the API's syndicated_to changed without a new revision


def record_failed(delivery: PushDelivery, message: str) -> None:
    rec = SyndicationRecord.objects.filter(
        page_id=delivery.page_id, target_id=delivery.target_id
    ).first()
    if rec is None:
        return
    with transaction.atomic():
        record(
            EventType.SYNDICATION_FAILED,
            rec,
            data={
                "page_id": rec.page_id,
                "target": delivery.target.name,
                "error": message,
            },
        )
        bump([rec.page_id])
