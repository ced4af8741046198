"""``manage.py ensure_admin``: the demo superuser from ``KANAL_ADMIN_USER`` /
``KANAL_ADMIN_PASSWORD`` (declared in cms/settings/base.py), created once."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_creates_the_configured_superuser_once(settings):
    settings.KANAL_ADMIN_USER, settings.KANAL_ADMIN_PASSWORD = "redaktor", "s3kret-demo"
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    user = get_user_model().objects.get(username="redaktor")
    assert (user.is_superuser, user.check_password("s3kret-demo")) == (True, True)
    assert "Created superuser 'redaktor'" in out.getvalue()

    again = io.StringIO()
    call_command("ensure_admin", stdout=again)
    assert again.getvalue() == "Superuser 'redaktor' already exists.\n"
    assert get_user_model().objects.filter(username="redaktor").count() == 1
