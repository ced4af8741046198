"""One push attempt: claim the row (lease), bring the remote post in step, record the outcome.

The same machinery as webhook deliveries (``syndication.webhooks.delivery``): the lease
length and the due-row lock come from the same helpers (``lease_duration``, ``lock_if_due``),
and the relay re-enqueues due push deliveries exactly as it does webhook deliveries. The retry
policy is push's own and bounded (``syndication.push.policy``): a delivery given up marks the
page's record failed with the reason and records ``syndication.failed``; ``retry_failed``
starts a new series when an editor or operator asks. A worker killed mid-attempt leaves a
lease that expires; the retry then looks the post up by the intent recorded before the
create, so no second post appears.

Deliveries of one page to one target are attempted one at a time (a claim is refused while
another is leased), and a delivery whose event is older than what the record already holds
is dropped as stale: the remote post converges on the latest local revision whatever order
the deliveries run in.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from ..webhooks.delivery import lease_duration, lock_if_due
from . import policy
from .clients.base import FailureKind, PushError
from .engine import perform, record_failed
from .models import (
    AUTH_FAILURES_BEFORE_STOP,
    PushDelivery,
    PushDeliveryQuerySet,
    PushDeliveryStatus,
    PushTarget,
    RecordStatus,
    SyndicationRecord,
)
from .notices import notify_target_unhealthy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PushClaim:
    delivery_id: int
    target_id: int
    token: str
    attempts: int
    first_attempt_at: datetime | None = None


def claim(delivery_id: int) -> PushClaim | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = lock_if_due(
            PushDelivery.objects.filter(status=PushDeliveryStatus.PENDING), delivery_id, now
        )
        if delivery is None:
            return None
        target = PushTarget.objects.select_for_update().get(pk=delivery.target_id)
        if not (target.active and target.healthy):
            return None
        busy = (
            PushDelivery.objects.filter(target=target, page_id=delivery.page_id)
            .in_flight(now)
            .exclude(pk=delivery.pk)
            .exists()
        )
        if busy:
            # Another attempt for this page on this target is in flight: run after it.
            PushDelivery.objects.filter(pk=delivery.pk).update(
                enqueued_at=None, next_attempt_at=now + timedelta(seconds=1)
            )
            return None
        token = secrets.token_hex(8)
        lease_until = now + lease_duration()
        PushDelivery.objects.filter(pk=delivery.pk).update(
            attempts=delivery.attempts + 1,
            lease_until=lease_until,
            lease_token=token,
            next_attempt_at=lease_until,
            enqueued_at=None,
            last_attempt_at=now,
            first_attempt_at=delivery.first_attempt_at or now,
        )
    return PushClaim(
        delivery.pk, delivery.target_id, token, delivery.attempts + 1, delivery.first_attempt_at
    )


def record_outcome(claim_: PushClaim, error: PushError | None, skipped: bool = False) -> str | None:
    """Apply the delivery policy to the attempt; ignored if the lease was lost meanwhile."""
    now = timezone.now()
    fields: dict = {
        "lease_until": None,
        "lease_token": "",
        "enqueued_at": None,
        "last_status_code": error.status_code if error else None,
        "last_error": error.message if error else "",
        "status": PushDeliveryStatus.PENDING,
    }
    gave_up = False
    if error is None:
        fields.update(
            status=PushDeliveryStatus.SKIPPED if skipped else PushDeliveryStatus.DELIVERED,
            delivered_at=now,
        )
    else:
        decision = policy.decide(error, claim_.attempts, claim_.first_attempt_at, now)
        if decision.retry_in is None:
            fields["status"] = PushDeliveryStatus.FAILED
            fields["last_error"] = decision.reason
            gave_up = True
        else:
            fields["next_attempt_at"] = now + decision.retry_in

    mine = PushDelivery.objects.filter(pk=claim_.delivery_id, lease_token=claim_.token)
    if not mine.filter(status=PushDeliveryStatus.PENDING).update(**fields):
        mine.update(lease_until=None, lease_token="")
        return None
    _update_target_health(claim_.target_id, error, now)
    if gave_up:
        delivery = PushDelivery.objects.get(pk=claim_.delivery_id)
        SyndicationRecord.objects.filter(
            target_id=claim_.target_id, page_id=delivery.page_id
        ).update(status=RecordStatus.FAILED, last_error=fields["last_error"], updated_at=now)
        record_failed(delivery, fields["last_error"])
    elif error is not None:
        # Still retrying: the editor already sees why (the side panel shows the next attempt).
        delivery = PushDelivery.objects.only("page_id").get(pk=claim_.delivery_id)
        SyndicationRecord.objects.filter(
            target_id=claim_.target_id, page_id=delivery.page_id
        ).update(last_error=error.message, updated_at=now)
    return str(fields["status"])


def _update_target_health(target_id: int, error: PushError | None, now) -> None:
    target = PushTarget.objects.get(pk=target_id)
    if error is None:
        if not target.healthy or target.failing_since or target.auth_failures:
            PushTarget.objects.filter(pk=target_id).update(
                healthy=True, failing_since=None, auth_failures=0, last_error=""
            )
        return
    if error.kind is FailureKind.CONTENT:
        return  # the target works; it refused this one post
    updates: dict = {"last_error": error.message}
    if target.failing_since is None:
        updates["failing_since"] = now
    if error.kind is FailureKind.AUTH:
        failures = target.auth_failures + 1
        updates["auth_failures"] = failures
        if failures >= AUTH_FAILURES_BEFORE_STOP and target.healthy:
            updates["healthy"] = False
            PushTarget.objects.filter(pk=target_id).update(**updates)
            notify_target_unhealthy(target, error.message)
            return
    PushTarget.objects.filter(pk=target_id).update(**updates)


def attempt(delivery_id: int) -> str | None:
    """Claim, push, record. Returns the delivery's status, or None if nothing was attempted."""
    claimed = claim(delivery_id)
    if claimed is None:
        return None
    delivery = PushDelivery.objects.select_related("target", "event").get(pk=claimed.delivery_id)
    try:
        # What goes out (the "First published at" line) and the reasons kept on the record
        # are in the site's language, whichever request, command or worker runs the attempt.
        with translation.override(settings.LANGUAGE_CODE):
            skipped = not perform(delivery)
    except PushError as exc:
        return record_outcome(claimed, exc)
    except Exception as exc:
        # A fault of ours (or of the database): counted like a transient failure, so the
        # bounded policy ends it and the editor sees it, instead of a lease that expires and
        # is retried for ever without a word.
        logger.exception("Push %s failed unexpectedly", claimed.delivery_id)
        error = PushError(FailureKind.TRANSIENT, f"Internal error: {type(exc).__name__}: {exc}")
        return record_outcome(claimed, error)
    return record_outcome(claimed, None, skipped=skipped)


