"""The headless API's own records: API keys (hashed, with scopes) and reader feedback.

They live with the content model rather than in ``cms.api`` so that importing the models never
imports the API (``cms.events`` and ``cms.representation`` must not depend on it).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SCOPE_READ_DRAFTS = "read:drafts"
SCOPE_WRITE_FEEDBACK = "write:feedback"
# Sees the change feed unredacted: restricted and unpublished pages' data (cms.api.changes).
SCOPE_READ_PRIVATE = "read:private"
SCOPES = [
    (SCOPE_READ_DRAFTS, _("Read drafts (read:drafts)")),
    (SCOPE_READ_PRIVATE, _("Read private content in the change feed (read:private)")),
    (SCOPE_WRITE_FEEDBACK, _("Send feedback (write:feedback)")),
]
KEY_PREFIX = "kanal_"


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A credential for API consumers. Only a SHA-256 hash of the secret is stored.

    The secret is random (256 bits), so a plain SHA-256 is enough (no password stretching is
    needed for a high-entropy token); it is shown once, when the key is created.
    """

    name = models.CharField(_("name"), max_length=200)
    prefix = models.CharField(_("prefix"), max_length=16, editable=False, db_index=True)
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("permissions"), default=list, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=600, help_text=_("0 means no limit.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    def set_new_secret(self) -> str:
        """Generate a secret, keep only its hash, and return the secret (shown once)."""
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        self.prefix = secret[: len(KEY_PREFIX) + 6]
        self.hashed_key = self.hash(secret)
        return secret

    @classmethod
    def create_with_secret(cls, **fields) -> tuple[ApiKey, str]:
        key = cls(**fields)
        secret = key.set_new_secret()
        key.save()
        return key, secret

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class PageFeedback(models.Model):
    """One reader's answer to "Was this page useful?". The comment is stored as plain text."""

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="api_feedback"
    )
    useful = models.BooleanField(_("useful"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.page_id}: {'ja' if self.useful else 'nej'}"
