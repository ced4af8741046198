"""Imported posts keep their pictures, safely: images come through the safe client from real
loopback servers, are checked, stored once per content hash in "Importerat", and used as
Wagtail images; refused ones are left out with a note; video players become embed blocks;
nothing third-party is left for a reader's browser to call."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection, Site

from cms.models import ArticlePage, VideoPage
from syndication.models import ImportedItem
from syndication.pull import images as images_module
from syndication.pull.images import IMPORT_COLLECTION, describe
from syndication.pull.pipeline import poll_source
from tests.support.loopback import LoopbackServer

from .test_import import item, rss

pytestmark = pytest.mark.django_db

IMAGE_HOST = "127.0.0.2"  # allowed for these tests, like the feed server's 127.0.0.1
PRIVATE_HOST = "127.0.0.3"  # never allowed: the guard must refuse it before connecting


def picture(width=40, height=30, colour=(200, 30, 30), kind="PNG") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, kind)
    return buffer.getvalue()


class ImageServer(LoopbackServer):
    def __init__(self, address: str):
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        super().__init__(self._handle, address=address)

    def _handle(self, request):
        return self.routes.get(request.path.split("?")[0], (404, {}, b"not found"))

    def serve(self, path: str, body: bytes, content_type: str = "image/png") -> str:
        self.routes[path] = (200, {"Content-Type": content_type}, body)
        return self.url(path)

    def gets(self, path: str = "") -> int:
        return sum(1 for r in self.requests if r["path"].split("?")[0].startswith(path or "/"))


@pytest.fixture
def image_server(feed_server):
    with (
        override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1", IMAGE_HOST]),
        ImageServer(IMAGE_HOST) as server,
    ):
        yield server


@pytest.fixture
def private_server(image_server):
    with ImageServer(PRIVATE_HOST) as server:
        yield server


def post(feed_server, make_source, *entries: str):
    feed_server.serve("/feed.xml", rss(*entries), "application/rss+xml")
    return make_source(feed_server.url("/feed.xml"))


def imported_collection_images():
    return get_image_model().objects.filter(collection__name=IMPORT_COLLECTION)


def image_blocks(page) -> list:
    return [block.value for block in page.body if block.block_type == "image"]


def notes_of(page) -> list[dict]:
    return ImportedItem.objects.get(page=page).notes


class TestDownloadAndStore:
    def test_images_become_wagtail_images_in_the_importerat_collection(
        self, feed_server, image_server, make_source
    ):
        red = image_server.serve("/uploads/red.png", picture())
        blue = image_server.serve("/uploads/blue.jpg", picture(colour=(0, 0, 200), kind="JPEG"))
        text = (
            f'<p>Före bilden.</p><p><img src="{red}" alt="Elever vid bordet"></p>'
            f'<p>Mellan.</p><img src="{blue}" alt="Skolgården i snö"><p>Efter.</p>'
        )
        source = post(feed_server, make_source, item("g1", "Med bilder", text))
        assert poll_source(source).created == 1

        page = ArticlePage.objects.get(title="Med bilder")
        assert [block.block_type for block in page.body] == [
            "paragraph", "image", "paragraph", "image", "paragraph",
        ]  # fmt: skip
        assert "Före bilden." in page.body[0].value.source
        first, second = image_blocks(page)
        assert first["image"].contextual_alt_text == "Elever vid bordet"
        assert second["image"].contextual_alt_text == "Skolgården i snö"
        assert not first["image"].decorative
        stored = {image.title: image for image in imported_collection_images()}
        assert set(stored) == {"Elever vid bordet", "Skolgården i snö"}
        assert stored["Elever vid bordet"].description == "Elever vid bordet"
        assert stored["Skolgården i snö"].file.read()[:3] == b"\xff\xd8\xff"
        assert Collection.objects.filter(name=IMPORT_COLLECTION, depth=2).count() == 1
        assert notes_of(page) == []

    def test_the_same_picture_is_stored_once_whatever_its_address(
        self, feed_server, image_server, make_source
    ):
        data = picture()
        one = image_server.serve("/a/logo.png", data)
        two = image_server.serve("/b/logo-kopia.png", data)
        source = post(
            feed_server,
            make_source,
            item("g1", "Första", f'<p>Ett</p><img src="{one}" alt="Logga">'),
            item("g2", "Andra", f'<p>Två</p><img src="{two}" alt="Loggan igen">'),
        )
        poll_source(source)

        assert imported_collection_images().count() == 1
        first = image_blocks(ArticlePage.objects.get(title="Första"))[0]["image"]
        second = image_blocks(ArticlePage.objects.get(title="Andra"))[0]["image"]
        assert first.pk == second.pk
        # One picture, two uses, each with the alt text its post gave it.
        assert (first.contextual_alt_text, second.contextual_alt_text) == (
            "Logga",
            "Loggan igen",
        )
        assert image_server.gets() == 2

    def test_empty_alt_is_decorative_and_missing_alt_is_noted(
        self, feed_server, image_server, make_source
    ):
        flourish = image_server.serve("/flourish.png", picture(colour=(1, 2, 3)))
        photo = image_server.serve("/photo.png", picture(colour=(9, 9, 9)))
        text = f'<p>Text</p><img src="{flourish}" alt=""><img src="{photo}">'
        source = post(feed_server, make_source, item("g1", "Alt", text))
        poll_source(source)

        page = ArticlePage.objects.get(title="Alt")
        decorative, unlabelled = image_blocks(page)
        assert decorative["image"].decorative is True
        assert unlabelled["image"].decorative is False
        assert unlabelled["image"].contextual_alt_text == ""
        assert [n["code"] for n in notes_of(page)] == ["missing_alt"]


class TestRefusals:
    def refused(self, feed_server, make_source, url: str) -> tuple[ArticlePage, list[dict]]:
        entry = item("g1", "Vägrad", f'<p>Text</p><img src="{url}">')
        source = post(feed_server, make_source, entry)
        assert poll_source(source).created == 1
        page = ArticlePage.objects.get(title="Vägrad")
        assert image_blocks(page) == []
        assert imported_collection_images().count() == 0
        return page, notes_of(page)

    def test_an_image_over_the_size_cap_is_refused(
        self, feed_server, image_server, make_source, monkeypatch
    ):
        monkeypatch.setattr(images_module, "MAX_IMAGE_BYTES", 10_000)
        big = picture(600, 600, kind="BMP")  # ~1 MB on the wire
        url = image_server.serve("/big.png", picture(2, 2) + big)
        _page, notes = self.refused(feed_server, make_source, url)
        assert [n["code"] for n in notes] == ["too_large"]
        assert "10000" not in describe(notes[0])  # worded for editors, in MB

    def test_an_image_with_too_many_pixels_is_refused_before_decoding(
        self, feed_server, image_server, make_source
    ):
        url = image_server.serve("/wide.png", picture(images_module.MAX_IMAGE_SIDE + 1, 2))
        _page, notes = self.refused(feed_server, make_source, url)
        assert [(n["code"], n["detail"]) for n in notes] == [("too_many_pixels", "8001x2")]

    @pytest.mark.parametrize(
        "body",
        [
            b"<html><body>Inte en bild</body></html>",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            b"\x89PNG\r\n\x1a\n" + b"trasig",
        ],
        ids=["html", "svg", "truncated-png"],
    )
    def test_what_is_not_a_raster_image_is_refused_whatever_its_content_type(
        self, feed_server, image_server, make_source, body
    ):
        url = image_server.serve("/fake.png", body, content_type="image/png")
        _page, notes = self.refused(feed_server, make_source, url)
        assert [n["code"] for n in notes] == ["not_an_image"]

    def test_an_image_on_a_private_address_is_refused_without_connecting(
        self, feed_server, make_source, private_server
    ):
        url = private_server.serve("/intern.png", picture())
        _page, notes = self.refused(feed_server, make_source, url)
        assert [n["code"] for n in notes] == ["unsafe_address"]
        assert private_server.connections == 0

    def test_a_missing_image_is_dropped_with_the_status(
        self, feed_server, image_server, make_source
    ):
        _page, notes = self.refused(feed_server, make_source, image_server.url("/borta.png"))
        assert [(n["code"], n["detail"]) for n in notes] == [("fetch_failed", "HTTP 404")]
        assert "borta.png" in notes[0]["url"]

    def test_an_unusable_picture_shared_by_posts_is_tried_once_per_poll(
        self, feed_server, image_server, make_source
    ):
        logo = image_server.url("/logo-saknas.png")
        source = post(
            feed_server,
            make_source,
            *(item(f"g{n}", f"Inlägg {n}", f'<p>Text</p><img src="{logo}">') for n in range(3)),
        )
        assert poll_source(source).created == 3
        assert image_server.gets("/logo-saknas.png") == 1
        assert {n["code"] for i in ImportedItem.objects.all() for n in i.notes} == {"fetch_failed"}
        assert all(i.notes for i in ImportedItem.objects.all())

    def test_notes_are_listed_on_the_sources_imported_posts(
        self, feed_server, image_server, make_source, admin_client
    ):
        source = post(
            feed_server,
            make_source,
            item("g1", "Vägrad", f'<p>Text</p><img src="{image_server.url("/x.png")}">'),
        )
        poll_source(source)
        response = admin_client.get(reverse("syndication_imported_items", args=[source.pk]))
        assert response.status_code == 200
        assert "kunde inte hämtas" in response.content.decode()


class TestRepolls:
    def test_a_repoll_of_an_unchanged_feed_downloads_nothing(
        self, feed_server, image_server, make_source
    ):
        url = image_server.serve("/a.png", picture())
        entry = item("g1", "Bild", f'<p>Text</p><img src="{url}" alt="A">')
        source = post(feed_server, make_source, entry)
        poll_source(source)
        assert image_server.gets() == 1

        poll_source(source)  # same bytes
        feed_server.serve("/feed.xml", rss(entry, title="Nytt namn på flödet"))
        poll_source(source)  # new bytes, same entry
        assert image_server.gets() == 1

    def test_an_edited_text_reuses_the_images_it_already_has(
        self, feed_server, image_server, make_source
    ):
        url = image_server.serve("/a.png", picture())
        source = post(
            feed_server, make_source, item("g1", "Bild", f'<p>Text</p><img src="{url}" alt="A">')
        )
        poll_source(source)
        feed_server.serve(
            "/feed.xml", rss(item("g1", "Bild", f'<p>Ny text</p><img src="{url}" alt="A">'))
        )
        assert poll_source(source).updated == 1
        assert image_server.gets() == 1
        page = ArticlePage.objects.get(title="Bild")
        assert "Ny text" in page.body[0].value.source
        assert len(image_blocks(page)) == 1

    def test_tracking_pixels_are_not_fetched(self, feed_server, image_server, make_source):
        pixel = image_server.serve("/p.gif", picture(1, 1, kind="GIF"))
        source = post(
            feed_server,
            make_source,
            item("g1", "Pixel", f'<p>Text</p><img src="{pixel}?u=1" width="1" height="1">'),
        )
        poll_source(source)
        assert image_server.gets() == 0
        assert image_blocks(ArticlePage.objects.get(title="Pixel")) == []


class TestVideoPlayers:
    def test_players_become_video_embed_blocks_and_other_frames_go(
        self, feed_server, image_server, make_source
    ):
        text = (
            "<p>Se filmerna:</p>"
            '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0" title="Film ett">'
            "</iframe>"
            '<p><iframe src="https://player.vimeo.com/video/123456789"></iframe></p>'
            '<iframe src="https://video.skolan.example.org/videos/embed/'
            '9c9de5e8-0a1e-484a-b099-e80766180a6d"></iframe>'
            f'<iframe src="{image_server.url("/annons.html")}"></iframe>'
            "<p>Slut.</p>"
        )
        source = post(feed_server, make_source, item("g1", "Filmer", text))
        poll_source(source)

        page = ArticlePage.objects.get(title="Filmer")
        videos = [block.value for block in page.body if block.block_type == "video"]
        assert [(v["url"], v["caption"]) for v in videos] == [
            ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "Film ett"),
            ("https://vimeo.com/123456789", ""),
            ("https://video.skolan.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d", ""),
        ]
        assert image_server.gets() == 0  # the unknown frame was neither kept nor fetched
        assert [block.block_type for block in page.body][-1] == "paragraph"


class TestCanary:
    """No third-party address a reader's browser would load is left in what we store or
    serve. Allowed: Kanal's own URLs, the link to the original post (a link, not a resource)
    and the video the editor can see as a video block."""

    URL = re.compile(r"https?://[^\s\"'<>\\]+")

    def test_no_third_party_url_in_the_stored_body_or_the_api(
        self, feed_server, image_server, make_source, client, pull_tree, settings
    ):
        Site.objects.update_or_create(
            is_default_site=True, defaults={"root_page": pull_tree["home"], "hostname": "localhost"}
        )
        url = image_server.serve("/uploads/canary.png", picture())
        image_host = f"{IMAGE_HOST}:{image_server.port}"
        text = (
            f'<p>Text <img src="{url}" alt="Kanariefågel"></p>'
            f'<img src="{image_server.url("/saknas.png")}" alt="Borta">'
            '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'
        )
        feed = rss(item("g1", "Kanarie", text, link="https://blog.example.org/kanarie"))
        assert image_host.encode() in feed  # premise: the feed does hot-link the image host
        feed_server.serve("/feed.xml", feed, "application/rss+xml")
        poll_source(make_source(feed_server.url("/feed.xml")))
        page = ArticlePage.objects.get(title="Kanarie")

        stored = json.dumps(list(page.body.raw_data))
        api = client.get(f"/api/v2/pages/{page.pk}/").content.decode()
        assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 200
        assert '"type": "image"' in stored and "Kanariefågel" in api  # premise: it is there

        videos = {"https://www.youtube.com/watch?v=dQw4w9WgXcQ"}
        allowed_prefixes = (
            settings.KANAL_BASE_URL,
            "https://blog.example.org/kanarie",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://i.ytimg.com/vi/dQw4w9WgXcQ/",
        )
        for where, text_out in (("stored body", stored), ("API", api)):
            assert image_host not in text_out, where
            for found in self.URL.findall(text_out):
                assert found in videos or found.startswith(allowed_prefixes), (where, found)
        # The detector sees a hot-link when there is one (so the test can fail).
        assert self.URL.findall(f'<img src="{url}">') == [url]


def video_feed(*entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>Filmer</title><link>https://video.example.org/</link>{''.join(entries)}"
        "</channel></rss>"
    ).encode()


def video_entry(guid: str, title: str, link: str, thumbnail: str, text: str = "Om filmen.") -> str:
    return (
        f"<item><title>{title}</title><guid>{guid}</guid><link>{link}</link>"
        f"<description><![CDATA[<p>{text}</p>]]></description>"
        f'<media:thumbnail url="{thumbnail}" width="640" height="360"/></item>'
    )


PEERTUBE_WATCH = "https://video.skola.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d"


class TestVideoThumbnails:
    """An imported video's thumbnail becomes its page's poster image, stored like a post's
    images: through the safe client, checked, once per content hash — never hot-linked."""

    def poll_videos(self, feed_server, make_source, *entries: str):
        feed_server.serve("/videos.xml", video_feed(*entries), "application/rss+xml")
        source = make_source(feed_server.url("/videos.xml"), index="videos")
        return source, poll_source(source)

    @pytest.mark.parametrize(
        ("link", "provider"),
        [
            ("https://vimeo.com/123456789", "vimeo"),
            (PEERTUBE_WATCH, "peertube"),
            ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
        ],
    )
    def test_the_feeds_thumbnail_is_downloaded_and_becomes_the_poster_image(
        self, feed_server, image_server, make_source, link, provider
    ):
        data = picture(64, 36, colour=(10, 120, 60), kind="JPEG")
        thumb = image_server.serve("/thumbs/film.jpg", data, content_type="image/jpeg")
        _source, report = self.poll_videos(
            feed_server, make_source, video_entry("v1", "Filmen om läsning", link, thumb)
        )
        assert report.created == 1
        page = VideoPage.objects.get(title="Filmen om läsning")
        assert page.provider == provider
        poster = page.poster_image
        assert poster is not None and poster.collection.name == IMPORT_COLLECTION
        assert poster.file.read() == data and (poster.width, poster.height) == (64, 36)
        assert poster.title == "Filmen om läsning"
        # Nothing remote is left for a reader's browser: the loopback address is nowhere.
        assert thumb not in page.thumbnail_url
        assert page.thumbnail_url == (
            "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg" if provider == "youtube" else ""
        )
        assert ImportedItem.objects.get(page=page).media == {thumb: poster.pk}
        assert image_server.gets("/thumbs/") == 1

    def test_a_repoll_or_an_edited_entry_downloads_the_thumbnail_no_more(
        self, feed_server, image_server, make_source
    ):
        thumb = image_server.serve("/thumbs/a.png", picture(48, 27))
        entry = video_entry("v1", "Film", "https://vimeo.com/123456789", thumb)
        source, _report = self.poll_videos(feed_server, make_source, entry)
        poll_source(source)
        edited = video_entry("v1", "Film", "https://vimeo.com/123456789", thumb, "Ny text.")
        feed_server.serve("/videos.xml", video_feed(edited), "application/rss+xml")
        assert poll_source(source).updated == 1
        page = VideoPage.objects.get(title="Film")
        assert page.description.startswith("Ny text")
        assert page.poster_image is not None
        assert image_server.gets("/thumbs/") == 1
        assert imported_collection_images().count() == 1

    def test_a_new_thumbnail_replaces_the_poster(self, feed_server, image_server, make_source):
        first = image_server.serve("/thumbs/1.png", picture(48, 27, colour=(1, 1, 1)))
        second = image_server.serve("/thumbs/2.png", picture(48, 27, colour=(2, 2, 2)))
        link = "https://vimeo.com/123456789"
        source, _report = self.poll_videos(
            feed_server, make_source, video_entry("v1", "Film", link, first)
        )
        old = VideoPage.objects.get(title="Film").poster_image_id
        feed_server.serve(
            "/videos.xml",
            video_feed(video_entry("v1", "Film", link, second)),
            "application/rss+xml",
        )
        assert poll_source(source).updated == 1
        page = VideoPage.objects.get(title="Film")
        assert page.poster_image_id not in (None, old)
        assert ImportedItem.objects.get(page=page).media == {second: page.poster_image_id}

    @pytest.mark.parametrize(
        ("body", "code"),
        [
            (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
             "not_an_image"),
            (None, "fetch_failed"),
        ],
        ids=["svg", "missing"],
    )  # fmt: skip
    def test_a_thumbnail_that_cannot_be_used_leaves_no_poster_and_a_note(
        self, feed_server, image_server, make_source, body, code
    ):
        if body is None:
            thumb = image_server.url("/thumbs/borta.jpg")
        else:
            thumb = image_server.serve("/thumbs/bad.jpg", body, content_type="image/jpeg")
        self.poll_videos(feed_server, make_source, video_entry("v1", "Film", PEERTUBE_WATCH, thumb))
        page = VideoPage.objects.get(title="Film")
        assert page.poster_image is None and page.thumbnail_url == ""
        assert [(n["code"], n["url"]) for n in notes_of(page)] == [(code, thumb)]
        assert imported_collection_images().count() == 0

    def test_a_thumbnail_on_a_private_address_is_refused_without_connecting(
        self, feed_server, make_source, private_server
    ):
        thumb = private_server.serve("/intern.jpg", picture())
        self.poll_videos(feed_server, make_source, video_entry("v1", "Film", PEERTUBE_WATCH, thumb))
        page = VideoPage.objects.get(title="Film")
        assert page.poster_image is None
        assert [n["code"] for n in notes_of(page)] == ["unsafe_address"]
        assert private_server.connections == 0
