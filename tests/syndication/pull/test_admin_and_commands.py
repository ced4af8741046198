"""Admin (sources, dashboard panel, Poll now, items, OPML) and the management commands."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cms.models import ArticlePage
from syndication.models import ImportedItem, Source
from syndication.pull.opml import OPMLError, export_opml, import_opml
from syndication.pull.pipeline import poll_source

from .conftest import corpus

pytestmark = pytest.mark.django_db

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Skolbloggar</title></head><body>
  <outline text="Grundskola">
    <outline type="rss" text="Lärlabbet" xmlUrl="https://larlabbet.example.org/feed.xml"
             htmlUrl="https://larlabbet.example.org/"/>
    <outline type="rss" text="Skolfilm" xmlUrl="https://vimeo.com/skolfilm"/>
  </outline>
  <outline type="rss" text="Trasig" xmlUrl="javascript:alert(1)"/>
  <outline type="rss" text="Kanalen" xmlUrl="https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv"/>
</body></opml>""".encode()


class TestSourceAdmin:
    def test_adding_a_youtube_channel_resolves_the_feed_offline(self, admin_client, pull_tree):
        response = admin_client.post(
            reverse("syndication_source:add"),
            {
                "name": "Skolverkstan",
                "url": "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv",
                "index_page": pull_tree["videos"].pk,
                "policy": "publish",
                "poll_interval": 30,
                "active": "on",
            },
        )
        assert response.status_code == 302, response.content[:2000]
        source = Source.objects.get()
        assert source.kind == "youtube"
        assert source.feed_url == (
            "https://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv"
        )

    def test_a_page_is_discovered_through_its_alternate_link(
        self, admin_client, pull_tree, feed_server
    ):
        response = admin_client.post(
            reverse("syndication_source:add"),
            {
                "name": "Lärlabbet",
                "url": feed_server.url("/page_with_alternate.html"),
                "index_page": pull_tree["articles"].pk,
                "policy": "moderate",
                "poll_interval": 60,
            },
        )
        assert response.status_code == 302
        assert Source.objects.get().feed_url == feed_server.url("/feed.xml")

    def test_a_page_without_a_feed_is_refused_with_a_reason(
        self, admin_client, pull_tree, feed_server
    ):
        response = admin_client.post(
            reverse("syndication_source:add"),
            {
                "name": "Ingen",
                "url": feed_server.url("/page_without_feed.html"),
                "index_page": pull_tree["articles"].pk,
                "policy": "publish",
                "poll_interval": 30,
            },
        )
        assert response.status_code == 200
        assert "länkar inget flöde" in response.content.decode()
        assert not Source.objects.exists()

    def test_listing_shows_health(self, admin_client, make_source):
        make_source(name="Trasig källa", error_count=7, last_error="The server answered 500")
        response = admin_client.get(reverse("syndication_source:index"))
        assert response.status_code == 200
        assert "ohälsosam" in response.content.decode()


class TestDashboard:
    def test_panel_lists_sources_with_status_and_poll_now(self, admin_client, make_source):
        make_source(name="Frisk källa")
        make_source(name="Sjuk källa", error_count=6, last_error="ReadTimeout: no answer")
        html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
        assert "Syndikering: källor" in html
        assert "Frisk källa" in html and "Sjuk källa" in html
        assert "ReadTimeout: no answer" in html
        assert html.count("Hämta nu") == 2

    def test_poll_now_polls_the_source(
        self, admin_client, feed_server, make_source, django_capture_on_commit_callbacks
    ):
        source = make_source(feed_server.url("/rss_no_guids.xml"))
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse("syndication_poll_now", args=[source.pk]))
        assert response.status_code == 302
        assert ArticlePage.objects.count() == 3
        source.refresh_from_db()
        assert source.last_outcome == "imported"

    def test_poll_now_requires_post(self, admin_client, make_source):
        source = make_source()
        assert (
            admin_client.get(reverse("syndication_poll_now", args=[source.pk])).status_code == 405
        )

    def test_imported_items_show_local_edits_and_tombstones(
        self, admin_client, feed_server, make_source
    ):
        source = make_source(feed_server.url("/rss_no_guids.xml"))
        poll_source(source)
        first, second = ArticlePage.objects.order_by("pk")[:2]
        first.save_revision().publish()
        ImportedItem.objects.filter(page=first).update(locally_edited=True)
        second.delete()
        html = admin_client.get(reverse("syndication_imported_items", args=[source.pk])).content
        html = html.decode()
        assert "Redigerad lokalt" in html and "Raderad" in html


