"""Batched delivery: one task drains one endpoint's due deliveries, a batch at a time.

Why (issue 15): one task, ~10 database round trips and a new connection per delivery held the
drain at ~25 deliveries/s. A batch costs about the same as one delivery did, and carries up to
``KANAL_WEBHOOK_BATCH_SIZE`` of them:

1. **claim** — lock the endpoint row, check its concurrency (attempts in flight: a batch counts
   once), lock up to N due rows with ``SKIP LOCKED`` and lease them all with one token in one
   UPDATE;
2. **send** — in order (due time, then creation: the fan-out's event order) over one
   keep-alive connection (``http.Session``: the guard checks the host once per connection,
   never re-resolving), each body serialised once per event (``body_for``) and signed per
   attempt;
3. **record** — every verdict in one UPDATE (``write_verdicts``, guarded by the lease token;
   a long batch writes one per ``KANAL_WEBHOOK_VERDICT_SECONDS``), then the endpoint's health
   once.

The semantics are the single attempt's (``webhooks.delivery``): at least once, one lease per
row (a killed worker's rows become due when the lease ends and the relay wakes them), the retry
policy per row. A batch stops early at a transport error, a 410 or a throttle: the rows it did
not attempt are released unattempted (their ``attempts`` unchanged), due when the failed one
is, so a dead endpoint is not hammered. It also stops once it has run
``KANAL_WEBHOOK_BATCH_SECONDS`` (a slow receiver holds a worker for one slow answer, not N),
releasing the rest due at once.

Wake-ups are coalesced per endpoint (``request_drains``): a dispatch marks the endpoint's
``drain_requested_at`` and enqueues a drain only if none is pending; the drain clears the mark
before its first claim. Both take the endpoint row's lock, and the dispatch holds it until it
commits its deliveries, so a drain that starts after the mark was seen always sees them.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from cms.events import Event
from cms.events.visibility import envelopes

from .. import http
from .delivery import (
    lease_duration,
    note_endpoint_outcomes,
    post_signed,
    verdict,
)
from .models import Delivery, DeliveryStatus, WebhookEndpoint
from .policy import DeliveryOutcome

# Outcomes after which the rest of a batch waits with the failed delivery.
STOPPING = {DeliveryOutcome.GONE, DeliveryOutcome.THROTTLED}
VERDICT_FIELDS = [
    "status",
    "attempts",
    "lease_until",
    "lease_token",
    "enqueued_at",
    "next_attempt_at",
    "last_status_code",
    "last_latency_ms",
    "last_error",
    "last_response",
    "delivered_at",
]


def stale_drain_after() -> timedelta:
    """A drain requested this long ago and never started was lost (a killed worker took its
    task): the relay requests another."""
    return timedelta(seconds=settings.KANAL_DELIVERY_REQUEUE_SECONDS)


def request_drains(endpoint_ids, now, *, force: bool = False) -> list[int]:
    """Mark the endpoints as having a drain on the way; returns those that had none (the
    caller enqueues a drain for each after commit). Call it inside the transaction that
    created the deliveries: the endpoint rows stay locked until it commits. The relay forces
    a drain for rows it found due (a pending mark may belong to a task that was lost)."""
    ids = sorted(set(endpoint_ids))
    if not ids:
        return []
    rows = (
        WebhookEndpoint.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "drain_requested_at")
    )
    stale = now - stale_drain_after()
    wake = [pk for pk, requested in rows if force or requested is None or requested <= stale]
    if wake:
        WebhookEndpoint.objects.filter(pk__in=wake).update(drain_requested_at=now)
    return wake


def take_drain_request(endpoint_id: int) -> None:
    """Clear the mark before the first claim (waits for a dispatch holding the row lock)."""
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(drain_requested_at=None)


@dataclass
class Batch:
    endpoint: WebhookEndpoint
    token: str
    deliveries: list[Delivery]  # as claimed: ``attempts`` already counts this attempt


def batch_size(endpoint: WebhookEndpoint, now) -> int:
    return 1 if endpoint.is_degraded(now) else int(settings.KANAL_WEBHOOK_BATCH_SIZE)


def claim_batch(endpoint_id: int) -> Batch | None:
    """Lease up to a batch of the endpoint's due deliveries, or None (nothing due, endpoint
    inactive, or at its concurrency limit: the running attempt picks up what is due)."""
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
        if endpoint is None or not endpoint.active:
            return None
        busy = Delivery.objects.filter(endpoint=endpoint).attempts_in_flight(now)
        if busy >= endpoint.max_in_flight(now):
            return None
        deliveries = list(
            Delivery.objects.filter(
                Q(lease_until__isnull=True) | Q(lease_until__lte=now),
                endpoint=endpoint,
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=now + timedelta(seconds=1),
            )
            .select_for_update(skip_locked=True, of=("self",))
            # Event order: the fan-out creates rows in sequence order, due together, so the
            # key is the row's own (the partial index), no join with the events to sort.
            .order_by("next_attempt_at", "pk")[: batch_size(endpoint, now)]
        )
        if not deliveries:
            return None
        token = secrets.token_hex(8)
        lease_until = now + lease_duration()
        for delivery in deliveries:
            delivery.attempts += 1
            delivery.lease_until = lease_until
            delivery.lease_token = token
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
            attempts=F("attempts") + 1,
            lease_until=lease_until,
            lease_token=token,
            next_attempt_at=lease_until,  # if the batch dies, its rows are due when it ends
            enqueued_at=None,
            last_attempt_at=now,
        )
    return Batch(endpoint, token, deliveries)


# -- bodies ----------------------------------------------------------------------------------


class BodyCache:
    """Serialised envelopes, once per (event, what the reader may see of it).

    An event's stored envelope only changes when its data is removed (``data_removed``), and a
    reader's copy differs from it only by the redaction ``cms.events.visibility`` decides at
    send time, so the key is the event, its removal state and that redaction. Per process,
    least recently used out first."""

    def __init__(self, size: int = 1024):
        self.size = size
        self._bodies: OrderedDict[tuple, bytes] = OrderedDict()
        self.hits = 0

    @staticmethod
    def key(event: Event, envelope: dict) -> tuple:
        data = envelope.get("data")
        pages = data.get("pages") if isinstance(data, dict) else None
        return (
            event.pk,
            event.data_removed,
            envelope.get("redacted"),
            data is None,
            tuple(pages) if isinstance(pages, list) else None,
        )

    def body(self, event: Event, envelope: dict) -> bytes:
        key = self.key(event, envelope)
        body = self._bodies.get(key)
        if body is not None:
            self.hits += 1
            self._bodies.move_to_end(key)
            return body
        body = event.body(envelope)
        self._bodies[key] = body
        if len(self._bodies) > self.size:
            self._bodies.popitem(last=False)
        return body


BODIES = BodyCache()


def bodies_for(batch: Batch) -> dict[int, bytes]:
    """Each delivery's body, redacted for the endpoint now (one visibility snapshot for the
    whole batch, one serialisation per event)."""
    include_private = batch.endpoint.include_private_content
    with_event = [d for d in batch.deliveries if d.event_id is not None]
    events = Event.objects.in_bulk([d.event_id for d in with_event])
    ordered = [events[d.event_id] for d in with_event if d.event_id in events]
    bodies: dict[int, bytes] = {}
    for event, envelope in zip(
        ordered, envelopes(ordered, include_private=include_private), strict=True
    ):
        bodies[event.pk] = BODIES.body(event, envelope)
    result: dict[int, bytes] = {}
    for delivery in batch.deliveries:
        if delivery.event_id is None:
            result[delivery.pk] = bytes(delivery.test_body or b"{}")
        elif delivery.event_id in bodies:
            result[delivery.pk] = bodies[delivery.event_id]
    return result


# -- send and record ------------------------------------------------------------------------


@dataclass
class BatchReport:
    attempted: int = 0
    delivered: int = 0
    released: int = 0
    stopped: bool = False  # a failure stopped the batch: do not claim again now
    outcomes: list[DeliveryOutcome] = field(default_factory=list)


def send_batch(batch: Batch, session: http.Session) -> BatchReport:
    """Send the batch in order and record every verdict in one UPDATE — or one per
    ``KANAL_WEBHOOK_VERDICT_SECONDS`` of sending, so a worker killed mid-batch makes the
    receivers get again only what it sent since its last verdict (at least once, and a bounded
    number of duplicates per crash however large the batch)."""
    started = flushed = time.monotonic()
    budget = float(settings.KANAL_WEBHOOK_BATCH_SECONDS)
    verdict_every = float(settings.KANAL_WEBHOOK_VERDICT_SECONDS)
    bodies = bodies_for(batch)
    report = BatchReport()
    updated: list[Delivery] = []
    release_at = None  # when the rows not attempted are due again
    for delivery in batch.deliveries:
        if release_at is None and report.attempted and time.monotonic() - started >= budget:
            release_at = timezone.now()
        if release_at is not None or delivery.pk not in bodies:
            # Not attempted: back as it was, due with the batch's stop.
            delivery.attempts -= 1
            delivery.lease_until = None
            delivery.lease_token = ""
            delivery.enqueued_at = None
            delivery.next_attempt_at = release_at or timezone.now()
            report.released += 1
            updated.append(delivery)
            continue
        if updated and time.monotonic() - flushed >= verdict_every:
            record_batch(batch, updated)  # a long batch: bound what a crash would re-send
            updated, flushed = [], time.monotonic()
        result = post_signed(
            batch.endpoint, delivery.webhook_id, bodies[delivery.pk], session=session
        )
        now = timezone.now()
        outcome, fields = verdict(delivery.attempts, result, now)
        fields.setdefault("delivered_at", delivery.delivered_at)
        fields.setdefault("next_attempt_at", delivery.next_attempt_at)
        for name, value in fields.items():
            setattr(delivery, name, value)
        updated.append(delivery)
        report.attempted += 1
        report.outcomes.append(outcome)
        if outcome is DeliveryOutcome.DELIVERED:
            report.delivered += 1
        elif outcome in STOPPING or result.status_code is None:
            # The endpoint is gone, throttling, or unreachable: the rest wait with this one.
            report.stopped = True
            release_at = delivery.next_attempt_at
    record_batch(batch, updated)
    note_endpoint_outcomes(batch.endpoint.pk, report.outcomes, timezone.now())
    return report


def record_batch(batch: Batch, deliveries: list[Delivery]) -> int:
    """Every verdict of the batch in one UPDATE, only on rows this batch still leases (a row
    whose lease was taken over keeps the other attempt's verdict)."""
    if not deliveries:
        return 0
    written = write_verdicts(batch.token, deliveries)  # one statement: its own transaction
    if written < len(deliveries):
        with transaction.atomic():
            Delivery.objects.filter(
                lease_token=batch.token, pk__in=[d.pk for d in deliveries]
            ).update(lease_until=None, lease_token="")
    return written


def write_verdicts(token: str, deliveries: list[Delivery]) -> int:
    """One statement whatever the batch's size, each row its own values (Django's
    ``bulk_update`` builds a CASE per field and row, and compiling it cost more than sending
    the batch). PostgreSQL gets one array per column (``unnest``: a short statement whose
    parsing is cached); SQLite a ``VALUES`` list. Only rows still pending under ``token``
    are written."""
    table = Delivery._meta.db_table
    fields = [Delivery._meta.get_field(name) for name in ["id", *VERDICT_FIELDS]]
    qn = connection.ops.quote_name
    values = [
        [f.get_db_prep_save(getattr(delivery, f.attname), connection) for delivery in deliveries]
        for f in fields
    ]
    columns = ", ".join(qn(f.column) for f in fields)
    if connection.vendor == "postgresql":
        arrays = ", ".join(
            f"%s::{'bigint' if f.primary_key else f.db_type(connection)}[]" for f in fields
        )
        head, source, params = "", f"unnest({arrays}) AS v ({columns})", values
    else:
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        head = f"WITH v ({columns}) AS (VALUES {', '.join([row] * len(deliveries))}) "
        source = "v"
        params = [value for row_values in zip(*values, strict=True) for value in row_values]
    assignments = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in fields[1:])
    # Only the model's quoted names are formatted in; every value is a parameter.
    sql = (
        f"{head}UPDATE {qn(table)} SET {assignments} FROM {source} "  # noqa: S608
        f"WHERE {qn(table)}.{qn('id')} = v.{qn('id')} "
        f"AND {qn(table)}.{qn('lease_token')} = %s AND {qn(table)}.{qn('status')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, token, DeliveryStatus.PENDING.value])
        return cursor.rowcount


@contextlib.contextmanager
def _asynchronous_commit():
    """On PostgreSQL, the drain's commits (claims, verdicts) do not wait for the WAL flush.
    What a server crash could lose of them only makes a delivery due again when its lease
    ends: it is sent again (at least once), never lost. Verdicts are written per delivery by
    default (``KANAL_WEBHOOK_VERDICT_SECONDS``), so this is most of their cost."""
    postgres = connection.vendor == "postgresql" and not connection.in_atomic_block
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


@dataclass
class DrainReport:
    batches: int = 0
    attempted: int = 0
    delivered: int = 0
    more: bool = False  # stopped by its time budget with work left: drain again


def drain(endpoint_id: int) -> DrainReport:
    """Send the endpoint's due deliveries, batch after batch, until none is due, a failure
    stops a batch, or ``KANAL_WEBHOOK_DRAIN_SECONDS`` have passed (then ``more`` is set and
    the caller requests another drain, so other endpoints' tasks get their turn)."""
    take_drain_request(endpoint_id)
    report = DrainReport()
    started = time.monotonic()
    with http.Session() as session, _asynchronous_commit():
        while True:
            batch = claim_batch(endpoint_id)
            if batch is None:
                break
            sent = send_batch(batch, session)
            report.batches += 1
            report.attempted += sent.attempted
            report.delivered += sent.delivered
            if sent.stopped:
                break
            if time.monotonic() - started >= float(settings.KANAL_WEBHOOK_DRAIN_SECONDS):
                report.more = True
                break
    return report
