"""PeerTube: a VideoPage's video imported by URL and kept in step through every state, against
a loopback PeerTube that validates each request against PeerTube's OpenAPI document."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.images import ImageFile
from django.utils import timezone
from wagtail.images import get_image_model

from cms.demo.media import landscape_png
from syndication.push import peertube as peertube_push
from syndication.push import video as video_push
from syndication.push.models import PushDelivery, PushTarget, RecordStatus, SyndicationRecord
from syndication.push.video_models import VideoChannel, VideoRecordState

from .conftest import PEERTUBE_HOST, run_due

pytestmark = pytest.mark.django_db

YT_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def retry_now() -> int:
    PushDelivery.objects.pending().update(next_attempt_at=timezone.now(), enqueued_at=None)
    return run_due()


def record_of(page, target) -> SyndicationRecord:
    return SyndicationRecord.objects.get(page_id=page.pk, target=target)


def only_video(peertube) -> dict:
    assert len(peertube.videos) == 1, peertube.videos
    return next(iter(peertube.videos.values()))


def poster(title: str):
    return get_image_model().objects.create(
        title=title,
        file=ImageFile(io.BytesIO(landscape_png(title)), name=f"{title}.png"),
    )


class TestLifecycle:
    def test_publish_edit_unpublish_publish_delete_drive_the_remote_video(
        self, video_editor, pt_target, peertube
    ):
        page = video_editor.publish_new(
            "Läsande klassrum",
            YT_URL,
            tags=["läsning", "språkutveckling"],
            description="Om läsning.",
        )
        rec = record_of(page, pt_target)
        assert rec.status == RecordStatus.PUBLISHED, rec.last_error
        [imported] = peertube.imports_of(YT_URL)
        video = only_video(peertube)
        assert video["uuid"] == imported["video_uuid"] and rec.remote_id == video["shortUUID"]
        assert rec.remote_url == peertube.watch_url(video)
        assert video["name"] == "Läsande klassrum"
        assert video["channelId"] == peertube.channel_id
        assert video["description"].startswith("Om läsning.\n\n")
        assert sorted(video["tags"]) == ["läsning", "språkutveckling"]
        assert (video["category"], video["language"], video["privacy"]) == (13, "sv", 1)

        video_editor.edit(page, title="Läsande klassrum – del 2", tags=["läsning"])
        video = only_video(peertube)
        assert video["name"] == "Läsande klassrum – del 2" and video["tags"] == ["läsning"]
        assert len(peertube.imports) == 1

        video_editor.unpublish(page)
        assert only_video(peertube)["privacy"] == 3
        assert record_of(page, pt_target).status == RecordStatus.WITHDRAWN

        video_editor.edit(page)  # publishing again makes it public again
        assert only_video(peertube)["privacy"] == 1
        assert record_of(page, pt_target).status == RecordStatus.PUBLISHED
        assert len(peertube.imports) == 1

        video_editor.delete(page)
        assert peertube.videos == {}
        assert record_of(page, pt_target).status == RecordStatus.DELETED

    def test_the_description_links_back_to_the_page(self, video_editor, pt_target, peertube):
        page = video_editor.publish_new("Länk tillbaka", YT_URL, description="Kort.")
        html_url = f"http://127.0.0.1:8000/filmer/{page.slug}/"
        description = only_video(peertube)["description"]
        assert description == f"Kort.\n\nPubliceras först på [{html_url}]({html_url})".replace(
            "Publiceras", "Publicerades"
        )

    def test_an_unchanged_page_sends_no_update(self, video_editor, pt_target, peertube):
        page = video_editor.publish_new("Samma", YT_URL)
        puts = [entry for entry in peertube.log if entry[0] == "PUT"]
        video_editor.edit(page)
        assert [entry for entry in peertube.log if entry[0] == "PUT"] == puts


class TestTags:
    def test_at_most_five_of_2_to_30_characters_and_the_dropped_are_named(
        self, video_editor, pt_target, peertube
    ):
        tags = ["a", "matematik", "x" * 31, "läsning", "skola", "digitalt", "ledarskap", "språk"]
        page = video_editor.publish_new("Många taggar", YT_URL, tags=tags)
        video = only_video(peertube)
        assert len(video["tags"]) == 5
        assert all(2 <= len(tag) <= 30 for tag in video["tags"])
        rec = record_of(page, pt_target)
        assert rec.status == RecordStatus.PUBLISHED
        dropped = set(rec.video_state.dropped_tags)
        assert {"a", "x" * 31} <= dropped and len(dropped) == len(tags) - 5
        assert "a" in rec.last_error and "x" * 31 in rec.last_error

    def test_2_and_30_characters_are_kept_and_a_tag_given_twice_is_sent_once(
        self, video_editor, pt_target, peertube
    ):
        # The import's tags must be unique (VideoUploadRequestCommon: uniqueItems), and the
        # limits are inclusive: nothing here is dropped.
        tags = ["ab", "y" * 30, "Skola", "skola", "  läs   ning "]
        page = video_editor.publish_new("Gränsfall", YT_URL, tags=tags)
        sent = only_video(peertube)["tags"]
        assert "ab" in sent and "y" * 30 in sent and "läs ning" in sent
        assert len([tag for tag in sent if tag.casefold() == "skola"]) == 1
        assert len(sent) == 4
        rec = record_of(page, pt_target)
        assert rec.status == RecordStatus.PUBLISHED and rec.video_state.dropped_tags == []


class TestThumbnail:
    def test_the_poster_is_sent_with_the_import_and_again_only_when_it_changes(
        self, video_editor, pt_target, peertube
    ):
        first = poster("affisch-ett")
        page = video_editor.publish_new("Med affisch", YT_URL, poster_image=first)
        assert isinstance(only_video(peertube)["thumbnail"], bytes)
        sent = only_video(peertube)["thumbnail"]
        only_video(peertube)["thumbnail"] = None
        video_editor.edit(page, title="Med affisch, ny titel")
        assert only_video(peertube)["thumbnail"] is None  # same poster: not sent again
        video_editor.edit(page, poster_image=poster("affisch-två"))
        assert only_video(peertube)["thumbnail"] not in (None, sent)


class TestOAuth:
    def test_login_with_the_local_client_then_reuse_the_token(
        self, video_editor, pt_target, peertube
    ):
        video_editor.publish_new("Första", YT_URL)
        assert peertube.grants == ["password"]
        assert ("GET", "/api/v1/oauth-clients/local") in peertube.log
        video_editor.publish_new("Andra", "https://vimeo.com/76979871")
        assert peertube.grants == ["password"]

    def test_tokens_are_stored_encrypted(self, video_editor, pt_target, peertube):
        video_editor.publish_new("Krypterat", YT_URL)
        channel = VideoChannel.objects.get(target=pt_target)
        [token] = list(peertube.access)
        assert channel.session_encrypted and token not in channel.session_encrypted
        assert video_push.Session(channel).data["access_token"] == token

    def test_a_token_about_to_expire_is_refreshed_before_use(
        self, video_editor, pt_target, peertube
    ):
        peertube.access_ttl = 600
        video_editor.publish_new("Kort livslängd", YT_URL)
        with time_machine.travel(timezone.now() + timedelta(seconds=400), tick=True):
            # 200 s left: inside the refresh margin, so refreshed before the next request.
            video_editor.publish_new("Nästa", "https://vimeo.com/76979871")
        assert peertube.grants == ["password", "refresh_token"]
        assert len(peertube.imports) == 2

    def test_a_401_reauthenticates_once_and_retries(self, video_editor, pt_target, peertube):
        page = video_editor.publish_new("Återkallad", YT_URL)
        peertube.revoke_access()
        video_editor.edit(page, title="Återkallad och ändrad")
        assert peertube.grants == ["password", "refresh_token"]
        assert only_video(peertube)["name"] == "Återkallad och ändrad"

    def test_a_dead_refresh_token_falls_back_to_the_password(
        self, video_editor, pt_target, peertube
    ):
        page = video_editor.publish_new("Allt återkallat", YT_URL)
        peertube.revoke_all()
        video_editor.edit(page, title="Allt återkallat, ändrad")
        assert peertube.grants == ["password", "refresh_token", "password"]
        assert only_video(peertube)["name"] == "Allt återkallat, ändrad"

    def test_a_wrong_password_stops_after_three_attempts_and_marks_the_target(
        self, video_editor, pt_target, peertube
    ):
        pt_target.set_secret("fel lösenord")
        pt_target.save()
        page = video_editor.publish_new("Fel lösenord", YT_URL)
        retry_now()
        retry_now()
        delivery = PushDelivery.objects.get(page_id=page.pk)
        assert delivery.status == "failed" and delivery.attempts == 3
        assert not PushTarget.objects.get(pk=pt_target.pk).healthy
        assert peertube.imports == []


class TestImports:
    def test_a_failed_import_is_shown_with_peertubes_reason(
        self, video_editor, pt_target, peertube
    ):
        peertube.import_outcome = ("failed", "youtube-dl: ERROR: Video unavailable")
        page = video_editor.publish_new("Går inte att hämta", YT_URL)
        rec = record_of(page, pt_target)
        assert rec.status == RecordStatus.FAILED
        assert "youtube-dl: ERROR: Video unavailable" in rec.last_error
        assert rec.video_state.import_error == "youtube-dl: ERROR: Video unavailable"

    def test_a_pending_import_is_asked_again_until_it_succeeds(
        self, video_editor, pt_target, peertube
    ):
        peertube.import_polls = 2
        page = video_editor.publish_new("Tar tid", YT_URL)
        assert record_of(page, pt_target).status == RecordStatus.CREATING
        delivery = PushDelivery.objects.get(page_id=page.pk)
        assert delivery.status == "pending" and "importerar" in delivery.last_error
        retry_now()
        retry_now()
        assert record_of(page, pt_target).status == RecordStatus.PUBLISHED
        assert len(peertube.imports) == 1

    def test_a_lost_import_answer_is_found_again_not_imported_twice(
        self, video_editor, pt_target, peertube, monkeypatch
    ):
        monkeypatch.setattr(video_push, "TOTAL_TIMEOUT", 0.5)
        peertube.import_answer_delay = 1.5  # committed on PeerTube, answer too late for us
        page = video_editor.publish_new("Svaret försvann", YT_URL)
        assert PushDelivery.objects.get(page_id=page.pk).status == "pending"
        peertube.import_answer_delay = 0
        retry_now()
        assert len(peertube.imports) == 1
        rec = record_of(page, pt_target)
        assert rec.status == RecordStatus.PUBLISHED
        assert rec.remote_id == only_video(peertube)["shortUUID"]


class TestRemoteErrors:
    def test_a_video_deleted_remotely_is_said_on_the_record_and_can_be_relinked(
        self, video_editor, pt_target, peertube
    ):
        page = video_editor.publish_new("Raderad där", YT_URL)
        peertube.videos.clear()
        video_editor.edit(page, title="Raderad där, ändrad")
        rec = record_of(page, pt_target)
        assert rec.status == RecordStatus.FAILED and "finns inte längre" in rec.last_error
        assert rec.video_state.remote_missing
        # Publishing again does not silently re-import: the editor decides.
        video_editor.edit(page, title="Raderad där, ändrad igen")
        assert len(peertube.imports) == 1
        replacement = peertube.add_video("Ersättare")
        delivery = peertube_push.relink(rec, peertube.watch_url(replacement))
        run_due()
        rec = record_of(page, pt_target)
        assert PushDelivery.objects.get(pk=delivery.pk).status == "delivered"
        assert rec.status == RecordStatus.PUBLISHED and rec.remote_id == replacement["shortUUID"]
        assert peertube.videos[replacement["uuid"]]["name"] == "Raderad där, ändrad igen"

    def test_relinking_without_a_video_imports_it_again(self, video_editor, pt_target, peertube):
        page = video_editor.publish_new("Importera igen", YT_URL)
        peertube.videos.clear()
        video_editor.edit(page, title="Importera igen, ändrad")
        peertube_push.relink(record_of(page, pt_target))
        run_due()
        assert len(peertube.imports) == 2
        assert record_of(page, pt_target).status == RecordStatus.PUBLISHED

    def test_409_import_disabled_fails_the_record_with_peertubes_message(
        self, video_editor, pt_target, peertube
    ):
        peertube.script(
            "POST", "/api/v1/videos/imports", 409, {"detail": "HTTP import is not enabled"}
        )
        page = video_editor.publish_new("Import avstängd", YT_URL)
        rec = record_of(page, pt_target)
        assert rec.status == RecordStatus.FAILED and "HTTP import is not enabled" in rec.last_error
        assert PushDelivery.objects.get(page_id=page.pk).status == "failed"
        assert PushTarget.objects.get(pk=pt_target.pk).healthy  # the target works

    def test_400_validation_error_on_update_fails_the_record(
        self, video_editor, pt_target, peertube
    ):
        page = video_editor.publish_new("Validering", YT_URL)
        peertube.script(
            "PUT", "/api/v1/videos/", 400, {"detail": "Incorrect request parameters: name"}
        )
        video_editor.edit(page, title="Validering ändrad")
        rec = record_of(page, pt_target)
        assert (
            rec.status == RecordStatus.FAILED and "Incorrect request parameters" in rec.last_error
        )

    def test_a_5xx_is_retried_and_then_succeeds(self, video_editor, pt_target, peertube):
        peertube.script("POST", "/api/v1/videos/imports", 502, {"detail": "Bad gateway"})
        page = video_editor.publish_new("Tillfälligt fel", YT_URL)
        delivery = PushDelivery.objects.get(page_id=page.pk)
        assert delivery.status == "pending" and delivery.last_status_code == 502
        retry_now()
        assert record_of(page, pt_target).status == RecordStatus.PUBLISHED
        assert len(peertube.imports) == 1

    def test_a_slow_answer_is_a_timeout_retried_later(
        self, video_editor, pt_target, peertube, monkeypatch
    ):
        page = video_editor.publish_new("Långsam", YT_URL)
        monkeypatch.setattr(video_push, "TOTAL_TIMEOUT", 0.5)
        peertube.slow("/api/v1/videos/", 1.5)
        video_editor.edit(page, title="Långsam, ändrad")
        delivery = PushDelivery.objects.filter(page_id=page.pk).order_by("-pk").first()
        assert delivery.status == "pending" and "Timeout" in delivery.last_error
        peertube.delays.clear()
        retry_now()
        assert only_video(peertube)["name"] == "Långsam, ändrad"

    def test_a_title_too_short_for_peertube_is_refused_before_sending(
        self, video_editor, pt_target, peertube
    ):
        page = video_editor.publish_new("AI", YT_URL)
        rec = record_of(page, pt_target)
        assert rec.status == RecordStatus.FAILED and "minst 3 tecken" in rec.last_error
        assert peertube.imports == []


class TestLinking:
    def test_a_video_already_on_the_instance_is_linked_not_imported(
        self, video_editor, pt_target, peertube
    ):
        existing = peertube.add_video("Finns redan")
        url = f"https://{PEERTUBE_HOST}/w/{existing['shortUUID']}"
        page = video_editor.publish_new("Finns redan", url)
        rec = record_of(page, pt_target)
        assert rec.status == RecordStatus.PUBLISHED and rec.remote_id == existing["shortUUID"]
        assert VideoRecordState.objects.get(record=rec).linked
        video_editor.edit(page, title="Finns redan, ändrad här")
        assert peertube.imports == []
        writes = [e for e in peertube.log if e[0] in ("PUT", "POST", "DELETE")]
        assert writes == [("POST", "/api/v1/users/token")]  # logged in, read, wrote nothing
        assert peertube.videos[existing["uuid"]]["name"] == "Finns redan"

    def test_a_video_pulled_from_the_instance_is_linked_not_reimported(
        self, video_editor, pt_target, peertube
    ):
        existing = peertube.add_video("Hämtad därifrån")
        url = f"https://{PEERTUBE_HOST}/w/{existing['shortUUID']}"
        page = video_editor.publish_new(
            "Hämtad därifrån", url, origin_source="PeerTube", origin_url=url
        )
        rec = record_of(page, pt_target)
        assert rec.video_state.linked and rec.remote_id == existing["shortUUID"]
        assert peertube.imports == []

    def test_a_video_pulled_from_the_api_address_is_not_pushed_at_all(
        self, video_editor, pt_target, peertube
    ):
        existing = peertube.add_video("Hämtad via API-adressen")
        page = video_editor.publish_new(
            "Hämtad via API-adressen",
            f"https://{PEERTUBE_HOST}/w/{existing['shortUUID']}",
            origin_source="PeerTube",
            origin_url=peertube.watch_url(existing),
        )
        assert not PushDelivery.objects.filter(page_id=page.pk).exists()
        assert peertube.imports == [] and peertube.log == []
