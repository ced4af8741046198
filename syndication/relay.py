"""The relay: the scheduler that makes the outbox reliable. One pass:

1. dispatches events whose wake-up was lost (committed, but never fanned out);
2. wakes deliveries that are due: retries whose time has come and attempts whose lease
   expired because their worker died — at most what each endpoint's concurrency allows, so a
   failing endpoint never takes the workers from healthy ones. It marks them enqueued and
   enqueues one drain per endpoint (``webhooks.batch``);
3. publishes scheduled pages (Wagtail's ``publish_scheduled``) and runs the reconciler, which
   records any event missing for a live revision: over the pages published or revised in the
   last minute on every run, over every page once per ``KANAL_RECONCILE_SWEEP_SECONDS`` (a
   pass stays flat as the site grows; the sweep also finds unpublishing without a timestamp);
4. enqueues due polls of syndication sources and, every ten minutes by its own clock, the
   renewal of expiring WebSub leases (``syndication.pull.tasks``);
5. wakes the WebSub publisher when hub pings are due (retries, deferred pings of a burst,
   pings whose worker died; ``syndication.feeds.websub``);
6. once a day (``KANAL_PURGE_EVERY_SECONDS``), the retention purge of event data and
   feedback comments (``cms.events.retention``) and of delivered webhook deliveries
   (``webhooks.retention``);
7. every hour (``KANAL_REVIEW_REMINDER_CHECK_SECONDS``), the review reminders of the period
   not yet sent (``cms.review.send_reminders``: at most one e-mail per owner and period,
   however many relays run or restart).

The relay is a top layer like the task modules: the domain returns what is due, the relay
enqueues it.

Several relays may run at once on PostgreSQL: due rows are claimed with
``SELECT … FOR UPDATE SKIP LOCKED`` and marked ``enqueued_at`` in the same transaction.
"""

from __future__ import annotations

import io
import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.utils import timezone

from cms import review
from cms.events import Event, retention
from cms.events.reconcile import reconcile

from .dispatch import dispatch_event
from .feeds.models import WebSubPing
from .pull import tasks as pull_tasks
from .push.models import PushDelivery
from .push.tasks import enqueue_push_deliveries
from .tasks import websub_send_due
from .webhooks.batch import request_drains
from .webhooks.models import Delivery, WebhookEndpoint
from .webhooks.retention import prune_delivered
from .webhooks.tasks import enqueue_drains

logger = logging.getLogger(__name__)

BATCH = 500
# A committed event is normally dispatched within milliseconds by its own task; the relay
# only steps in after this grace, so it does not race the normal path.
DISPATCH_GRACE = timedelta(seconds=5)
WEBSUB_WAKE_EVERY = 30.0


def requeue_after() -> timedelta:
    """A delivery enqueued but not claimed by then is enqueued again (its task was lost before
    it ran). Long enough not to duplicate tasks that merely wait in a busy queue; a worker
    killed *after* claiming is recovered by its lease instead, which is shorter."""
    return timedelta(seconds=settings.KANAL_DELIVERY_REQUEUE_SECONDS)


@dataclass
class PassReport:
    dispatched: int = 0
    enqueued: int = 0
    reconciled: int = 0
    polls: int = 0
    leases_renewed: int = 0
    websub: int = 0
    purged: retention.PurgeSummary | None = None
    reminders: review.ReminderSummary | None = None
    deliveries_pruned: int = 0


def dispatch_stragglers(now) -> int:
    ids = list(
        Event.objects.undispatched()
        .filter(occurred_at__lte=now - DISPATCH_GRACE)
        .values_list("pk", flat=True)[:BATCH]
    )
    for event_id in ids:
        dispatched = dispatch_event(event_id)
        enqueue_drains(dispatched.drains)
        enqueue_push_deliveries(dispatched.pushes)
    return len(ids)


def claim_due_deliveries(now) -> list[int]:
    """Claim (mark enqueued) the due deliveries each endpoint has room for."""
    return _claim_due_deliveries(now)[0]


def _claim_due_deliveries(now) -> tuple[list[int], list[int]]:
    """The claimed deliveries, and the endpoints whose drain to enqueue for them (those
    without one on the way: ``webhooks.batch.request_drains``)."""
    with transaction.atomic():
        due = list(
            Delivery.objects.due(now, requeue_after())
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", "endpoint_id")[:BATCH]
        )
        if not due:
            return [], []
        endpoint_ids = {endpoint_id for _, endpoint_id in due}
        endpoints = {e.pk: e for e in WebhookEndpoint.objects.filter(pk__in=endpoint_ids)}
        busy = Counter(
            Delivery.objects.filter(endpoint_id__in=endpoint_ids)
            .in_flight(now)
            .values_list("endpoint_id", flat=True)
        )
        chosen: list[int] = []
        for delivery_id, endpoint_id in due:
            endpoint = endpoints[endpoint_id]
            # A degraded endpoint gets one attempt at a time; a healthy one a whole batch (its
            # concurrency limit is enforced again when a worker claims the lease).
            room = 1 if endpoint.is_degraded(now) else BATCH
            if busy[endpoint_id] < room:
                busy[endpoint_id] += 1
                chosen.append(delivery_id)
        Delivery.objects.filter(pk__in=chosen).update(enqueued_at=now)
        picked = set(chosen)
        drains = request_drains({e for d, e in due if d in picked}, now, force=True)
    return chosen, drains


