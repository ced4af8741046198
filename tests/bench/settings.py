"""Settings for the benchmark server: production-like (DEBUG off), plus bench-only URLs.

The bench app comes first so that the stock ``api_fields`` are declared before Wagtail's
API v3 builds its schemas (see ``tests/bench/apps.py``).

The anonymous rate limit is off (the load generator is one client sending thousands of
requests a second), and background tasks are discarded while seeding (the search index and
reference index are not what is measured).
"""

import os

from cms.settings.base import *  # noqa: F403

INSTALLED_APPS = ["tests.bench.apps.BenchConfig", *INSTALLED_APPS]  # noqa: F405
DEBUG = False
SECRET_KEY = "kanal-bench-secret-key-not-for-production-0123456789abcdef"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.bench.urls"
KANAL_API_ANON_RATE_PER_MINUTE = 0
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": KANAL_TASK_QUEUES,  # noqa: F405
    }
}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
BENCH_CEILING_FILE = os.environ.get("BENCH_CEILING_FILE", "")
