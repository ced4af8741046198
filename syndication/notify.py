"""E-mail to the administrators when something that crosses to the outside world stops
working: a webhook endpoint disabled, a source turned unhealthy. Besides the dashboard panels,
so nobody has to be looking at the admin to learn of it.

Sent through Django's e-mail backend (the console backend under ``make run``) to the active
superusers with an address and ``KANAL_ADMIN_EMAILS``. Sent after commit: a rolled-back change
e-mails nobody. A mail server that is down is logged, never a failed delivery or poll.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def recipients() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, is_superuser=True).exclude(email="")
    addresses = set(users.values_list("email", flat=True)) | set(settings.KANAL_ADMIN_EMAILS)
    return sorted(addresses)


def email_administrators(subject: str, message: str) -> None:
    def send() -> None:
        to = recipients()
        if not to:
            logger.warning("No administrator has an e-mail address; not sent: %s", subject)
            return
        try:
            send_mail(f"[Kanal] {subject}", message, settings.DEFAULT_FROM_EMAIL, to)
        except Exception:
            logger.exception("Could not e-mail the administrators: %s", subject)

    transaction.on_commit(send)


def endpoint_disabled(endpoint) -> None:
    link = settings.KANAL_BASE_URL + reverse("webhooks:deliveries", args=[endpoint.pk])
    values = {"name": endpoint.name, "url": endpoint.url}
    with translation.override(settings.LANGUAGE_CODE):
        email_administrators(
            _("The webhook %(name)s is disabled") % values,
            _("The webhook %(name)s (%(url)s) has been disabled.") % values
            + f"\n\n{endpoint.disabled_reason}\n\n"
            + _(
                "Pending deliveries are kept and sent in order when the webhook is activated again."
            )
            + "\n"
            + _("Deliveries: %(link)s") % {"link": link}
            + "\n",
        )


def source_unhealthy(source) -> None:
    link = settings.KANAL_BASE_URL + reverse("syndication_source:edit", args=[source.pk])
    values = {
        "name": source.name,
        "url": source.feed_url or source.url,
        "count": source.error_count,
        "error": source.last_error,
        "link": link,
    }
    with translation.override(settings.LANGUAGE_CODE):
        email_administrators(
            _("The source %(name)s is not working") % values,
            _("The source %(name)s (%(url)s) has failed %(count)d times in a row.") % values
            + "\n\n"
            + _("Last error: %(error)s") % values
            + "\n\n"
            + _("Source: %(link)s") % values
            + "\n",
        )
