"""Settings for the test suite: fast hashing, isolated media, tasks run in-process.

``DATABASE_URL`` still selects the database, so the same suite runs on SQLite and PostgreSQL.
"""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "kanal-test-secret-key-that-is-long-enough-for-checks-0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="kanal-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="kanal-test-static-"))
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": KANAL_TASK_QUEUES,  # noqa: F405
    }
}
ALLOWED_HOSTS = ["*"]
KANAL_CREDENTIALS_KEY = "a2FuYWwtdGVzdC1jcmVkZW50aWFscy1rZXktMzJieXQ="
