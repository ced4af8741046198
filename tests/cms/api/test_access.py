"""Headless preview tokens, API keys with scopes, rate limits, and reader feedback."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.api.preview import make_token
from cms.models import ApiKey, ArticleIndexPage, ArticlePage, PageFeedback

from .helpers import add_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(site):
    page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
    page.title = "Rubrik i utkastet"
    revision = page.save_revision()
    return page, revision


@pytest.fixture
def admin_client(client, site):
    user = get_user_model().objects.create_superuser("redaktor", "r@example.org", "pw")
    client.force_login(user)
    return client


def key_with(*scopes, limit=600):
    return ApiKey.create_with_secret(name="Test", scopes=list(scopes), rate_limit_per_minute=limit)


class TestPreview:
    def preview(self, client, page, token, **extra):
        return client.get(
            f"/api/v2/preview/{page.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}", **extra
        )

    def test_token_shows_the_draft(self, client, draft):
        page, revision = draft
        response = self.preview(client, page, make_token(page, revision))
        assert response.status_code == 200
        assert response.json()["title"] == "Rubrik i utkastet"
        assert response.json()["meta"]["revision"] == revision.pk
        assert response["Cache-Control"] == "private, no-store"
        assert client.get(f"/api/v2/pages/{page.pk}/").json()["title"] != "Rubrik i utkastet"

    def test_token_is_bound_to_its_revision(self, client, draft):
        page, revision = draft
        token = make_token(page, revision)
        page.title = "Ännu nyare"
        page.save_revision()
        assert self.preview(client, page, token).json()["title"] == "Rubrik i utkastet"

    def test_expired_token_is_403(self, client, draft):
        page, revision = draft
        token = make_token(page, revision)
        with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
            assert self.preview(client, page, token).status_code == 200
        with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
            response = self.preview(client, page, token)
        assert response.status_code == 403
        assert "expired" in response.json()["message"]

    def test_tampered_token_is_403(self, client, draft):
        page, revision = draft
        token = make_token(page, revision)
        tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        assert self.preview(client, page, tampered).status_code == 403
        assert self.preview(client, page, "not-a-token").status_code == 403

    def test_wrong_page_token_is_403(self, client, draft):
        page, revision = draft
        other = ArticlePage.objects.exclude(pk=page.pk).first()
        assert self.preview(client, other, make_token(page, revision)).status_code == 403

    def test_token_only_in_authorization_header(self, client, draft):
        page, revision = draft
        token = make_token(page, revision)
        response = client.get(f"/api/v2/preview/{page.pk}/?token={token}")
        assert response.status_code == 400
        assert response.json()["message"].startswith("token:")
        assert client.get(f"/api/v2/preview/{page.pk}/").status_code == 401

    def test_read_drafts_key_sees_latest_revision(self, client, draft):
        page, _revision = draft
        _key, secret = key_with("read:drafts")
        response = client.get(f"/api/v2/preview/{page.pk}/", HTTP_AUTHORIZATION=f"Api-Key {secret}")
        assert response.json()["title"] == "Rubrik i utkastet"
        _key, weak = key_with("write:feedback")
        response = client.get(f"/api/v2/preview/{page.pk}/", HTTP_AUTHORIZATION=f"Api-Key {weak}")
        assert response.status_code == 403

    def test_admin_button_opens_front_end_with_a_working_token(self, admin_client, draft, settings):
        settings.KANAL_FRONTEND_URL = "https://skola.example"
        page, _revision = draft
        edit = admin_client.get(f"/admin/pages/{page.pk}/edit/")
        assert f"/admin/kanal/preview/{page.pk}/" in edit.content.decode()
        response = admin_client.get(f"/admin/kanal/preview/{page.pk}/")
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == (
            "https://skola.example/preview/"
        )
        query = parse_qs(location.query)
        assert query["page"] == [str(page.pk)]
        admin_client.logout()
        preview = self.preview(admin_client, page, query["token"][0])
        assert preview.json()["title"] == "Rubrik i utkastet"

    def test_anonymous_cannot_mint_tokens(self, client, draft):
        page, _ = draft
        response = client.get(f"/admin/kanal/preview/{page.pk}/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


class TestApiKeys:
    def test_admin_creates_key_shown_once_and_stored_hashed(self, admin_client):
        response = admin_client.post(
            "/admin/api_keys/new/",
            {"name": "Skolwebben", "scopes": ["read:drafts"], "rate_limit_per_minute": "100"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        secret = html.split('id="api-key-secret">')[1].split("<")[0]
        assert secret.startswith("kanal_") and len(secret) > 40
        key = ApiKey.objects.get(name="Skolwebben")
        assert key.hashed_key == ApiKey.hash(secret)
        assert secret not in str(ApiKey.objects.filter(pk=key.pk).values().get())
        assert key.scopes == ["read:drafts"]
        edit = admin_client.get(f"/admin/api_keys/edit/{key.pk}/").content.decode()
        assert secret not in edit
        assert admin_client.get("/admin/api_keys/").status_code == 200

    def test_unknown_and_revoked_keys_are_401(self, client, site):
        response = client.get("/api/v2/pages/", HTTP_AUTHORIZATION="Api-Key kanal_nope")
        assert response.status_code == 401
        assert response.json()["message"]
        key, secret = key_with()
        assert (
            client.get("/api/v2/pages/", HTTP_AUTHORIZATION=f"Api-Key {secret}").status_code == 200
        )
        key.revoked_at = timezone.now()
        key.save()
        assert (
            client.get("/api/v2/pages/", HTTP_AUTHORIZATION=f"Api-Key {secret}").status_code == 401
        )

    @time_machine.travel("2026-11-22 12:00:30Z", tick=False)  # mid-window: no reset mid-test
    def test_per_key_rate_limit_answers_429_with_retry_after(self, client, site):
        _key, secret = key_with(limit=3)
        statuses = [
            client.get("/api/v2/themes/", HTTP_AUTHORIZATION=f"Api-Key {secret}").status_code
            for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        response = client.get("/api/v2/themes/", HTTP_AUTHORIZATION=f"Api-Key {secret}")
        assert response["Retry-After"] == "30"
        assert "rate limit" in response.json()["message"]
        _other, other_secret = key_with(limit=3)
        ok = client.get("/api/v2/themes/", HTTP_AUTHORIZATION=f"Api-Key {other_secret}")
        assert ok.status_code == 200

    @time_machine.travel("2026-11-22 12:00:30Z", tick=False)
    def test_anonymous_rate_limit(self, client, site, settings):
        settings.KANAL_API_ANON_RATE_PER_MINUTE = 2
        assert [client.get("/api/v2/pages/").status_code for _ in range(3)] == [200, 200, 429]


class TestFeedback:
    def post(self, client, data, **extra):
        return client.post("/api/v2/feedback/", data, content_type="application/json", **extra)

    def test_feedback_is_stored_as_plain_text(self, client, site):
        page = ArticlePage.objects.live().first()
        response = self.post(
            client,
            {
                "page": page.pk,
                "useful": False,
                "comment": "<b>Bra</b> men <script>x()</script>\x07svår",
            },
        )
        assert response.status_code == 201
        stored = PageFeedback.objects.get()
        assert (stored.page_id, stored.useful) == (page.pk, False)
        assert "<" not in stored.comment and "\x07" not in stored.comment
        assert stored.comment.startswith("Bra men")

    @pytest.mark.parametrize(
        ("body", "parameter"),
        [
            ({"useful": True}, "page"),
            ({"page": "x", "useful": True}, "page"),
            ({"page": 1, "useful": "kanske"}, "useful"),
            ({"page": 1, "useful": True, "extra": 1}, "extra"),
        ],
    )
    def test_bad_feedback_is_400_naming_the_field(self, client, site, body, parameter):
        response = self.post(client, body)
        assert response.status_code == 400
        assert response.json()["message"].startswith(f"{parameter}:")

    def test_comment_length_is_capped(self, client, site, settings):
        page = ArticlePage.objects.live().first()
        settings.KANAL_FEEDBACK_COMMENT_MAX = 10
        response = self.post(client, {"page": page.pk, "useful": True, "comment": "x" * 11})
        assert response.status_code == 400 and response.json()["message"].startswith("comment:")

    def test_only_live_public_pages(self, client, site):
        draft = add_article(ArticleIndexPage.objects.get(), "Utkast", live=False)
        response = self.post(client, {"page": draft.pk, "useful": True})
        assert response.status_code == 400
        assert PageFeedback.objects.count() == 0

    @time_machine.travel("2026-11-22 12:00:30Z", tick=False)
    def test_rate_limited(self, client, site, settings):
        settings.KANAL_API_FEEDBACK_RATE_PER_MINUTE = 2
        page = ArticlePage.objects.live().first()
        codes = [self.post(client, {"page": page.pk, "useful": True}).status_code for _ in range(3)]
        assert codes == [201, 201, 429]

    def test_keys_need_the_write_feedback_scope(self, client, site):
        page = ArticlePage.objects.live().first()
        _key, secret = key_with("read:drafts")
        response = self.post(
            client, {"page": page.pk, "useful": True}, HTTP_AUTHORIZATION=f"Api-Key {secret}"
        )
        assert response.status_code == 403
        _key, secret = key_with("write:feedback")
        response = self.post(
            client, {"page": page.pk, "useful": True}, HTTP_AUTHORIZATION=f"Api-Key {secret}"
        )
        assert response.status_code == 201

    def test_report_in_the_admin(self, admin_client):
        page = ArticlePage.objects.live().first()
        for useful in (True, True, False):
            PageFeedback.objects.create(page=page, useful=useful, comment="Tydlig & bra")
        html = admin_client.get("/admin/kanal/feedback/").content.decode()
        assert page.title in html
        assert '<td class="feedback-yes">2</td>' in html
        assert '<td class="feedback-no">1</td>' in html
        assert "Tydlig &amp; bra" in html
