"""Production settings: secure by default, configured from the environment.

``SECRET_KEY`` is required; the process refuses to start without it. ``manage.py check
--deploy`` reports nothing with these settings.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` and export it."
    )

KANAL_CREDENTIALS_KEY = os.environ.get("KANAL_CREDENTIALS_KEY", "")
if not KANAL_CREDENTIALS_KEY:
    raise ImproperlyConfigured(
        "KANAL_CREDENTIALS_KEY is not set: push-target credentials are encrypted with it. "
        "Generate one with `python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'` and export it."
    )

SECURE_SSL_REDIRECT = env_bool("KANAL_SSL_REDIRECT", True)
if env_bool("KANAL_BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("KANAL_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KANAL_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("KANAL_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail marks its own preview views SAMEORIGIN; everything else may not be framed.
X_FRAME_OPTIONS = "DENY"
