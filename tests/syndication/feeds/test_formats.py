"""Every feed parses and has the structure its spec requires: RSS 2.0 (+ Media RSS),
Atom 1.0 (RFC 4287), JSON Feed 1.1; the calendars parse back with ``icalendar``."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import feedparser
import icalendar
import pytest
from django.utils.encoding import iri_to_uri

from cms.models import ArticlePage, ProgramPage, VideoPage

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"


def test_every_feed_parses_without_bozo(get, feed_urls):
    assert len(feed_urls) > 30  # the demo site has themes and tags: the premise holds
    for url in feed_urls:
        response = get(url)
        assert response.status_code == 200, url
        parsed = feedparser.parse(response.content) if not url.endswith("/json/") else None
        if parsed is not None:
            assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    everything = feedparser.parse(get("/feeds/rss/").content)
    swedish = [
        model.objects.live().filter(locale__language_code="sv").count()
        for model in (ArticlePage, VideoPage, ProgramPage)
    ]
    assert len(everything.entries) == sum(swedish) > 0


class TestRss:
    def channel(self, get, url="/feeds/rss/"):
        root = ElementTree.fromstring(get(url).content)
        assert root.tag == "rss" and root.get("version") == "2.0"
        return root.find("channel")

    def test_channel_has_the_required_elements(self, get):
        channel = self.channel(get)
        for name in ("title", "link", "description"):
            assert channel.findtext(name), name
        assert (
            channel.find(f"{ATOM}link[@rel='self']").get("href")
            == "http://127.0.0.1:8000/feeds/rss/"
        )

    def test_items_have_title_link_guid_date_and_categories(self, get, site):
        channel = self.channel(get)
        items = channel.findall("item")
        assert items
        article = (
            ArticlePage.objects.live()
            .filter(locale=site.locale)
            .order_by("-first_published_at")
            .first()
        )
        for item in items:
            assert item.findtext("title") and item.findtext("link").startswith(
                "http://127.0.0.1:8000/"
            )
            assert item.find("guid").get("isPermaLink") == "false"
            assert item.findtext("guid").startswith("tag:127.0.0.1,2026:kanal/page/")
            assert item.findtext("pubDate")
        guids = [item.findtext("guid") for item in items]
        assert f"tag:127.0.0.1,2026:kanal/page/{article.pk}" in guids
        ours = items[guids.index(f"tag:127.0.0.1,2026:kanal/page/{article.pk}")]
        categories = {c.text for c in ours.findall("category")}
        assert {t.name for t in article.themes.all()} <= categories
        assert {t.name for t in article.tags.all()} <= categories

    def test_videos_carry_media_rss(self, get):
        channel = self.channel(get, "/feeds/videos/rss/")
        items = channel.findall("item")
        assert items
        video = VideoPage.objects.live().get(pk=int(items[0].findtext("guid").rsplit("/", 1)[1]))
        content = items[0].find(f"{MEDIA}content")
        assert content.get("url") == video.video_url and content.get("medium") == "video"
        assert items[0].find(f"{MEDIA}player").get("url") == video.embed_url
        assert items[0].find(f"{MEDIA}thumbnail").get("url")

    def test_programs_show_their_next_meeting_not_a_cancelled_one(self, get):
        from datetime import timedelta

        from django.utils import timezone

        from cms.demo.seeder import publish
        from cms.models import ProgramMeeting

        program = ProgramPage.objects.live().first()
        soon = timezone.now() + timedelta(days=3)
        program.meetings = [
            *program.meetings.all(),
            ProgramMeeting(starts_at=soon, place="Aulan", topic="Inställd träff", cancelled=True),
            ProgramMeeting(starts_at=soon + timedelta(days=7), place="Aulan", topic="Nästa på tur"),
        ]
        publish(program)
        channel = self.channel(get, "/feeds/programs/rss/")
        item = next(
            i for i in channel.findall("item") if i.findtext("guid").endswith(f"/{program.pk}")
        )
        text = item.findtext("description")
        assert "Nästa träff" in text and "Nästa på tur" in text
        assert "Inställd träff" not in text

    def test_the_stable_id_survives_a_slug_change(self, get, site):
        from cms.demo.seeder import publish

        article = (
            ArticlePage.objects.live()
            .filter(locale=site.locale)
            .order_by("-first_published_at")
            .first()
        )
        before = {i.findtext("guid"): i.findtext("link") for i in self.channel(get).findall("item")}
        article.slug = "ett-helt-nytt-namn"
        publish(article)
        after = {i.findtext("guid"): i.findtext("link") for i in self.channel(get).findall("item")}
        guid = f"tag:127.0.0.1,2026:kanal/page/{article.pk}"
        assert before.keys() == after.keys()
        assert before[guid] != after[guid] and after[guid].endswith("/ett-helt-nytt-namn/")


class TestAtom:
    def test_feed_and_every_entry_have_id_updated_title(self, get, feed_urls):
        for url in [u for u in feed_urls if u.endswith("/atom/")]:
            root = ElementTree.fromstring(get(url).content)
            assert root.tag == f"{ATOM}feed", url
            for name in ("id", "title", "updated"):
                assert root.findtext(f"{ATOM}{name}"), (url, name)
            assert root.find(f"{ATOM}author/{ATOM}name").text
            assert root.find(f"{ATOM}link[@rel='self']") is not None
            for entry in root.findall(f"{ATOM}entry"):
                for name in ("id", "title", "updated"):
                    assert entry.findtext(f"{ATOM}{name}"), (url, name)
                assert entry.find(f"{ATOM}link[@rel='alternate']").get("href")
                assert entry.find(f"{ATOM}content").get("type") == "html"

    def test_dates_are_rfc3339(self, get):
        parsed = feedparser.parse(get("/feeds/atom/").content)
        assert parsed.entries and all(
            e.updated_parsed and e.published_parsed for e in parsed.entries
        )


class TestJsonFeed:
    def test_required_members(self, get, feed_urls):
        for url in [u for u in feed_urls if u.endswith("/json/")]:
            response = get(url)
            assert response["Content-Type"].startswith("application/feed+json")
            document = json.loads(response.content)
            assert document["version"] == "https://jsonfeed.org/version/1.1"
            assert isinstance(document["title"], str) and document["title"]
            assert isinstance(document["items"], list)
            assert document["feed_url"] == "http://127.0.0.1:8000" + iri_to_uri(url)
            for item in document["items"]:
                assert isinstance(item["id"], str) and item["id"]
                assert "content_html" in item or "content_text" in item
                assert item["date_published"].endswith(("Z", "+00:00"))

    def test_same_items_as_atom(self, get):
        atom = feedparser.parse(get("/feeds/atom/").content)
        document = json.loads(get("/feeds/json/").content)
        assert [e.id for e in atom.entries] == [item["id"] for item in document["items"]]


class TestCalendar:
    def test_all_programs_calendar_parses_back(self, get):
        response = get("/feeds/programs/meetings.ics")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(response.content)
        zones = [c for c in calendar.walk("VTIMEZONE")]
        assert [z["TZID"] for z in zones] == ["Europe/Stockholm"]
        events = calendar.walk("VEVENT")
        from cms.models import ProgramMeeting

        assert len(events) == ProgramMeeting.objects.filter(program__live=True).count() > 0
        for event in events:
            assert str(event["UID"]).startswith("kanal-meeting-")
            assert event["DTSTART"].dt.tzinfo is not None
            assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
            assert event["LAST-MODIFIED"] and event["DTSTAMP"]

    def test_a_cancelled_meeting_stays_as_cancelled(self, get):
        from cms.demo.seeder import publish

        program = ProgramPage.objects.live().first()
        meeting = program.meetings.first()
        meeting.cancelled = True
        program.meetings = [meeting, *program.meetings.exclude(pk=meeting.pk)]
        publish(program)
        response = get(f"/feeds/programs/{program.slug}/meetings.ics")
        events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        statuses = {str(e["UID"]): str(e["STATUS"]) for e in events}
        assert len(statuses) == program.meetings.count()
        uid = next(u for u in statuses if u.startswith(f"kanal-meeting-{meeting.pk}@"))
        assert statuses[uid] == "CANCELLED"
        assert set(statuses.values()) - {"CANCELLED"} == {"CONFIRMED"}

    def test_unknown_program_is_a_readable_404(self, get):
        response = get("/feeds/programs/finns-inte/meetings.ics")
        assert response.status_code == 404
        assert "inget publicerat program" in response.json()["message"]


def test_opml_lists_every_theme_feed(get, site):
    from themes.models import Theme

    root = ElementTree.fromstring(get("/feeds/opml/").content)
    urls = {o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")}
    for slug in Theme.objects.values_list("slug", flat=True):
        assert f"http://127.0.0.1:8000/feeds/themes/{slug}/rss/" in urls
    assert "http://127.0.0.1:8000/feeds/rss/" in urls
    assert "http://127.0.0.1:8000/en/feeds/rss/" in urls
