"""Push targets, the syndication record per (page, target), and push deliveries.

* ``PushTarget`` — a blog Kanal publishes to (WordPress, Micropub): endpoint, encrypted
  credentials (or the name of an environment variable), filters, active flag and health.
* ``SyndicationRecord`` — what Kanal knows about its copy of one page on one target: the
  remote id and URL, the last pushed revision and object ``version``. The intent to create is
  written *before* the create request (``status=creating`` with the slug the post will get),
  so a retry after a lost response looks the post up instead of creating a second one.
* ``PushDelivery`` — one event for one target, the sibling of webhooks' ``Delivery``: the
  same columns for status, attempts, ``next_attempt_at``, lease and last response, claimed with
  the same lease and re-enqueued by the relay, but retried by a bounded policy of its own
  (``syndication.push.policy``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import http
from . import credentials


def validate_target_url(url: str) -> None:
    try:
        http.check_url(url)
    except http.UnsafeURLError as exc:
        raise ValidationError(str(exc)) from exc


class TargetKind(models.TextChoices):
    WORDPRESS = "wordpress", "WordPress"
    MICROPUB = "micropub", "Micropub"
    PEERTUBE = "peertube", "PeerTube"
    YOUTUBE = "youtube", "YouTube"


class UnpublishAction(models.TextChoices):
    DRAFT = "draft", _("make it a draft")
    TRASH = "trash", _("move it to the trash")


# A target whose credentials are refused this many times in a row stops being tried.
AUTH_FAILURES_BEFORE_STOP = 3


class PushTarget(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=TargetKind.choices)
    name = models.CharField(_("name"), max_length=200)
    endpoint = models.URLField(
        _("URL"),
        max_length=2000,
        validators=[validate_target_url],
        help_text=_(
            "WordPress: the blog's address. Micropub: the Micropub endpoint or the site's address "
            '(the endpoint is then found through rel="micropub").'
        ),
    )
    username = models.CharField(_("user name"), max_length=200, blank=True)
    # Never shown after saving, never logged, never in the API.
    credentials_encrypted = models.TextField(blank=True, editable=False)
    credentials_env = models.CharField(
        _("environment variable with the password"),
        max_length=100,
        blank=True,
        help_text=_(
            "Read the password/token from this environment variable instead of storing it."
        ),
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
    tags = models.JSONField(_("tags"), default=list, blank=True, help_text=_("Empty = all."))
    unpublish_action = models.CharField(
        _("on unpublish"),
        max_length=10,
        choices=UnpublishAction.choices,
        default=UnpublishAction.DRAFT,
    )
    active = models.BooleanField(_("active"), default=True)

    # Discovered Micropub endpoints (from q=config / rel links), cached.
    discovered_endpoint = models.URLField(max_length=2000, blank=True, editable=False)
    media_endpoint = models.URLField(max_length=2000, blank=True, editable=False)
    # Micropub: where the server puts a post created with ``mp-slug`` (learned from a create's
    # ``Location``, ``{slug}`` marking the slug), so a lost create's post can be looked up.
    post_url_template = models.CharField(max_length=2000, blank=True, editable=False)

    healthy = models.BooleanField(_("working"), default=True, editable=False)
    auth_failures = models.PositiveIntegerField(default=0, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("push target")
        verbose_name_plural = _("push targets")

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:  # no credentials in tracebacks
        return f"<PushTarget {self.pk} {self.kind} {self.name!r}>"

    def set_secret(self, secret: str) -> None:
        """Store ``secret`` encrypted (call ``save()`` afterwards)."""
        self.credentials_encrypted = credentials.encrypt(secret)
        self.credentials_env = ""

    def secret(self) -> str:
        if self.credentials_env:
            return credentials.from_environment(self.credentials_env)
        if self.credentials_encrypted:
            return credentials.decrypt(self.credentials_encrypted)
        raise credentials.CredentialsError(
            f"The target {self.name!r} has no credentials: enter a password/token, or name an "
            "environment variable that holds it."
        )

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_env or self.credentials_encrypted)


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    CREATING = "creating", _("creating")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")
    DELETED = "deleted", _("deleted")
    FAILED = "failed", _("failed")


class SyndicationRecord(models.Model):
    """Kanal's copy of one page on one target. ``page_id`` is a plain column, not a foreign
    key: after the page is deleted the record still says which remote post to withdraw."""

    page_id = models.BigIntegerField(_("page"), db_index=True)
    target = models.ForeignKey(PushTarget, on_delete=models.CASCADE, related_name="records")
    status = models.CharField(
        _("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    remote_id = models.CharField(_("remote id"), max_length=500, blank=True)
    remote_url = models.URLField(_("remote URL"), max_length=2000, blank=True, db_index=True)
    # The slug (WordPress) or the Kanal URL (Micropub) a create was sent with: the key a
    # retry looks the post up by when the create's response was lost.
    intent_key = models.CharField(max_length=500, blank=True)
    last_revision = models.BigIntegerField(_("last pushed revision"), null=True, blank=True)
    last_version = models.PositiveIntegerField(_("version"), default=0)
    # Local image id -> remote media id of the featured image, so it is uploaded once.
    featured_image_id = models.BigIntegerField(null=True, blank=True)
    remote_media_id = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_pushed_at = models.DateTimeField(_("last pushed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target__name"]
        verbose_name = _("syndication record")
        verbose_name_plural = _("syndication records")
        constraints = [
            models.UniqueConstraint(fields=["page_id", "target"], name="push_record_per_target")
        ]

    def __str__(self) -> str:
        return f"page {self.page_id} on {self.target_id}: {self.status}"


class PushOptOut(models.Model):
    """A page its editors chose not to syndicate ("do not syndicate")."""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("syndication opt-out")
        verbose_name_plural = _("syndication opt-outs")


class PushDeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    SKIPPED = "skipped", _("skipped")
    FAILED = "failed", _("failed")


class PushDeliveryQuerySet(models.QuerySet):
    def pending(self) -> PushDeliveryQuerySet:
        return self.filter(status=PushDeliveryStatus.PENDING)

    def due(self, now, requeue_after) -> PushDeliveryQuerySet:
        return self.pending().filter(
            Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - requeue_after),
            next_attempt_at__lte=now,
            target__active=True,
        )

    def in_flight(self, now) -> PushDeliveryQuerySet:
        return self.pending().filter(lease_until__gt=now)


class PushDelivery(models.Model):
    target = models.ForeignKey(PushTarget, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(
        "cms.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The page and the event's per-object version, denormalised: deliveries of one page to one
    # target run one at a time, and one older than the record is dropped as stale.
    page_id = models.BigIntegerField(db_index=True)
    version = models.PositiveIntegerField(default=0)
    # A "Push again" from the admin or ``manage.py push`` has no event: it pushes the live page.
    manual = models.BooleanField(default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PushDeliveryStatus.choices,
        default=PushDeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # Start of the current series of attempts (``push.policy`` gives up when it is too old);
    # a retry by an editor or ``manage.py push --retry-failed`` starts a new series.
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(_("error"), blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PushDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("push delivery")
        verbose_name_plural = _("push deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="push_delivery_due"),
            models.Index(fields=["target", "page_id", "status"], name="push_delivery_page"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "event"],
                condition=Q(event__isnull=False),
                name="push_delivery_one_per_event_and_target",
            )
        ]

    def __str__(self) -> str:
        return f"PushDelivery {self.pk} of page {self.page_id} v{self.version} to {self.target_id}"