def retry_failed(deliveries: PushDeliveryQuerySet) -> list[int]:
    """Give the failed ones among ``deliveries`` a new series of attempts, due now.

    What an editor's "Push again" on a failed record and ``manage.py push --retry-failed`` do:
    the delivery keeps its event (a failed deletion is retried as a deletion), its attempts
    start again from 0 under the same bounded policy, and the page's record leaves ``failed``.
    Returns the ids to wake (the caller enqueues or attempts them).
    """
    now = timezone.now()
    with transaction.atomic():
        failed = list(
            deliveries.filter(status=PushDeliveryStatus.FAILED)
            .select_for_update(of=("self",))
            .values_list("pk", "target_id", "page_id")
        )
        ids = [pk for pk, _, _ in failed]
        PushDelivery.objects.filter(pk__in=ids).update(
            status=PushDeliveryStatus.PENDING,
            attempts=0,
            first_attempt_at=None,
            next_attempt_at=now,
            enqueued_at=None,
            lease_until=None,
            lease_token="",
        )
        for target_id, page_id in {(t, p) for _, t, p in failed}:
            SyndicationRecord.objects.filter(
                target_id=target_id, page_id=page_id, status=RecordStatus.FAILED
            ).update(status=RecordStatus.PENDING, updated_at=now)
    return ids