class TestOpml:
    def test_import_creates_sources_resolving_platform_urls(self, pull_tree):
        result = import_opml(OPML, pull_tree["articles"])
        names = {s.name: s for s in result.created}
        assert set(names) == {"Lärlabbet", "Skolfilm", "Kanalen"}
        assert names["Skolfilm"].feed_url == "https://vimeo.com/skolfilm/videos/rss"
        assert names["Lärlabbet"].tag_list == ["Grundskola"]
        assert result.skipped == ["Trasig: ingen giltig http(s)-adress"]

    def test_import_twice_changes_nothing(self, pull_tree):
        import_opml(OPML, pull_tree["articles"])
        second = import_opml(OPML, pull_tree["articles"])
        assert second.created == [] and Source.objects.count() == 3

    def test_export_round_trips(self, pull_tree):
        import_opml(OPML, pull_tree["articles"])
        exported = export_opml()
        Source.objects.all().delete()
        assert len(import_opml(exported, pull_tree["articles"]).created) == 3

    def test_hostile_opml_is_refused(self, pull_tree):
        from .hostile import BILLION_LAUGHS

        with pytest.raises(OPMLError):
            import_opml(BILLION_LAUGHS, pull_tree["articles"])

    def test_admin_import_and_export(self, admin_client, pull_tree):
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = admin_client.post(
            reverse("syndication_opml_import"),
            {
                "file": SimpleUploadedFile("a.opml", OPML),
                "index_page": pull_tree["articles"].pk,
                "policy": "publish",
            },
        )
        assert response.status_code == 302
        assert Source.objects.count() == 3
        exported = admin_client.get(reverse("syndication_opml_export"))
        assert exported["Content-Type"].startswith("text/x-opml")
        assert b"larlabbet.example.org/feed.xml" in exported.content

    def test_commands(self, pull_tree, tmp_path):
        path = tmp_path / "in.opml"
        path.write_bytes(OPML)
        out = io.StringIO()
        call_command("import_opml", str(path), "--index", pull_tree["articles"].pk, stdout=out)
        assert "Created 3 sources, skipped 1." in out.getvalue()
        out = io.StringIO()
        call_command("export_opml", stdout=out)
        assert "vimeo.com/skolfilm/videos/rss" in out.getvalue()
        with pytest.raises(CommandError, match="not an article or video index"):
            call_command("import_opml", str(path), "--index", pull_tree["home"].pk)


class TestPollSourcesCommand:
    def test_polls_given_sources_with_progress_and_summary(self, feed_server, make_source):
        first = make_source(feed_server.url("/rss_no_guids.xml"), name="Utan guid")
        make_source(feed_server.url("/jsonfeed11.json"), name="Matte")
        out = io.StringIO()
        call_command("poll_sources", "--source", str(first.pk), stdout=out)
        text = out.getvalue()
        assert "[##############################] 1/1" in text
        assert "Utan guid" in text and "Total" in text
        assert ArticlePage.objects.count() == 3

    def test_all_and_failures_exit_non_zero(self, feed_server, make_source):
        make_source(feed_server.url("/rss_no_guids.xml"), name="Bra")
        make_source(feed_server.url("/missing.xml"), name="Saknas")
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(SystemExit) as exit_info:
            call_command("poll_sources", "--all", stdout=out, stderr=err)
        assert exit_info.value.code == 1
        assert "Saknas" in err.getvalue() and "404" in err.getvalue()

    def test_unknown_source(self, pull_tree):
        with pytest.raises(CommandError, match="No source with id 999"):
            call_command("poll_sources", "--source", "999")

    def test_corpus_helper(self):
        assert corpus("jsonfeed10.json")
