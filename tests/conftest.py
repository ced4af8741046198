"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL when DATABASE_URL says so."""

import os

import pytest
import redis
from django.core.management import call_command

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def redis_required() -> bool:
    """Under CI (``CI`` or ``KANAL_REQUIRE_REDIS`` set) a missing Redis is a failure."""
    return bool(os.environ.get("CI") or os.environ.get("KANAL_REQUIRE_REDIS"))


@pytest.fixture(autouse=True)
def _redis_for_redis_tests(request):
    """Tests marked ``redis`` need a Redis server on 127.0.0.1:6379. Without one they skip on
    a laptop and fail under CI, like the browser tests without Chromium."""
    if request.node.get_closest_marker("redis") is None:
        return
    try:
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        reason = f"needs Redis on {REDIS_HOST}:{REDIS_PORT} ({exc})"
        if redis_required():
            pytest.fail(f"{reason}; required under CI / KANAL_REQUIRE_REDIS", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def demo_site(db):
    """The demo site as `make run` loads it."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from cms.models import HomePage

    return HomePage.objects.get(depth=2, locale__language_code="sv")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """Browser tests on SQLite get a test database in a file instead of shared memory.

    The live server answers each request in its own thread; with a file every thread opens
    its own connection (as gunicorn's workers do), instead of all of them sharing the test's
    single in-memory connection, which breaks when the admin sends requests in parallel
    (autosave while publishing). Runs without browser tests keep the faster in-memory database.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and any(
        item.get_closest_marker("browser") for item in request.session.items
    ):
        folder = request.getfixturevalue("tmp_path_factory").mktemp("sqlite")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