def claim_due_push_deliveries(now) -> list[int]:
    """Claim (mark enqueued) due push deliveries, at most one per (target, page): pushes of
    one page to one target run in order, one at a time."""
    with transaction.atomic():
        due = list(
            PushDelivery.objects.due(now, requeue_after())
            .filter(target__healthy=True)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at", "version")
            .values_list("pk", "target_id", "page_id")[:BATCH]
        )
        if not due:
            return []
        busy = set(
            PushDelivery.objects.filter(target_id__in={t for _, t, _ in due})
            .in_flight(now)
            .values_list("target_id", "page_id")
        )
        chosen: list[int] = []
        for delivery_id, target_id, page_id in due:
            if (target_id, page_id) not in busy:
                busy.add((target_id, page_id))
                chosen.append(delivery_id)
        PushDelivery.objects.filter(pk__in=chosen).update(enqueued_at=now)
    return chosen


class Relay:
    """One relay process's passes. Work that runs less often than every pass (scheduled
    publishing, the reconciler, WebSub lease renewal, the retention purge, the review
    reminders) keeps its clock here, per relay."""

    def __init__(
        self,
        *,
        reconcile_every: float = 10.0,
        publish_scheduled_every: float = 60.0,
        renew_leases_every: float = 600.0,
        purge_every: float | None = None,
        review_reminders_every: float | None = None,
    ):
        self.reconcile_every = reconcile_every
        self.publish_scheduled_every = publish_scheduled_every
        self.renew_leases_every = renew_leases_every
        self.purge_every = (
            settings.KANAL_PURGE_EVERY_SECONDS if purge_every is None else purge_every
        )
        self._last_reconcile = float("-inf")
        self._last_publish_scheduled = float("-inf")
        self._last_lease_renewal = float("-inf")
        self._last_websub_wake = float("-inf")
        self._last_purge = float("-inf")
        self.review_reminders_every = (
            settings.KANAL_REVIEW_REMINDER_CHECK_SECONDS
            if review_reminders_every is None
            else review_reminders_every
        )
        self._last_review_reminders = float("-inf")
        self._last_sweep = float("-inf")
        self.sweep_every = float(settings.KANAL_RECONCILE_SWEEP_SECONDS)

    def run_once(self) -> PassReport:
        report = PassReport()
        now = timezone.now()
        report.dispatched = dispatch_stragglers(now)
        chosen, drains = _claim_due_deliveries(now)
        enqueue_drains(drains)
        pushes = claim_due_push_deliveries(now)
        enqueue_push_deliveries(pushes)
        report.enqueued = len(chosen) + len(pushes)
        report.polls = pull_tasks.enqueue_due_polls()
        clock = time.monotonic()
        if clock - self._last_lease_renewal >= self.renew_leases_every:
            self._last_lease_renewal = clock
            report.leases_renewed = pull_tasks.renew_websub_leases(now)
        # At most one wake-up per lease: the task claims every due row it finds.
        if (
            clock - self._last_websub_wake >= WEBSUB_WAKE_EVERY
            and WebSubPing.objects.due(now).exists()
        ):
            self._last_websub_wake = clock
            try:
                websub_send_due.enqueue()
                report.websub = 1
            except Exception:
                logger.exception("relay: could not enqueue the WebSub pings; next pass retries")
        if clock - self._last_publish_scheduled >= self.publish_scheduled_every:
            self._last_publish_scheduled = clock
            call_command("publish_scheduled", stdout=io.StringIO())
        if clock - self._last_reconcile >= self.reconcile_every:
            self._last_reconcile = clock
            since = now - timedelta(seconds=max(6 * self.reconcile_every, 60))
            if clock - self._last_sweep >= self.sweep_every:
                self._last_sweep, since = clock, None  # every page, not only recent ones
            report.reconciled = reconcile(since)
        if clock - self._last_purge >= self.purge_every:
            self._last_purge = clock
            report.purged = retention.purge()
            report.deliveries_pruned = prune_delivered()
            logger.info(
                "relay: %s Deleted %d delivered webhook deliveries past their retention.",
                report.purged,
                report.deliveries_pruned,
            )
        if clock - self._last_review_reminders >= self.review_reminders_every:
            self._last_review_reminders = clock
            report.reminders = review.send_reminders(now)
            if report.reminders.sent or report.reminders.failed:
                logger.info("relay: %s", report.reminders)
        return report

    def run_forever(self, interval: float, should_stop) -> None:
        while not should_stop():
            try:
                close_old_connections()
                report = self.run_once()
                if report.dispatched or report.enqueued or report.reconciled or report.polls:
                    logger.info(
                        "relay: dispatched %d, enqueued %d, reconciled %d, polls %d",
                        report.dispatched,
                        report.enqueued,
                        report.reconciled,
                        report.polls,
                    )
            except DatabaseError as exc:
                # The database restarted or is unreachable: drop the connection and retry.
                logger.warning("relay: database unavailable (%s); retrying", exc)
                connections.close_all()
            except Exception:
                logger.exception("relay: pass failed; retrying")
            stop_at = time.monotonic() + interval
            while time.monotonic() < stop_at and not should_stop():
                time.sleep(min(0.05, interval))


def default_interval() -> float:
    return float(settings.KANAL_RELAY_INTERVAL)
