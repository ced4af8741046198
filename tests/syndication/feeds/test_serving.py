"""What the feeds list, how they answer bad requests, and how they are cached: validators,
304 without rendering, a publish changing exactly the feeds it touches, flat query counts."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cms.demo.seeder import publish
from cms.models import ArticleIndexPage, ArticlePage
from syndication.feeds import views
from tests.cms.api.helpers import add_article

pytestmark = pytest.mark.django_db


def titles(get, url: str) -> list[str]:
    return [entry.title for entry in feedparser.parse(get(url).content).entries]


class TestWhatIsListed:
    def test_only_live_public_unexpired_pages(self, get, site):
        parent = ArticleIndexPage.objects.get(locale=site.locale)
        add_article(parent, "Synlig artikel")
        add_article(parent, "Utkastartikel", live=False)
        private = add_article(parent, "Privat artikel")
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        expired = add_article(parent, "Utgången artikel")
        ArticlePage.objects.filter(pk=expired.pk).update(
            expire_at=timezone.now() - timedelta(hours=1)
        )
        gone = add_article(parent, "Avpublicerad artikel")
        gone.unpublish()
        for fmt in ("rss", "atom"):
            listed = titles(get, f"/feeds/{fmt}/")
            assert "Synlig artikel" in listed  # the premise: new pages do show up
            for hidden in (
                "Utkastartikel",
                "Privat artikel",
                "Utgången artikel",
                "Avpublicerad artikel",
            ):
                assert hidden not in listed

    def test_a_type_feed_lists_only_that_type(self, get):
        entries = feedparser.parse(get("/feeds/videos/atom/").content).entries
        assert entries
        ids = {int(e.id.rsplit("/", 1)[1]) for e in entries}
        from cms.models import VideoPage

        assert ids == set(
            VideoPage.objects.live().filter(locale__language_code="sv").values_list("pk", flat=True)
        )

    def test_a_theme_feed_lists_the_pages_of_that_theme(self, get, site):
        from themes.models import Theme

        theme = Theme.objects.filter(slug="ledarskap").first() or Theme.objects.first()
        entries = feedparser.parse(get(f"/feeds/themes/{theme.slug}/atom/").content).entries
        ids = {int(e.id.rsplit("/", 1)[1]) for e in entries}
        expected = {
            page.pk
            for page in ArticlePage.objects.live().filter(locale=site.locale)
            if theme in page.themes.all()
        }
        assert expected and expected <= ids

    def test_limit(self, get):
        assert len(titles(get, "/feeds/rss/?limit=2")) == 2
        assert len(titles(get, "/feeds/rss/")) > 2

    def test_another_locale_by_path_or_parameter(self, get):
        assert get("/en/feeds/rss/").status_code == 200
        assert titles(get, "/en/feeds/rss/") == titles(get, "/feeds/rss/?locale=en")
        assert set(titles(get, "/en/feeds/rss/")).isdisjoint(titles(get, "/feeds/rss/"))


class TestErrors:
    @pytest.mark.parametrize(
        ("url", "status", "words"),
        [
            ("/feeds/themes/finns-inte/rss/", 404, "finns-inte"),
            ("/feeds/tags/finns-inte/atom/", 404, "ingen offentlig tagg"),
            ("/feeds/rss/?limit=201", 400, "limit"),
            ("/feeds/rss/?limit=x", 400, "limit"),
            ("/feeds/rss/?sort=x", 400, "sort"),
            ("/feeds/rss/?locale=xx", 400, "xx"),
        ],
    )
    def test_readable_messages(self, get, site, url, status, words):
        response = get(url)
        assert response.status_code == status
        assert words in response.json()["message"]

    def test_not_a_format(self, get, site):
        assert get("/feeds/xml/").status_code == 404


class TestValidators:
    def test_headers(self, get, site):
        response = get("/feeds/atom/")
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"]
        assert response["Cache-Control"].startswith("public, max-age=")
        links = response["Link"]
        assert '<http://127.0.0.1:8000/feeds/atom/>; rel="self"' in links

    def test_304_costs_no_rendering(self, get, site, monkeypatch, django_assert_max_num_queries):
        first = get("/feeds/rss/")
        renders = []
        original = views.render_feed
        monkeypatch.setattr(views, "render_feed", lambda *a: renders.append(a) or original(*a))
        with django_assert_max_num_queries(1):  # at most the global stamp, when not cached
            again = get("/feeds/rss/", **{"If-None-Match": first["ETag"]})
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == first["ETag"]
        since = get("/feeds/rss/", **{"If-Modified-Since": first["Last-Modified"]})
        assert since.status_code == 304
        stale = get("/feeds/rss/", **{"If-None-Match": '"something-else"'})
        assert stale.status_code == 200
        assert renders == []

    def test_a_publish_changes_exactly_the_feeds_it_touches(self, get, site, feed_urls):
        before = {url: get(url)["ETag"] for url in feed_urls}
        article = (
            ArticlePage.objects.live()
            .filter(locale=site.locale)
            .order_by("-first_published_at")
            .first()
        )
        article.title = "En ny rubrik"
        publish(article)
        after = {url: get(url)["ETag"] for url in feed_urls}
        changed = {url for url in feed_urls if before[url] != after[url]}
        from django.utils.encoding import iri_to_uri

        expected = set()
        for fmt in ("rss", "atom", "json"):
            expected |= {f"/feeds/{fmt}/", f"/feeds/articles/{fmt}/"}
            expected |= {f"/feeds/themes/{t.slug}/{fmt}/" for t in article.themes.all()}
            expected |= {f"/feeds/tags/{t.slug}/{fmt}/" for t in article.tags.all()}
        assert len(expected) > 6
        assert {iri_to_uri(u) for u in changed} == {iri_to_uri(u) for u in expected}

    def test_an_unchanged_feed_keeps_answering_304_after_a_publish(self, get, site):
        first = get("/feeds/videos/rss/")
        article = ArticlePage.objects.live().filter(locale=site.locale).first()
        article.title = "Ändrad"
        publish(article)
        again = get("/feeds/videos/rss/", **{"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        assert get("/feeds/articles/rss/", **{"If-None-Match": first["ETag"]}).status_code == 200


class TestQueries:
    def test_a_50_item_feed_costs_as_many_queries_as_a_2_item_feed(self, get, site):
        parent = ArticleIndexPage.objects.get(locale=site.locale)
        for number in range(50):
            add_article(
                parent,
                f"Artikel {number}",
                body=[{"type": "paragraph", "value": f"<p>Text {number}</p>"}],
            )
        counts = {}
        for limit in (2, 50):
            for fmt in ("rss", "atom", "json"):
                from django.core.cache import cache

                cache.clear()
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as queries:
                    response = get(f"/feeds/{fmt}/?limit={limit}")
                assert response.status_code == 200
                counts[(limit, fmt)] = len(queries)
        assert len(titles(get, "/feeds/rss/?limit=50")) == 50
        assert (
            counts[(2, "rss")]
            == counts[(50, "rss")]
            == counts[(50, "atom")]
            == counts[(50, "json")]
        )
        # pinned: selection, representations (syndicated_to and the site's organisation unit,
        # the fallback of pages that name none, are one query per batch each), meetings
        assert counts[(50, "rss")] == 13, counts
