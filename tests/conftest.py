"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL when DATABASE_URL says so."""

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_site(db):
    """The demo site as `make run` loads it."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from cms.models import HomePage

    return HomePage.objects.get(depth=2, locale__language_code="sv")
