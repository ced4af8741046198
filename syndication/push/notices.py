"""Telling the administrators that a target stopped working (e-mail; the dashboard panel
reads ``PushTarget.healthy`` directly)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import mail_admins
from django.utils import translation
from django.utils.translation import gettext as _

from .models import PushTarget

logger = logging.getLogger(__name__)


def notify_target_unhealthy(target: PushTarget, message: str) -> None:
    logger.warning("Push target %s stopped: credentials refused", target.pk)
    values = {"name": target.name, "endpoint": target.endpoint, "message": message}
    with translation.override(settings.LANGUAGE_CODE):
        mail_admins(
            _("The push target %(name)s has been stopped") % values,
            _("The push target %(name)s (%(endpoint)s) refuses the login: %(message)s") % values
            + "\n"
            + _(
                "Kanal has stopped pushing there. Enter new credentials for the target in the "
                "admin (Settings > Push targets); pending pushes then resume."
            ),
            fail_silently=True,
        )
