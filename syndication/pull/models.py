"""Pull side: a ``Source`` we poll and the ``ImportedItem`` bookkeeping per entry.

Import bookkeeping lives here, not on the cms pages, so the content model stays clean: an
``ImportedItem`` ties ``(source, key)`` to the page it became, the fingerprints it has had, the
revision we last wrote (to notice local edits) and survives the page's deletion as a tombstone
(``page`` set to NULL), so a deleted import is never re-created.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import ArticleIndexPage, VideoIndexPage

UNHEALTHY_AFTER = 5  # consecutive failures
MAX_BACKOFF = timedelta(hours=24)


class SourceKind(models.TextChoices):
    FEED = "feed", _("Feed (RSS, Atom, JSON Feed)")
    YOUTUBE = "youtube", _("YouTube channel")
    VIMEO = "vimeo", _("Vimeo user or channel")
    PEERTUBE = "peertube", _("PeerTube channel")
    WORDPRESS = "wordpress", _("WordPress site")
    PAGE = "page", _("Web page linking its feed")


class ImportPolicy(models.TextChoices):
    PUBLISH = "publish", _("Publish at once")
    MODERATE = "moderate", _("Create drafts for review")


class PollOutcome(models.TextChoices):
    """How one poll of a source ended (``Source.last_outcome``)."""

    NEVER = "", _("Never fetched")
    IMPORTED = "imported", _("New content")
    UNCHANGED = "unchanged", _("Unchanged")
    NOT_MODIFIED = "not_modified", _("Unchanged (304)")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused (unsafe content)")
    BUSY = "busy", _("Skipped (already being fetched by another process)")


class SourceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def due(self, now=None):
        return self.active().filter(next_poll_at__lte=now or timezone.now())


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


class Source(models.Model):
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(
        _("URL"),
        max_length=2000,
        help_text=_(
            "Paste a feed URL, a web page that links its feed, a YouTube channel (URL or UC… "
            "id), a Vimeo user or channel, a PeerTube channel or a WordPress site."
        ),
    )
    kind = models.CharField(_("type"), max_length=20, choices=SourceKind.choices, blank=True)
    feed_url = models.URLField(_("feed URL"), max_length=2000, blank=True)
    index_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("import into"),
        help_text=_("An article index (blog posts) or a video index (videos)."),
    )
    policy = models.CharField(
        _("on import"), max_length=20, choices=ImportPolicy.choices, default=ImportPolicy.PUBLISH
    )
    default_themes = models.ManyToManyField(
        "themes.Theme", blank=True, related_name="+", verbose_name=_("themes")
    )
    default_tags = models.CharField(
        _("tags"), max_length=500, blank=True, help_text=_("Comma-separated.")
    )
    poll_interval = models.PositiveIntegerField(_("poll interval (minutes)"), default=30)
    active = models.BooleanField(_("active"), default=True)

    # HTTP cache validators and health
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    body_hash = models.CharField(max_length=64, blank=True, editable=False)
    next_poll_at = models.DateTimeField(
        _("next poll"), default=timezone.now, db_index=True, editable=False
    )
    last_polled_at = models.DateTimeField(_("last polled"), null=True, editable=False)
    last_success_at = models.DateTimeField(_("last succeeded"), null=True, editable=False)
    last_outcome = models.CharField(
        _("outcome"), max_length=20, choices=PollOutcome.choices, blank=True, editable=False
    )
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    error_count = models.PositiveIntegerField(_("errors in a row"), default=0, editable=False)
    imported_count = models.PositiveIntegerField(_("items imported"), default=0, editable=False)
    last_skipped = models.JSONField(default=list, blank=True, editable=False)

    # WebSub (https://www.w3.org/TR/websub/)
    hub_url = models.URLField(max_length=2000, blank=True, editable=False)
    topic_url = models.URLField(max_length=2000, blank=True, editable=False)
    websub_secret = models.CharField(max_length=100, default=_new_secret, editable=False)
    websub_state = models.CharField(max_length=20, blank=True, editable=False)
    websub_lease_expires_at = models.DateTimeField(null=True, editable=False)
    # WebSub verification of intent (issue 14): the callback URL's secret part, new for every
    # (un)subscription request, and the mode Kanal asked for and still waits to see verified.
    websub_callback_token = models.CharField(max_length=64, blank=True, editable=False)
    websub_awaiting = models.CharField(max_length=12, blank=True, editable=False)
    # One poller at a time across processes and machines: claimed by a conditional update.
    poll_lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name

    @property
    def is_healthy(self) -> bool:
        return self.error_count < UNHEALTHY_AFTER

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.default_tags.split(",") if t.strip()]

    def clean(self):
        """The index page must take imports. Resolving the pasted URL to a feed is the
        form's job (``syndication.pull.forms.SourceForm``), as it may need the network."""
        super().clean()
        if self.index_page_id:
            specific = self.index_page.specific_class
            if specific not in (ArticleIndexPage, VideoIndexPage):
                raise ValidationError(
                    {"index_page": _("Choose an article index or a video index.")}
                )


class ImportedItem(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=1000)
    # The entry's link identity too, so a feed that switches from guids to links (or back)
    # still finds the item.
    link_key = models.CharField(max_length=1000, blank=True, db_index=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="NULL after the page was deleted: a tombstone, never re-created.",
    )
    url = models.URLField(max_length=2000, blank=True)
    fingerprint = models.CharField(max_length=64)
    seen_fingerprints = models.JSONField(default=list, blank=True)
    # Hash of the entry as parsed: an identical entry skips sanitising on the next poll.
    raw_hash = models.CharField(max_length=64, blank=True)
    last_revision_id = models.BigIntegerField(null=True, blank=True)
    locally_edited = models.BooleanField(default=False)
    # The post's images as stored here (source URL -> Wagtail image id), so an update of its
    # text downloads nothing again, and what could not be imported (``pull.images.note``).
    media = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="syndication_item_identity")
        ]
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")

    def __str__(self) -> str:
        return f"{self.source}: {self.key}"

    @property
    def is_tombstone(self) -> bool:
        return self.page_id is None
