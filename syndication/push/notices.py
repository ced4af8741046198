"""Telling the administrators that a target stopped working (e-mail; the dashboard panel
reads ``PushTarget.healthy`` directly)."""

from __future__ import annotations

import logging

from django.core.mail import mail_admins

from .models import PushTarget

logger = logging.getLogger(__name__)


def notify_target_unhealthy(target: PushTarget, message: str) -> None:
    logger.warning("Push target %s stopped: credentials refused", target.pk)
    mail_admins(
        f"Publiceringsmålet {target.name} har stoppats",
        f"Publiceringsmålet {target.name} ({target.endpoint}) avvisar inloggningen: {message}\n"
        "Kanal har slutat publicera dit. Ange nya inloggningsuppgifter för målet i "
        "administrationen (Inställningar > Publiceringsmål); väntande publiceringar fortsätter då.",
        fail_silently=True,
    )
