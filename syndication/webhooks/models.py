"""Webhook endpoints and their deliveries.

A ``Delivery`` row is the truth about one event for one endpoint: status, attempts,
``next_attempt_at`` (when the relay should next look at it), a lease while an attempt is in
flight, and the last response. The task queue only wakes work; a killed worker's lease
expires, its delivery becomes due again and the relay re-enqueues it (same ``webhook-id``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.events.visibility import envelope_for

from .. import http
from .signing import generate_secret

ROTATION_GRACE = timedelta(hours=24)
# An endpoint that has not answered a single delivery successfully for this long is treated
# as down: it gets one attempt at a time, so it cannot occupy the workers healthy endpoints
# need. (A flaky endpoint that fails now and then never stays failing this long: any success
# clears ``failing_since``.)
DEGRADED_AFTER = timedelta(seconds=30)


def validate_endpoint_url(url: str) -> None:
    """Checked by the safe client when the URL is saved (and again at every delivery)."""
    try:
        http.check_url(url)
    except http.UnsafeURLError as exc:
        raise ValidationError(str(exc)) from exc


class WebhookEndpoint(models.Model):
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(
        _("URL"),
        max_length=2000,
        validators=[validate_endpoint_url],
        help_text=_("Where the events are sent with POST. Must be a public http(s) URL."),
    )
    event_types = models.JSONField(
        _("event types"), default=list, blank=True, help_text=_("Empty = all types.")
    )
    page_types = models.JSONField(
        _("page types"), default=list, blank=True, help_text=_("Empty = all page types.")
    )
    themes = models.ManyToManyField(
        "themes.Theme",
        blank=True,
        related_name="+",
        verbose_name=_("themes"),
        help_text=_("Empty = all themes."),
    )
    active = models.BooleanField(_("active"), default=True)
    include_private_content = models.BooleanField(
        _("include private content"),
        default=False,
        help_text=_(
            "Send the content of password-protected, login-protected and unpublished pages, "
            "and of images and documents in private collections. Tick only for receivers "
            "allowed to see such content."
        ),
    )

    # Never shown after creation or rotation; never logged.
    secret = models.CharField(max_length=100, editable=False, default=generate_secret)
    previous_secret = models.CharField(max_length=100, editable=False, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.TextField(_("reason for disabling"), blank=True)
    # Set when a drain of this endpoint's due deliveries was enqueued and not yet started
    # (``webhooks.batch.request_drains``): further dispatches do not enqueue another one.
    drain_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:  # no secret in tracebacks
        return f"<WebhookEndpoint {self.pk} {self.name!r}>"

    def save(self, *args, **kwargs):
        """Activating an endpoint again resumes its pending deliveries (see ``resume``)."""
        reactivated = (
            self.pk is not None
            and self.active
            and WebhookEndpoint.objects.filter(pk=self.pk, active=False).exists()
        )
        if reactivated:
            self.failing_since = None
            self.disabled_at = None
            self.disabled_reason = ""
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "failing_since",
                    "disabled_at",
                    "disabled_reason",
                }
        super().save(*args, **kwargs)
        if reactivated:
            self.resume()

    def signing_secrets(self, now=None) -> list[str]:
        """The current secret, plus the previous one during its 24-hour rotation grace."""
        now = now or timezone.now()
        secrets = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and (self.previous_secret_expires_at > now)
        ):
            secrets.append(self.previous_secret)
        return secrets

    def rotate_secret(self) -> str:
        """Issue a new secret (returned once); the old one stays valid for 24 hours."""
        self.previous_secret = self.secret
        self.previous_secret_expires_at = timezone.now() + ROTATION_GRACE
        self.secret = generate_secret()
        self.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
        return self.secret

    def is_degraded(self, now=None) -> bool:
        now = now or timezone.now()
        return self.failing_since is not None and self.failing_since <= now - DEGRADED_AFTER

    def max_in_flight(self, now=None) -> int:
        """Per-endpoint concurrency, in attempts under way (a batch counts once): a degraded
        endpoint gets one at a time."""
        if self.is_degraded(now):
            return 1
        return int(settings.KANAL_WEBHOOK_MAX_IN_FLIGHT)

    def disable(self, reason: str, now=None) -> None:
        """Stop attempting deliveries (they stay pending) and tell the administrators."""
        from ..notify import endpoint_disabled

        self.active = False
        self.disabled_at = now or timezone.now()
        self.disabled_reason = reason
        self.save(update_fields=["active", "disabled_at", "disabled_reason", "updated_at"])
        endpoint_disabled(self)

    def resume(self, now=None) -> int:
        """Make every pending delivery due now with a fresh schedule; the relay then sends them
        in event order (``Delivery.objects.due`` is ordered by time, then sequence). Deliveries
        an older policy marked failed ("gave up") are revived with them: nothing stays lost.
        """
        return Delivery.objects.filter(
            endpoint=self,
            event__isnull=False,
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        ).update(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now or timezone.now(),
            attempts=0,
            enqueued_at=None,
            lease_until=None,
            lease_token="",
        )


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("aborted")


class DeliveryQuerySet(models.QuerySet):
    def pending(self) -> DeliveryQuerySet:
        return self.filter(status=DeliveryStatus.PENDING)

    def due(self, now, requeue_after: timedelta) -> DeliveryQuerySet:
        """Pending, due, to an active endpoint, and not enqueued recently (or never); oldest
        due first, and in event order among those due at the same moment."""
        return (
            self.pending()
            .filter(
                Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - requeue_after),
                next_attempt_at__lte=now,
                endpoint__active=True,
            )
            .order_by("next_attempt_at", "event__sequence", "pk")
        )

    def in_flight(self, now) -> DeliveryQuerySet:
        return self.pending().filter(lease_until__gt=now)

    def attempts_in_flight(self, now) -> int:
        """Attempts under way: a batch leases its rows with one token, so it counts once."""
        return self.in_flight(now).values("lease_token").distinct().count()


class Delivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Null for a test delivery sent from the admin (its body is ``test_body``).
    event = models.ForeignKey(
        "cms.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    test_body = models.BinaryField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    last_latency_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    last_error = models.TextField(_("error"), blank=True)
    last_response = models.TextField(_("response"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["endpoint", "status", "lease_until"], name="delivery_in_flight"),
            models.Index(fields=["endpoint", "-created_at"], name="delivery_recent"),
            # A batch's claim: one endpoint's pending rows by due time. Partial, so it stays
            # the size of the backlog however many delivered rows the table keeps.
            models.Index(
                fields=["endpoint", "next_attempt_at"],
                condition=Q(status="pending"),
                name="delivery_endpoint_pending",
            ),
            # Retention (``webhooks.retention``): the oldest delivered rows, without a scan.
            models.Index(
                fields=["delivered_at"],
                condition=Q(status="delivered"),
                name="delivery_delivered_at",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"],
                condition=Q(event__isnull=False),
                name="delivery_one_per_event_and_endpoint",
            )
        ]

    def __str__(self) -> str:
        return f"Delivery {self.pk} of {self.event_id or 'test'} to endpoint {self.endpoint_id}"

    @property
    def webhook_id(self) -> str:
        """Stable across retries: the event id (``msg_test_<pk>`` for admin test sends)."""
        return self.event_id or f"msg_test_{self.pk}"

    def body(self) -> bytes:
        """The signed body, redacted for this endpoint at the moment it is sent: an endpoint
        without "include private content" gets what the anonymous change feed shows now
        (``cms.events.visibility``)."""
        if self.event_id is None:
            return bytes(self.test_body or b"{}")
        include_private = self.endpoint.include_private_content
        return self.event.body(envelope_for(self.event, include_private=include_private))
