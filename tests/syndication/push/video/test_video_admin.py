"""The admin shows today's YouTube spend and what waits; the command line adds video targets,
shows the quota and relinks a PeerTube record; the API documents the fakes enforce."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from syndication.push import quota
from syndication.push.models import PushTarget
from syndication.push.video_models import VideoChannel
from tests.support.apidoc import DiscoveryDocument, OpenAPIDocument

pytestmark = pytest.mark.django_db


class TestQuotaInTheAdmin:
    def test_the_report_shows_todays_spend_and_the_waiting_pages(
        self, client, django_user_model, video_editor, yt_target, youtube
    ):
        youtube.add_video("kanalvid900")
        page = video_editor.publish_new(
            "Väntar på kvot", "https://www.youtube.com/watch?v=kanalvid900"
        )
        quota.reserve(yt_target, 123, timezone.now())
        admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
        client.force_login(admin)
        response = client.get(reverse("syndication_video_quota"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "123" in body and "8000" in body
        assert page.title in body
        dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "YouTube-kvot i dag" in dashboard and "123 / 8000" in dashboard

    def test_editors_without_the_permission_are_refused(self, client, django_user_model, yt_target):
        user = django_user_model.objects.create_user("redaktor", "r@example.org", "pw")
        from django.contrib.auth.models import Permission

        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(user)
        assert client.get(reverse("syndication_video_quota")).status_code in (302, 403)


class TestCommand:
    def test_add_peertube_and_youtube_targets_with_secrets_from_the_environment(
        self, monkeypatch, allow_loopback
    ):
        monkeypatch.setenv("PT_PASSWORD", "hemligt")
        call_command(
            "video_targets", "add", "peertube", "http://127.0.0.1:9/", "--channel", "kanal",
            "--username", "kanal", "--password-env", "PT_PASSWORD", stdout=StringIO(),
        )  # fmt: skip
        monkeypatch.setenv("YT_SECRET", "client-secret")
        monkeypatch.setenv("YT_REFRESH", "refresh")
        call_command(
            "video_targets", "add", "youtube", "--channel", "UCkanal", "--client-id", "id",
            "--client-secret-env", "YT_SECRET", "--refresh-token-env", "YT_REFRESH", "--store",
            "--budget", "5000", stdout=StringIO(),
        )  # fmt: skip
        pt, yt = PushTarget.objects.order_by("pk")
        assert (
            pt.kind == "peertube"
            and pt.credentials_env == "PT_PASSWORD"
            and pt.secret() == "hemligt"
        )
        assert yt.kind == "youtube" and not yt.credentials_env and yt.secret() == "refresh"
        assert "refresh" not in yt.credentials_encrypted
        channel = VideoChannel.objects.get(target=yt)
        assert channel.client_secret() == "client-secret" and channel.daily_budget == 5000
        out = StringIO()
        call_command("video_targets", "quota", stdout=out)
        assert "0/5000 units" in out.getvalue()


class TestTheDocumentsCatchDrift:
    """The validators are what makes the fakes trustworthy: prove they refuse what the
    documents refuse."""

    def test_peertube_refuses_an_undeclared_parameter_a_bad_body_and_a_wrong_method(
        self, peertube_document
    ):
        api = OpenAPIDocument(peertube_document)
        assert (
            api.validate("GET", "/api/v1/users/me/videos/imports", {"targetUrl": ["x"]}, "", b"")
            == []
        )
        assert api.validate("GET", "/api/v1/users/me/videos/imports", {"target": ["x"]}, "", b"")
        body = b"client_id=" + b"a" * 32 + b"&client_secret=" + b"b" * 32 + b"&grant_type=password"
        problems = api.validate(
            "POST", "/api/v1/users/token", {}, "application/x-www-form-urlencoded", body
        )
        assert problems  # username and password missing
        assert api.validate("PATCH", "/api/v1/videos/abc", {}, "", b"")
        tags = "&".join(f"tags=t{n}" for n in range(6)).encode()
        assert api.validate(
            "PUT", "/api/v1/videos/2y84q2MQUMWPbiEcxNXMgC", {},
            "application/x-www-form-urlencoded", tags,
        )  # fmt: skip

    def test_youtube_refuses_a_missing_id_an_unknown_field_and_a_bad_part(self, youtube_document):
        api = DiscoveryDocument(youtube_document)
        good = b'{"id": "abc", "snippet": {"title": "t", "categoryId": "27"}}'
        assert api.validate("PUT", "/youtube/v3/videos", {"part": ["snippet"]}, good) == []
        assert api.validate("PUT", "/youtube/v3/videos", {"part": ["snippet"]}, b'{"snippet": {}}')
        assert api.validate(
            "PUT", "/youtube/v3/videos", {"part": ["snippet"]}, b'{"id": "a", "snipet": {}}'
        )
        assert api.validate("PUT", "/youtube/v3/videos", {}, good)  # part is required
        assert api.validate("GET", "/youtube/v3/videos", {"part": ["snippet"], "idd": ["x"]}, b"")
