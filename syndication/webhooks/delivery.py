"""One delivery attempt: claim the row (lease), send it signed, record the outcome.

The three steps are separate transactions so no database lock is held while waiting on a
receiver. A worker killed between them leaves a lease that simply expires: the delivery is
due again, the relay re-enqueues it and the receiver gets it again with the same
``webhook-id`` (at-least-once, as Standard Webhooks expects receivers to handle).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import http
from . import policy, signing
from .models import Delivery, DeliveryStatus, WebhookEndpoint
from .policy import DeliveryOutcome

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 64 * 1024
KEPT_RESPONSE_CHARS = 1000


def lease_duration() -> timedelta:
    """Longer than the total timeout, so a live attempt is never taken over."""
    return timedelta(seconds=settings.KANAL_DELIVERY_LEASE_SECONDS)


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    latency_ms: int | None
    error: str = ""
    response_text: str = ""
    retry_after: str | None = None


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    endpoint_id: int
    token: str
    attempts: int


def lock_if_due(queryset, delivery_id: int, now):
    """The pending row ``delivery_id`` of ``queryset``, locked for the caller's transaction, if
    it is due and not leased by another worker; else None. Webhook and push deliveries share
    this rule (the relay wakes a row that was not due again later)."""
    delivery = (
        queryset.select_for_update(skip_locked=True, of=("self",)).filter(pk=delivery_id).first()
    )
    if delivery is None:
        return None
    if delivery.lease_until and delivery.lease_until > now:
        return None
    if delivery.next_attempt_at > now + timedelta(seconds=1):
        return None
    return delivery


def claim(delivery_id: int) -> Claim | None:
    """Take the lease on a due delivery, or return None (done, leased, not due, or the
    endpoint is at its concurrency limit, in which case the relay wakes it again later)."""
    now = timezone.now()
    with transaction.atomic():
        delivery = lock_if_due(
            Delivery.objects.filter(status=DeliveryStatus.PENDING), delivery_id, now
        )
        if delivery is None:
            return None
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if not endpoint.active:
            return None
        busy = Delivery.objects.filter(endpoint=endpoint).attempts_in_flight(now)
        if busy >= endpoint.max_in_flight(now):
            Delivery.objects.filter(pk=delivery.pk).update(enqueued_at=None)
            return None
        token = secrets.token_hex(8)
        lease_until = now + lease_duration()
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=delivery.attempts + 1,
            lease_until=lease_until,
            lease_token=token,
            next_attempt_at=lease_until,  # if this attempt dies, it is due when the lease ends
            enqueued_at=None,  # ... and the relay enqueues it again right then
            last_attempt_at=now,
        )
    return Claim(delivery.pk, delivery.endpoint_id, token, delivery.attempts + 1)


def send(delivery: Delivery) -> AttemptResult:
    """POST the signed body through the safe client (URL checked again here)."""
    return post_signed(delivery.endpoint, delivery.webhook_id, delivery.body())


def post_signed(
    endpoint: WebhookEndpoint,
    webhook_id: str,
    body: bytes,
    session: http.Session | None = None,
) -> AttemptResult:
    """Sign ``body`` for ``endpoint`` (Standard Webhooks headers) and POST it through the safe
    client, on ``session``'s keep-alive connections when given (the batch drain)."""
    now = timezone.now()
    headers = {
        "Content-Type": "application/json",
        **signing.signed_headers(
            endpoint.signing_secrets(now), webhook_id, int(now.timestamp()), body
        ),
    }
    try:
        response = http.request(
            "POST",
            endpoint.url,
            headers=headers,
            data=body,
            connect_timeout=policy.CONNECT_TIMEOUT,
            total_timeout=policy.TOTAL_TIMEOUT,
            max_bytes=MAX_RESPONSE_BYTES,
            max_redirects=0,
            session=session,
        )
    except http.UnsafeURLError as exc:
        return AttemptResult(None, None, f"Refused by the address check: {exc}")
    except http.HttpError as exc:
        return AttemptResult(None, None, f"{type(exc).__name__}: {exc}")
    error = ""
    if 300 <= response.status < 400:
        location = response.headers.get("Location", "")
        error = f"Redirect ({response.status}) to {location!r} not followed; update the URL."
    elif not response.ok:
        error = f"HTTP {response.status}"
    return AttemptResult(
        response.status,
        round(response.elapsed * 1000),
        error,
        response.body[:KEPT_RESPONSE_CHARS].decode("utf-8", "replace"),
        response.headers.get("Retry-After"),
    )


