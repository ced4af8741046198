"""What the video targets (PeerTube, YouTube) keep beside the push machinery's own rows.

* ``VideoChannel`` — per target: the channel videos go to (PeerTube handle / YouTube channel
  id), PeerTube's privacy, category and language, the OAuth session (access and refresh
  tokens, Fernet-encrypted like every credential) and YouTube's daily budget.
* ``VideoRecordState`` — per syndication record: PeerTube's import (id, state, its reason
  when it failed), whether the remote video was *linked* rather than imported, whether it was
  found deleted remotely (404), the thumbnail last sent and the tags PeerTube could not take.
* ``QuotaLedger`` — YouTube units spent per target and Pacific day (the quota resets at
  midnight Pacific time). Units are reserved before a request is sent, so concurrent workers
  never overspend the budget together.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import credentials
from .models import PushTarget, SyndicationRecord


class PeerTubePrivacy(models.IntegerChoices):
    # PeerTube's VideoPrivacy ids (GET /api/v1/videos/privacies).
    PUBLIC = 1, _("public")
    UNLISTED = 2, _("unlisted")
    PRIVATE = 3, _("private")
    INTERNAL = 4, _("internal")


class VideoChannel(models.Model):
    target = models.OneToOneField(
        PushTarget, on_delete=models.CASCADE, related_name="video_channel", primary_key=True
    )
    channel = models.CharField(
        _("channel"),
        max_length=200,
        help_text=_("PeerTube: the channel's name (handle). YouTube: the channel's id (UC…)."),
    )
    privacy = models.PositiveSmallIntegerField(
        _("visibility on PeerTube"), choices=PeerTubePrivacy.choices, default=PeerTubePrivacy.PUBLIC
    )
    category = models.PositiveSmallIntegerField(_("PeerTube category"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, default="sv")
    # PeerTube: the host name the instance's videos are known by, when the API is reached at
    # another address (e.g. an internal one). Videos of this host are linked, not imported.
    instance_host = models.CharField(_("instance host name"), max_length=253, blank=True)
    # YouTube: the OAuth client (the id is not secret; the secret is encrypted or in the env)
    # and the token endpoint (Google's unless a test points it at loopback).
    client_id = models.CharField(_("OAuth client id"), max_length=300, blank=True)
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    client_secret_env = models.CharField(max_length=100, blank=True)
    token_url = models.URLField(max_length=500, blank=True)
    daily_budget = models.PositiveIntegerField(
        _("daily budget (units)"),
        null=True,
        blank=True,
        help_text=_("Empty = KANAL_YOUTUBE_DAILY_BUDGET."),
    )
    # The OAuth session: a Fernet-encrypted JSON object (PeerTube's local client id/secret,
    # access and refresh tokens; YouTube's access token). Never shown, never logged.
    session_encrypted = models.TextField(blank=True, editable=False)
    access_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("video channel")
        verbose_name_plural = _("video channels")

    def __str__(self) -> str:
        return f"{self.target.name}: {self.channel}"

    def __repr__(self) -> str:
        return f"<VideoChannel {self.target_id} {self.channel!r}>"

    def set_client_secret(self, secret: str) -> None:
        self.client_secret_encrypted = credentials.encrypt(secret)
        self.client_secret_env = ""

    def client_secret(self) -> str:
        if self.client_secret_env:
            return credentials.from_environment(self.client_secret_env)
        if self.client_secret_encrypted:
            return credentials.decrypt(self.client_secret_encrypted)
        raise credentials.CredentialsError(
            f"The YouTube target {self.target.name!r} has no OAuth client secret: enter it, or "
            "name an environment variable that holds it."
        )


class ImportState(models.TextChoices):
    NONE = "", _("none")
    PENDING = "pending", _("importing")
    SUCCESS = "success", _("imported")
    FAILED = "failed", _("import failed")


class VideoRecordState(models.Model):
    record = models.OneToOneField(
        SyndicationRecord, on_delete=models.CASCADE, related_name="video_state", primary_key=True
    )
    import_id = models.BigIntegerField(null=True, blank=True)
    import_state = models.CharField(max_length=10, choices=ImportState.choices, blank=True)
    import_error = models.TextField(blank=True)
    # The page's video already lives on that instance: the record points at it, nothing is
    # imported and nothing is pushed back to its origin.
    linked = models.BooleanField(default=False)
    # The remote video answered 404: deleted over there. The editor relinks or re-imports.
    remote_missing = models.BooleanField(default=False)
    thumbnail_key = models.CharField(max_length=200, blank=True)
    dropped_tags = models.JSONField(default=list, blank=True)
    # Hash of the metadata last sent: an update equal to it is not sent again.
    sent_fingerprint = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("video state")
        verbose_name_plural = _("video states")


class QuotaLedger(models.Model):
    target = models.ForeignKey(PushTarget, on_delete=models.CASCADE, related_name="quota_days")
    day = models.DateField(_("day (Pacific time)"))
    units = models.PositiveIntegerField(_("units spent"), default=0)
    requests = models.PositiveIntegerField(default=0)
    # YouTube answered 403 quotaExceeded: nothing more today, whatever our own count says.
    exhausted = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quota day")
        verbose_name_plural = _("quota days")
        constraints = [
            models.UniqueConstraint(fields=["target", "day"], name="quota_ledger_per_target_day")
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.day}: {self.units}"
