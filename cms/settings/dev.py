"""Settings for ``make run`` and local development: debug on, a fixed insecure key."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("KANAL_DEBUG", True)
SECRET_KEY = SECRET_KEY or "django-insecure-kanal-dev-only-not-for-production"  # noqa: F405
# Serve static files straight from the apps in development: no collectstatic before a run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Mail to administrators (an endpoint disabled, a source unhealthy) is printed, not sent.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
