"""Push to a REAL WordPress (Debian's package, REST API wp/v2, application password)."""

from __future__ import annotations

import pytest

from cms.events.models import Event
from syndication.push.models import PushDelivery, RecordStatus, SyndicationRecord

pytestmark = [pytest.mark.wordpress, pytest.mark.slow, pytest.mark.django_db(transaction=False)]


def record_of(page, target) -> SyndicationRecord:
    return SyndicationRecord.objects.get(page_id=page.pk, target=target)


class TestWordPressLifecycle:
    def test_publish_creates_one_post_with_content_terms_and_canonical_link(
        self, editor, wp_target, wordpress
    ):
        page = editor.publish_new("Läslyftet i förskolan", intro="Om läsning")
        page = editor.edit(page, tags=["läsning"])

        rec = record_of(page, wp_target)
        assert rec.status == RecordStatus.PUBLISHED, rec.last_error
        posts = wordpress.posts(rec.intent_key)
        assert len(posts) == 1
        post = posts[0]
        assert str(post["id"]) == rec.remote_id
        assert post["link"] == rec.remote_url
        assert post["status"] == "publish"
        assert post["title"]["raw"] == "Läslyftet i förskolan"
        assert "Om läsning" in post["excerpt"]["raw"]
        canonical = page.specific.full_url or ""
        assert 'rel="canonical"' in post["content"]["raw"]
        assert "/nyheter/" in post["content"]["raw"], canonical
        tags = wordpress.api("/wp/v2/tags", include=",".join(map(str, post["tags"])))
        assert [t["name"] for t in tags] == ["läsning"]

    def test_an_edit_updates_the_same_post(self, editor, wp_target, wordpress):
        page = editor.publish_new("Första titeln")
        first = record_of(page, wp_target)
        editor.edit(page, title="Andra titeln")

        rec = record_of(page, wp_target)
        assert rec.remote_id == first.remote_id
        posts = wordpress.posts(rec.intent_key)
        assert [p["title"]["raw"] for p in posts] == ["Andra titeln"]
        assert rec.last_version > first.last_version

    def test_unpublish_moves_the_post_to_draft(self, editor, wp_target, wordpress):
        page = editor.publish_new("Avpubliceras")
        editor.unpublish(page)

        rec = record_of(page, wp_target)
        assert rec.status == RecordStatus.WITHDRAWN
        assert [p["status"] for p in wordpress.posts(rec.intent_key)] == ["draft"]

    def test_republish_after_unpublish_brings_the_same_post_back(
        self, editor, wp_target, wordpress
    ):
        page = editor.publish_new("Tillbaka")
        editor.unpublish(page)
        editor.edit(page, title="Tillbaka igen")

        rec = record_of(page, wp_target)
        posts = wordpress.posts(rec.intent_key)
        assert [(p["status"], p["title"]["raw"]) for p in posts] == [("publish", "Tillbaka igen")]

    def test_delete_trashes_the_post(self, editor, wp_target, wordpress):
        page = editor.publish_new("Raderas")
        rec = record_of(page, wp_target)
        remote_id = rec.remote_id
        editor.delete(page)

        rec.refresh_from_db()
        assert rec.status == RecordStatus.DELETED
        post = wordpress.api(f"/wp/v2/posts/{remote_id}", context="edit")
        assert post["status"] == "trash"

    def test_unpublish_can_trash_instead_and_republishing_creates_a_fresh_post(
        self, editor, wp_target, wordpress
    ):
        wp_target.unpublish_action = "trash"
        wp_target.save()
        page = editor.publish_new("Papperskorgen")
        first = record_of(page, wp_target)
        editor.unpublish(page)
        trashed = wordpress.api(f"/wp/v2/posts/{first.remote_id}", context="edit")
        assert trashed["status"] == "trash"
        editor.edit(page, title="Papperskorgen igen")
        rec = record_of(page, wp_target)
        assert rec.remote_id != first.remote_id
        assert [p["status"] for p in wordpress.posts(rec.intent_key)] == ["publish"]

    def test_a_wrong_application_password_is_refused_and_counted(
        self, editor, wp_target, wordpress, settings
    ):
        settings.KANAL_PUSH_RETRY_BASE_SECONDS = 0
        wp_target.set_secret("fel fel fel fel fel fel")
        wp_target.save()
        page = editor.publish_new("Fel lösenord")
        delivery = PushDelivery.objects.get(page_id=page.pk)
        assert delivery.last_status_code == 401, delivery.last_error
        wp_target.refresh_from_db()
        assert wp_target.auth_failures == 1 and wp_target.healthy

    def test_featured_image_is_uploaded_once_and_themes_become_categories(
        self, editor, wp_target, wordpress
    ):
        import io
        import uuid

        from django.core.files.images import ImageFile
        from wagtail.images import get_image_model

        from cms.demo.media import landscape_png
        from themes.models import Theme

        marker = uuid.uuid4().hex[:8]
        theme = Theme.objects.create(name=f"Ledarskap {marker}", slug=f"ledarskap-{marker}")
        image = get_image_model()(
            title="Skolgård",
            file=ImageFile(io.BytesIO(landscape_png("x")), name=f"skolgard-{marker}.png"),
        )
        image.save()
        body = [{"type": "image", "value": {"image": image.pk, "caption": "", "alt_text": "Gård"}}]
        page = editor.publish_new("Med bild", body=body)
        page = editor.edit(page, themes=[theme])
        first = record_of(page, wp_target)
        editor.edit(page, title="Med bild, ändrad")

        rec = record_of(page, wp_target)
        assert rec.remote_media_id and rec.remote_media_id == first.remote_media_id
        media = wordpress.api("/wp/v2/media", search=f"skolgard-{marker}", context="edit")
        assert len(media) == 1  # uploaded once, reused by the edit
        post = wordpress.posts(rec.intent_key)[0]
        assert post["featured_media"] == int(rec.remote_media_id)
        categories = wordpress.api(
            "/wp/v2/categories", include=",".join(map(str, post["categories"]))
        )
        assert [c["name"] for c in categories] == [theme.name]
        assert 'src="http' in post["content"]["raw"]  # absolute image URL on Kanal

    def test_pushed_and_failed_are_recorded_as_events(self, editor, wp_target):
        page = editor.publish_new("Händelse")
        rec = record_of(page, wp_target)
        pushed = Event.objects.filter(type="syndication.pushed", object_id=rec.pk)
        assert pushed.count() == 1
        assert pushed.get().data["remote_url"] == rec.remote_url
        assert PushDelivery.objects.filter(page_id=page.pk, status="delivered").count() == 1
