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
    email_administrators(
        f"Webhooken {endpoint.name} är avstängd",
        f"Webhooken {endpoint.name} ({endpoint.url}) har stängts av.\n\n"
        f"{endpoint.disabled_reason}\n\n"
        "Väntande leveranser sparas och skickas i ordning när webhooken aktiveras igen.\n"
        f"Leveranser: {link}\n",
    )


def source_unhealthy(source) -> None:
    link = settings.KANAL_BASE_URL + reverse("syndication_source:edit", args=[source.pk])
    email_administrators(
        f"Källan {source.name} fungerar inte",
        f"Källan {source.name} ({source.feed_url or source.url}) har misslyckats "
        f"{source.error_count} gånger i rad.\n\nSenaste fel: {source.last_error}\n\n"
        f"Källa: {link}\n",
    )
