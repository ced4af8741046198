"""The corpus, parsed: RSS 2.0, Atom 1.0, JSON Feed 1.0/1.1, platform-shaped feeds, edge cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syndication.pull.guard import guard
from syndication.pull.normalise import FeedIdentity, SkipEntry, normalise
from syndication.pull.parse import NotAFeed, parse
from syndication.pull.values import MAX_ENTRIES, MAX_TITLE

from .conftest import corpus

# normalise asks the echo checks, and push's (our remote copies) reads the database.
pytestmark = pytest.mark.django_db

FEED_URL = "https://feeds.example.org/blog/feed.xml"


def parsed(name: str, url: str = FEED_URL):
    return parse(guard(corpus(name)), url)


def items(name: str, url: str = FEED_URL):
    feed = parsed(name, url)
    identity = FeedIdentity(feed)
    result, skipped = [], []
    for entry in feed.entries:
        try:
            result.append(normalise(entry, identity))
        except SkipEntry as exc:
            skipped.append(str(exc))
    return feed, result, skipped


class TestRss20:
    def test_entries_fields_and_utc_dates(self):
        feed = parsed("rss20_school_blog.xml")
        assert feed.kind == "rss20"
        assert feed.title == "Lärlabbet – skolbloggen"
        first = feed.entries[0]
        assert first.title == "Läsfrämjande i förskoleklass"
        assert first.author == "Anna Lind"
        assert first.labels == ("Språkutveckling", "förskoleklass")
        assert first.published == datetime(2026, 11, 16, 7, 30, tzinfo=UTC)
        assert first.published.tzinfo is UTC

    def test_content_is_sanitised_and_tracking_pixels_removed(self):
        _feed, result, _ = items("rss20_school_blog.xml")
        body = result[0].body
        assert "<strong>högt</strong>" in body
        assert "<h2>Så gör vi</h2>" in body
        assert "pixel.gif" not in body and "<img" not in body
        assert result[0].intro == "Hur vi arbetar med högläsning varje dag."

    def test_relative_links_in_content_resolve_against_the_entry(self):
        _feed, result, _ = items("rss20_school_blog.xml")
        assert 'href="https://larlabbet.example.org/om-oss/"' in result[0].body


class TestAtom10:
    def test_entries_hub_and_self(self):
        feed = parsed("atom10_conference.xml")
        assert feed.kind == "atom10"
        assert feed.hub_urls == ["https://hub.example.net/"]
        assert feed.self_url == "https://skolkonferensen.example.org/atom.xml"
        assert feed.entries[0].published == datetime(2026, 11, 19, 7, 0, tzinfo=UTC)
        assert feed.entries[0].labels == ("ledarskap", "konferens")

    def test_html_titles_become_plain_text(self):
        _feed, result, _ = items("atom10_conference.xml")
        assert result[0].title == "Keynote: Ledarskap för lärande"

    def test_xhtml_content(self):
        _feed, result, _ = items("atom10_conference.xml")
        assert result[1].body == "<p>Formativ bedömning i praktiken.</p>"


class TestJsonFeed:
    def test_version_11(self):
        feed = parsed("jsonfeed11.json")
        assert feed.kind == "json11"
        assert feed.hub_urls == ["https://hub.example.net/"]
        first, second = feed.entries
        assert first.author == "Karin Sjö"
        assert first.labels == ("Matematik", "problemlösning")
        assert first.thumbnail == "https://matte.example.org/img/1.jpg"
        assert first.published == datetime(2026, 11, 15, 8, 0, tzinfo=UTC)
        assert second.link == "https://feeds.example.org/posts/2"
        assert second.enclosures[0].length == 1000

    def test_version_11_content_is_sanitised(self):
        _feed, result, _ = items("jsonfeed11.json")
        assert "<script" not in result[0].body and "alert" not in result[0].body
        assert result[1].body == "<p>Första stycket.</p><p>Andra stycket med &lt;tecken&gt;.</p>"

    def test_version_10_with_numeric_id_and_bad_items(self):
        feed = parsed("jsonfeed10.json")
        assert feed.kind == "json10"
        assert [e.guid for e in feed.entries] == ["101", "103"]
        assert feed.entries[0].author == "Olle"
        assert [s.position for s in feed.skipped] == [1, 2]
        assert "not a JSON object" in feed.skipped[0].reason

    @pytest.mark.parametrize(
        "body",
        [b"{}", b'{"version": "https://jsonfeed.org/version/1.1"}', b"[1, 2]", b"{" * 100_000],
        ids=["no-version", "no-items", "array", "deep-nesting"],
    )
    def test_not_a_json_feed(self, body):
        with pytest.raises(NotAFeed):
            parse(guard(body), FEED_URL)


class TestPlatforms:
    def test_youtube_entries_become_videos(self):
        feed, result, _ = items("youtube_channel.xml")
        video = result[0]
        assert video.kind == "video"
        assert video.video_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        assert video.thumbnail_url == "https://i2.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
        assert video.description.startswith("En kort film om formativ bedömning.")
        assert feed.entries[0].youtube_video_id == "dQw4w9WgXcQ"

    def test_vimeo_entries_become_videos_with_the_feed_thumbnail(self):
        _feed, result, _ = items("vimeo_user.xml")
        assert result[0].kind == "video"
        assert result[0].video_url == "https://vimeo.com/123456789"
        assert result[0].thumbnail_url.startswith("https://i.vimeocdn.com/")
        assert result[0].description == "Om elevhälsans arbete."

    def test_peertube_entries_become_videos(self):
        _feed, result, _ = items("peertube_channel.xml")
        assert result[0].kind == "video"
        assert "/w/9c9de5e8-" in result[0].video_url
        assert result[0].labels == ("Språkutveckling",)

    def test_wordpress_posts(self):
        _feed, result, _ = items("wordpress_blog.xml")
        post = result[0]
        assert post.kind == "article"
        assert post.author == "Maria Ek"
        assert post.labels == ("Ledarskap", "Skolutveckling")
        assert "onclick" not in post.body and "<img" not in post.body
        assert post.key == "id:rektor.example.org?p=123"


class TestEdgeCases:
    def test_no_guids_fall_back_to_links(self):
        _feed, result, _ = items("rss_no_guids.xml")
        assert [i.key for i in result] == [
            "link:noguid.example.org/forsta",
            "link:noguid.example.org/andra",
            "link:noguid.example.org/tredje",
        ]

    def test_duplicate_guids_fall_back_to_links_for_the_feed(self):
        _feed, result, _ = items("rss_duplicate_guids.xml")
        assert len({i.key for i in result}) == 4
        assert all(i.key.startswith("link:") for i in result)
        assert all("id:same" not in i.candidate_keys for i in result)

    def test_relative_links_resolve_against_the_feed_and_bad_schemes_drop(self):
        feed, result, _ = items("rss_relative_links.xml")
        assert feed.entries[0].link == "https://feeds.example.org/posts/relativ"
        assert feed.entries[0].enclosures[0].url == "https://feeds.example.org/blog/media/bild.jpg"
        assert 'href="https://feeds.example.org/om"' in result[0].body
        assert feed.entries[1].link == ""

    def test_guids_are_not_rewritten_relative_to_the_fetch_url(self):
        a = parsed("rss_bad_entries.xml", "https://one.example.org/feed")
        b = parsed("rss_bad_entries.xml", "https://two.example.org/other/feed")
        assert [e.guid for e in a.entries] == [e.guid for e in b.entries]
        assert "good-1" in [e.guid for e in a.entries]

    def test_ill_formed_xml_is_read_leniently_with_a_warning(self):
        feed = parsed("rss_illformed.xml")
        assert [e.title for e in feed.entries] == ["Oescapat & tecken", "Andra"]
        assert feed.warnings and "not well-formed" in feed.warnings[0]

    def test_bad_entries_are_skipped_with_a_reason(self):
        _feed, result, skipped = items("rss_bad_entries.xml")
        assert [i.title for i in result] == ["Bra post", "Ingen text alls"]
        assert skipped == ["the entry has no title and no text"]

    def test_huge_feeds_are_capped(self):
        entries = "".join(
            f"<item><title>Post {n}</title><guid>g{n}</guid><description>{'x' * 10}</description>"
            "</item>"
            for n in range(MAX_ENTRIES + 300)
        )
        body = f'<rss version="2.0"><channel><title>Stor</title>{entries}</channel></rss>'
        feed = parse(guard(body.encode()), FEED_URL)
        assert len(feed.entries) == MAX_ENTRIES
        assert "first 200" in feed.warnings[-1]

    def test_long_titles_are_capped(self):
        body = (
            f'<rss version="2.0"><channel><item><title>{"å" * 5000}</title></item></channel></rss>'
        )
        feed = parse(guard(body.encode()), FEED_URL)
        assert len(feed.entries[0].title) == MAX_TITLE

    def test_not_a_feed(self):
        with pytest.raises(NotAFeed):
            parse(guard(corpus("page_without_feed.html")), FEED_URL)
