"""Feeds are discoverable: ``<link rel="alternate">`` on the plain HTML views, ``feeds`` links
on the API's themes, and every linked feed answers."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from cms.models import ArticlePage, ProgramPage

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alternates: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates[attrs["href"]] = attrs["type"]


def alternates(get, url: str) -> dict[str, str]:
    response = get(url)
    assert response.status_code == 200, url
    parser = Links()
    parser.feed(response.content.decode())
    return parser.alternates


def test_an_article_page_links_its_feeds(get, site):
    article = ArticlePage.objects.live().filter(locale=site.locale).exclude(themes=None).first()
    links = alternates(get, article.url)
    assert links["/feeds/rss/"] == "application/rss+xml"
    assert links["/feeds/atom/"] == "application/atom+xml"
    assert links["/feeds/json/"] == "application/feed+json"
    assert links["/feeds/articles/rss/"] == "application/rss+xml"
    for theme in article.themes.all():
        assert f"/feeds/themes/{theme.slug}/atom/" in links
    for href in links:
        assert get(href).status_code == 200, href


def test_a_program_page_links_its_calendar(get, site):
    program = ProgramPage.objects.live().filter(locale=site.locale).first()
    links = alternates(get, program.url)
    href = f"/feeds/programs/{program.slug}/meetings.ics"
    assert links[href] == "text/calendar"
    assert get(href).status_code == 200


def test_the_home_page_links_the_feeds(get, site):
    assert "/feeds/rss/" in alternates(get, site.url)


def test_api_themes_link_their_feeds(get, site):
    themes = get("/api/v2/themes/").json()["items"]
    assert themes
    for theme in themes:
        assert theme["feeds"] == {
            fmt: f"http://127.0.0.1:8000/feeds/themes/{theme['slug']}/{fmt}/"
            for fmt in ("rss", "atom", "json")
        }
    assert get(themes[0]["feeds"]["rss"].removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_the_program_representation_links_its_calendar(get, site):
    program = ProgramPage.objects.live().filter(locale=site.locale).first()
    data = get(f"/api/v2/pages/{program.pk}/").json()
    assert data["calendar_url"] == (
        f"http://127.0.0.1:8000/feeds/programs/{program.slug}/meetings.ics"
    )
    assert all(meeting["cancelled"] is False for meeting in data["meetings"])
    assert get(data["calendar_url"].removeprefix("http://127.0.0.1:8000")).status_code == 200
