"""The WebSub publisher's rows: one per (hub, feed), the truth about pings owed.

A row is *pending* while ``due_at`` is set. Asking for a ping of a feed that is already
pending changes nothing, and a feed pinged less than ``KANAL_WEBSUB_PING_INTERVAL`` seconds
ago becomes due only when the interval has passed: 50 publishes in a minute cost one ping
per feed per interval. Sending claims a row by moving ``due_at`` forward by a lease, so a
worker killed mid-ping leaves a row the relay picks up again; a failed ping backs off.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WebSubPingQuerySet(models.QuerySet):
    def due(self, now) -> WebSubPingQuerySet:
        return self.filter(due_at__lte=now).order_by("due_at")

    def pending(self) -> WebSubPingQuerySet:
        return self.filter(due_at__isnull=False)


class WebSubPing(models.Model):
    hub = models.URLField(_("hub"), max_length=500)
    topic = models.URLField(_("feed"), max_length=500)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    requested_at = models.DateTimeField(_("last requested"), null=True, blank=True)
    last_pinged_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = WebSubPingQuerySet.as_manager()

    class Meta:
        verbose_name = _("WebSub ping")
        verbose_name_plural = _("WebSub pings")
        constraints = [
            models.UniqueConstraint(fields=["hub", "topic"], name="websub_ping_unique_hub_topic")
        ]

    def __str__(self) -> str:
        return f"{self.topic} -> {self.hub}"
