"""Schemathesis against ``/api/v2/schema/``: 0 server errors, 0 schema violations (issue 14).

Every operation of the published OpenAPI document is exercised with generated requests,
in-process through the WSGI application (so it shares the test database with the seeded demo
site). Each response must not be a 5xx and must conform to the schema: documented status
code, content type, headers and body. Generation is derandomised (the same cases every run)
and bounded per operation, so the test is repeatable and takes a bounded time.
"""

from __future__ import annotations

import contextlib

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 40


@pytest.fixture
def unthrottled(settings):
    settings.KANAL_API_ANON_RATE_PER_MINUTE = 0
    settings.KANAL_API_FEEDBACK_RATE_PER_MINUTE = 0


def _exercise(operation, label: str, calls: dict[str, int], failures: list[str]):
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def exercise(case):
        calls[label] += 1
        try:
            case.call_and_validate(checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{label}: {exc}"[:2000])
            raise

    return exercise


@contextlib.contextmanager
def connection_kept_open():
    """What Django's test client does: requests must not close the test's DB connection.

    The WSGI handler closes "old" connections when a request starts and ends; on PostgreSQL
    that would close the connection holding the test's transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run_schemathesis(only: str | None = None) -> tuple[list[str], dict[str, int]]:
    """Failures (one line each) and the number of requests sent, per operation."""
    with connection_kept_open():
        return _run(only)


def _run(only: str | None) -> tuple[list[str], dict[str, int]]:
    app = WSGIHandler()
    schema = schemathesis.openapi.from_wsgi("/api/v2/schema/", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    if only:
        operations = [op for op in operations if op.path == only]
    failures: list[str] = []
    calls: dict[str, int] = {}

    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        calls[label] = 0
        exercise = _exercise(operation, label, calls, failures)
        try:
            exercise()
        except (Exception, BaseExceptionGroup) as exc:
            if not calls[label]:
                failures.append(f"{label}: nothing generated: {exc!r}"[:2000])
    return failures, calls


def test_every_operation_conforms_and_never_fails(site, unthrottled):
    failures, calls = run_schemathesis()
    assert len(calls) >= 10, f"the schema should describe every public endpoint: {calls}"
    assert all(count > 0 for count in calls.values()), calls
    assert failures == [], "\n\n".join(f[:700] for f in failures)


class TestTheHarnessCanFail:
    """The premise: a server error or a response off the schema is reported."""

    def test_a_server_error_is_reported(self, site, unthrottled, monkeypatch):
        from cms.api.endpoints import ThemesEndpoint

        def broken(self, objects):
            raise RuntimeError("planted bug")

        monkeypatch.setattr(ThemesEndpoint, "represent", broken)
        failures, _calls = run_schemathesis("/api/v2/themes/")
        assert failures and "500" in failures[0]

    def test_a_schema_violation_is_reported(self, site, unthrottled, monkeypatch):
        from cms.api.endpoints import ThemesEndpoint

        monkeypatch.setattr(ThemesEndpoint, "represent", lambda self, objects: [{"id": "x"}])
        failures, _calls = run_schemathesis("/api/v2/themes/")
        assert failures and "schema" in failures[0].lower()
