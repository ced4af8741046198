"""Hostile input to the pull side's admin and files (issue 14, findings 4 and 9)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from syndication.models import Source
from syndication.pull.opml import OPMLError, import_opml

pytestmark = pytest.mark.django_db


def nested_opml(depth: int) -> bytes:
    opening = '<outline text="mapp">' * depth
    closing = "</outline>" * depth
    return (
        '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><head/><body>'
        f'{opening}<outline text="Blogg" xmlUrl="https://blogg.example.org/feed.xml"/>{closing}'
        "</body></opml>"
    ).encode()


class TestNestedOpml:
    def test_deep_nesting_is_a_readable_refusal(self, pull_tree):
        with pytest.raises(OPMLError, match="djup"):
            import_opml(nested_opml(1200), pull_tree["articles"])
        assert Source.objects.count() == 0

    def test_ordinary_folders_still_become_tags(self, pull_tree):
        result = import_opml(nested_opml(3), pull_tree["articles"])
        assert [source.default_tags for source in result.created] == ["mapp"]

    def test_the_admin_shows_the_refusal(self, admin_client, pull_tree):
        client = Client(raise_request_exception=False)
        client.force_login(_superuser())
        response = client.post(
            reverse("syndication_opml_import"),
            {
                "file": SimpleUploadedFile("djup.opml", nested_opml(1200)),
                "index_page": pull_tree["articles"].pk,
                "policy": "publish",
            },
        )
        assert response.status_code == 200
        assert "djup" in response.content.decode()


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(is_superuser=True)


class TestPollNowRedirect:
    @pytest.mark.parametrize(
        "target",
        [
            "javascript:alert(1)",
            "https://evil.example.net/phish",
            "//evil.example.net/",
            "/\\evil.example.net/",
            "http:evil.example.net",
        ],
    )
    def test_only_local_next_urls_are_followed(self, admin_client, make_source, target):
        source = make_source()
        client = Client(raise_request_exception=False)
        client.force_login(_superuser())
        response = client.post(reverse("syndication_poll_now", args=[source.pk]), {"next": target})
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")

    def test_a_local_next_is_followed(self, admin_client, make_source):
        source = make_source()
        response = admin_client.post(
            reverse("syndication_poll_now", args=[source.pk]), {"next": "/admin/pages/"}
        )
        assert response["Location"] == "/admin/pages/"
