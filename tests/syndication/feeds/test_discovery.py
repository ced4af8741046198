"""Feeds are discoverable: ``<link rel="alternate">`` on the plain HTML views, ``feeds`` links
on the API's themes, tags and page types, and every linked feed answers."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.utils.encoding import iri_to_uri

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


def test_api_tags_link_their_feeds(get, site):
    tags = get("/api/v2/tags/?limit=100").json()["items"]
    assert tags
    for tag in tags:
        assert tag["feeds"] == {  # a Unicode slug ("träff") as its RFC 3986 form
            fmt: f"http://127.0.0.1:8000/feeds/tags/{iri_to_uri(tag['slug'])}/{fmt}/"
            for fmt in ("rss", "atom", "json")
        }
        assert get(tag["feeds"]["atom"].removeprefix("http://127.0.0.1:8000")).status_code == 200
    detail = get(f"/api/v2/tags/{tags[0]['id']}/").json()
    assert detail == tags[0]


def test_api_tags_are_those_of_public_pages_only(get, site):
    """A tag that only a draft or a restricted page carries is private like the page: not in
    the API's list, not in the OPML list, and its feed answers 404 as for an unknown tag."""
    from wagtail.models import PageViewRestriction

    from cms.models import ArticleIndexPage
    from tests.cms.api.helpers import add_article, publish

    parent = ArticleIndexPage.objects.get(locale=site.locale)
    draft = add_article(parent, "Utkast", live=False)
    draft.tags.add("hemlig-omorganisation")
    draft.save()
    restricted = add_article(parent, "Begränsad")
    restricted.tags.add("intern-budget")
    publish(restricted)
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    public = add_article(parent, "Offentlig")
    public.tags.add("öppen-tagg")
    publish(public)

    names = {tag["name"] for tag in get("/api/v2/tags/?limit=100").json()["items"]}
    assert "öppen-tagg" in names  # the premise: a public page's tag is listed
    assert not names & {"hemlig-omorganisation", "intern-budget"}
    opml = get("/feeds/opml/").content.decode()
    assert "öppen-tagg" in opml
    assert "hemlig-omorganisation" not in opml and "intern-budget" not in opml
    for slug in ("hemlig-omorganisation", "intern-budget"):
        response = get(f"/feeds/tags/{slug}/rss/")
        assert response.status_code == 404
        assert response.json() == get("/feeds/tags/finns-inte/rss/").json()  # as unknown


def test_api_page_types_link_their_feeds(get, site):
    types = {item["type"]: item for item in get("/api/v2/page-types/").json()["items"]}
    for label, key in (
        ("cms.ArticlePage", "articles"),
        ("cms.VideoPage", "videos"),
        ("cms.ProgramPage", "programs"),
    ):
        assert types[label]["feeds"] == {
            fmt: f"http://127.0.0.1:8000/feeds/{key}/{fmt}/" for fmt in ("rss", "atom", "json")
        }
        assert (
            get(types[label]["feeds"]["rss"].removeprefix("http://127.0.0.1:8000")).status_code
            == 200
        )
    assert types["cms.HomePage"]["feeds"] is None
    # Every type the pages endpoint filters by is listed, and its type string works there.
    for label in types:
        assert get(f"/api/v2/pages/?type={label}").status_code == 200
    article = types["cms.ArticlePage"]
    assert get(f"/api/v2/page-types/{article['id']}/").json() == article


def test_api_page_type_names_do_not_follow_the_request_language(get, site):
    """The response is cached per URL: English first must not decide what Swedish readers get."""
    english = get("/api/v2/page-types/", **{"Accept-Language": "en"}).json()
    from django.core.cache import cache

    cache.clear()
    swedish = get("/api/v2/page-types/", **{"Accept-Language": "sv"}).json()
    assert english == swedish
