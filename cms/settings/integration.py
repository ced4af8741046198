"""Settings for the processes that integration tests and benchmarks start (workers, relay).

Like ``production`` minus TLS, with a fixed key; ``DATABASE_URL``/``REDIS_URL`` choose the
database and the task backend as usual. Tests shorten the delivery clock through
``KANAL_TEST_*`` variables so a crash test finishes in seconds, not days.
"""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY") or "kanal-integration-only-not-for-production-0123456789"
ALLOWED_HOSTS = ["*"]

if os.environ.get("KANAL_TEST_RETRY_SCHEDULE"):
    KANAL_WEBHOOK_RETRY_SCHEDULE = [
        float(s) for s in os.environ["KANAL_TEST_RETRY_SCHEDULE"].split(",")
    ]
if os.environ.get("KANAL_TEST_PUSH_RETRY_BASE_SECONDS"):
    KANAL_PUSH_RETRY_BASE_SECONDS = float(os.environ["KANAL_TEST_PUSH_RETRY_BASE_SECONDS"])
    KANAL_PUSH_RETRY_MAX_DELAY_SECONDS = KANAL_PUSH_RETRY_BASE_SECONDS
if os.environ.get("KANAL_TEST_LEASE_SECONDS"):
    KANAL_DELIVERY_LEASE_SECONDS = float(os.environ["KANAL_TEST_LEASE_SECONDS"])
if os.environ.get("KANAL_TEST_REQUEUE_SECONDS"):
    KANAL_DELIVERY_REQUEUE_SECONDS = float(os.environ["KANAL_TEST_REQUEUE_SECONDS"])
if os.environ.get("KANAL_TEST_MAX_IN_FLIGHT"):
    KANAL_WEBHOOK_MAX_IN_FLIGHT = int(os.environ["KANAL_TEST_MAX_IN_FLIGHT"])
KANAL_RELAY_INTERVAL = float(os.environ.get("KANAL_TEST_RELAY_INTERVAL", "1.0"))

LOGGING = {
    **LOGGING,  # noqa: F405
    "root": {"handlers": ["console"], "level": os.environ.get("KANAL_LOG_LEVEL", "WARNING")},
}
