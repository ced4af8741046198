"""The bookkeeping of the weekly review reminder (``cms.review``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewReminder(models.Model):
    """One reminder e-mail sent to one page owner for one reminder period.

    The row is written before the mail is sent and is unique per (owner, period), so two
    relays, a relay restart or the command run by hand never send a period's reminder twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    period_start = models.DateField(_("period"))
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period_start"], name="cms_review_reminder_once_per_period"
            )
        ]
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