def record_outcome(claim_: Claim, result: AttemptResult) -> DeliveryStatus | None:
    """Apply the policy to the attempt's result; ignored if the lease was lost meanwhile.

    The verdict is written with a single UPDATE guarded by the lease token: the window in
    which a crash makes the receiver get the message twice is one database round trip.
    """
    now = timezone.now()
    outcome, fields = verdict(claim_.attempts, result, now)
    mine = Delivery.objects.filter(pk=claim_.delivery_id, lease_token=claim_.token)
    if not mine.filter(status=DeliveryStatus.PENDING).update(**fields):
        # The lease was taken over (this attempt outlived it) or another attempt finished
        # first: that attempt's verdict stands.
        mine.update(lease_until=None, lease_token="")
        return None
    note_endpoint_outcomes(claim_.endpoint_id, [outcome], now)
    return DeliveryStatus(fields["status"])


def verdict(attempts: int, result: AttemptResult, now) -> tuple[DeliveryOutcome, dict]:
    """The policy applied to one attempt's result: its outcome and the delivery row's new
    fields (lease released). Shared by single attempts and batches (``webhooks.batch``)."""
    outcome = policy.classify(result.status_code)
    fields: dict = {
        "lease_until": None,
        "lease_token": "",
        "enqueued_at": None,
        "last_status_code": result.status_code,
        "last_latency_ms": result.latency_ms,
        "last_error": result.error,
        "last_response": result.response_text,
        "status": DeliveryStatus.PENDING,
    }
    if outcome is DeliveryOutcome.DELIVERED:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
    elif outcome is DeliveryOutcome.GONE:
        # Pending, due at once: it is sent first when the endpoint is activated again.
        fields["next_attempt_at"] = now
    else:
        delay = None
        if outcome is DeliveryOutcome.THROTTLED:
            delay = http.parse_retry_after(result.retry_after, now)
        fields["next_attempt_at"] = now + (delay or policy.retry_delay(attempts))
    return outcome, fields


def note_endpoint_outcomes(endpoint_id: int, outcomes: list[DeliveryOutcome], now) -> None:
    """The endpoint's health after a run of attempts: any success clears ``failing_since``;
    a 410 disables it; failures only start (or continue) the failing clock."""
    if not outcomes:
        return
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    if DeliveryOutcome.GONE in outcomes:
        endpoint.disable(
            f"The receiver answered 410 Gone on {now:%Y-%m-%d %H:%M} UTC: it asks not to "
            "be sent more. Check with its owner, then activate the endpoint again; pending "
            "deliveries resume in order.",
            now,
        )
    elif DeliveryOutcome.DELIVERED in outcomes:
        if endpoint.failing_since is not None:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
    else:
        _note_failure(endpoint, now)


def _note_failure(endpoint: WebhookEndpoint, now) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
        failing_since=now
    )
    endpoint.refresh_from_db(fields=["failing_since", "active"])
    if endpoint.active and endpoint.failing_since <= now - policy.disable_after():
        days = policy.disable_after().days
        endpoint.disable(
            f"Every delivery has failed since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC, so "
            f"the endpoint was disabled after {days} days. Fix the receiver (see the recent "
            "deliveries), then activate it again; pending deliveries resume.",
            now,
        )
        logger.warning("Webhook endpoint %s disabled after failing for %s days", endpoint.pk, days)


def attempt(delivery_id: int) -> DeliveryStatus | None:
    """Claim, send, record. Returns the delivery's status, or None if nothing was attempted."""
    claimed = claim(delivery_id)
    if claimed is None:
        return None
    delivery = Delivery.objects.select_related("endpoint", "event").get(pk=claimed.delivery_id)
    result = send(delivery)
    return record_outcome(claimed, result)
