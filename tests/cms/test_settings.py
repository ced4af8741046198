"""Production settings: secure by default, refuse to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_reports_nothing_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="x7Qp2-production-like-secret-key-for-the-deploy-check-9fKz1LmN0vB",
        ALLOWED_HOSTS="kanal.example.se",
        KANAL_CREDENTIALS_KEY="a2FuYWwtcHJvZC1saWtlLWNyZWRlbnRpYWxzLWtleSE=",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key():
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="cms.settings.production", SECRET_KEY="", ALLOWED_HOSTS="x"
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.slow
def test_production_refuses_to_start_without_a_credentials_key():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="x7Qp2-production-like-secret-key-for-the-deploy-check-9fKz1LmN0vB",
        ALLOWED_HOSTS="x",
        KANAL_CREDENTIALS_KEY="",
    )
    assert result.returncode != 0
    assert "KANAL_CREDENTIALS_KEY is not set" in result.stderr


SQLITE_PROBE = """
import sqlite3
from django.db import connection, transaction
with transaction.atomic():
    cursor = connection.cursor()
    journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    busy = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    # IMMEDIATE: the transaction holds the write lock from its start, so another writer is
    # refused at once instead of deadlocking on a lock upgrade later.
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        locked = False
    except sqlite3.OperationalError:
        locked = True
    other.close()
print(journal, busy, locked)
"""


@pytest.mark.slow
def test_sqlite_default_uses_wal_busy_timeout_and_immediate_transactions(tmp_path):
    result = manage(
        "shell",
        "-c",
        SQLITE_PROBE,
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        KANAL_SQLITE_PATH=str(tmp_path / "probe.sqlite3"),
    )
    assert result.returncode == 0, result.stderr
    journal, busy, locked = result.stdout.strip().splitlines()[-1].split()
    assert journal == "wal"
    assert int(busy) >= 1000
    assert locked == "True"


@pytest.mark.django_db
def test_the_admin_calls_no_third_party_host(admin_client, admin_user):
    """No update check (it calls releases.wagtail.org from the browser), no Gravatar images,
    no oEmbed discovery."""
    from wagtail.embeds.finders import get_finders
    from wagtail.users.utils import get_gravatar_url

    admin_user.email = "redaktor@skola.example.se"
    admin_user.save()
    html = admin_client.get("/admin/").content.decode()
    assert 'data-controller="w-upgrade' not in html
    assert "gravatar" not in html.lower()
    assert get_gravatar_url(admin_user.email) is None
    assert get_finders() == []
