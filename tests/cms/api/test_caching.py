"""Conditional GET, Cache-Control, the representation cache and its invalidation."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from django.utils.http import http_date
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from cms.models import (
    ApiCacheStamp,
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    OrganisationUnit,
    ProgramPage,
)
from cms.representation.cache import page_rows, representation_key
from themes.models import Theme

from .helpers import publish

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v2/pages/",
    "/api/v2/pages/?type=cms.ArticlePage&fields=*",
    "/api/v2/images/",
    "/api/v2/documents/",
    "/api/v2/themes/",
    "/api/v2/people/",
    "/api/v2/organisation-units/",
]


def article():
    return ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")


class TestConditionalGet:
    @pytest.mark.parametrize("url", ENDPOINTS)
    def test_every_get_has_validators_and_cache_control(self, site, api, url):
        response = api(url)
        assert response.status_code == 200
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"].endswith("GMT")
        assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"

    def test_detail_has_validators(self, site, api):
        page = article()
        response = api(f"/api/v2/pages/{page.pk}/")
        assert re.fullmatch(r'"[0-9a-f]{40}"', response["ETag"])
        stamp_changed_at = ApiCacheStamp.objects.get(page__depth=1).changed_at
        assert response["Last-Modified"] == http_date(stamp_changed_at.timestamp())
        assert api(f"/api/v2/pages/{page.pk}/", If_None_Match=response["ETag"]).status_code == 304

    def test_cache_control_comes_from_settings(self, site, api, settings):
        settings.KANAL_API_MAX_AGE = 5
        settings.KANAL_API_STALE_WHILE_REVALIDATE = 86400
        assert api("/api/v2/pages/")["Cache-Control"] == (
            "public, max-age=5, stale-while-revalidate=86400"
        )

    @pytest.mark.parametrize("url", ENDPOINTS)
    def test_if_none_match_answers_304(self, site, api, url):
        etag = api(url)["ETag"]
        response = api(url, If_None_Match=etag)
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag

    def test_if_modified_since_answers_304(self, site, api):
        last_modified = api("/api/v2/pages/")["Last-Modified"]
        assert api("/api/v2/pages/", If_Modified_Since=last_modified).status_code == 304
        old = "Mon, 01 Jan 2001 00:00:00 GMT"
        assert api("/api/v2/pages/", If_Modified_Since=old).status_code == 200

    def test_a_stale_etag_gets_the_new_content(self, site, api):
        page = article()
        url = f"/api/v2/pages/{page.pk}/"
        etag = api(url)["ETag"]
        page.title = "Ny rubrik"
        publish(page)
        response = api(url, If_None_Match=etag)
        assert response.status_code == 200
        assert response.json()["title"] == "Ny rubrik"
        assert response["ETag"] != etag

    def test_errors_carry_no_validators(self, site, api):
        response = api("/api/v2/pages/?nope=1")
        assert response.status_code == 400
        assert "ETag" not in response


class TestRepresentationCache:
    def test_representation_is_cached_per_page_revision_locale(self, site, api):
        page = article()
        api(f"/api/v2/pages/{page.pk}/")
        (row,) = page_rows([page.pk])
        key = representation_key(row)
        assert f":{page.pk}:{page.live_revision_id}:{page.locale_id}:" in key
        assert cache.get(key)["title"] == page.title

    def test_lists_reuse_cached_representations(self, site, api, django_assert_max_num_queries):
        api("/api/v2/pages/?type=cms.ArticlePage&fields=*&limit=100")
        with django_assert_max_num_queries(6):
            response = api("/api/v2/pages/?type=cms.ArticlePage&fields=title,body&limit=100")
        assert response.status_code == 200

    def test_a_cached_response_touches_no_database(self, site, api, django_assert_num_queries):
        etag = api("/api/v2/pages/?fields=*&limit=100")["ETag"]
        with django_assert_num_queries(0):
            assert api("/api/v2/pages/?fields=*&limit=100").status_code == 200
        with django_assert_num_queries(0):
            assert api("/api/v2/pages/?fields=*&limit=100", If_None_Match=etag).status_code == 304

    def test_without_stamp_ttl_each_get_reads_the_stamp(
        self, site, api, settings, django_assert_num_queries
    ):
        settings.KANAL_API_STAMP_TTL = 0
        etag = api("/api/v2/pages/?fields=*&limit=100")["ETag"]
        with django_assert_num_queries(1):
            assert api("/api/v2/pages/?fields=*&limit=100", If_None_Match=etag).status_code == 304

    def test_a_change_in_another_process_is_seen_within_the_stamp_ttl(self, site, api):
        """Another process's bump reaches this process's local cache within KANAL_API_STAMP_TTL."""
        page = article()
        url = f"/api/v2/pages/{page.pk}/"
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            etag = api(url)["ETag"]
            # What another process's publish leaves behind: a new stamp in the database only.
            ApiCacheStamp.objects.filter(page__depth=1).update(stamp=F("stamp") + 1)
            assert api(url, If_None_Match=etag).status_code == 304
            traveller.shift(2)
            assert api(url, If_None_Match=etag).status_code == 200


def body_image(data):
    return next(b for b in data["body"] if b["type"] == "image")["value"]["image"]


class TestInvalidation:
    """Each change is followed by a fresh answer, although the cache was warm."""

    def warm(self, api, page):
        return api(f"/api/v2/pages/{page.pk}/").json()

    def test_publish(self, site, api):
        page = article()
        self.warm(api, page)
        page.intro = "Ny ingress"
        publish(page)
        assert self.warm(api, page)["intro"] == "Ny ingress"

    def test_unpublish_and_delete(self, site, api):
        page = article()
        list_url = "/api/v2/pages/?type=cms.ArticlePage&limit=100"
        assert page.pk in [i["id"] for i in api(list_url).json()["items"]]
        self.warm(api, page)
        page.unpublish()
        assert api(f"/api/v2/pages/{page.pk}/").status_code == 404
        assert page.pk not in [i["id"] for i in api(list_url).json()["items"]]
        other = ArticlePage.objects.live().first()
        self.warm(api, other)
        other.delete()
        assert api(f"/api/v2/pages/{other.pk}/").status_code == 404

    def test_move_changes_urls_of_page_and_children(self, site, api):
        page = article()
        self.warm(api, page)
        new_index = ArticleIndexPage(title="Arkiv", slug="arkiv")
        site.add_child(instance=new_index)
        publish(new_index)
        page.move(new_index, pos="last-child")
        assert self.warm(api, page)["meta"]["html_url"].endswith(
            "/arkiv/larare-och-rektorer-samverkar/"
        )

    def test_slug_change_of_parent_changes_child_urls(self, site, api):
        page = article()
        self.warm(api, page)
        index = ArticleIndexPage.objects.get()
        index.slug = "nyheter"
        publish(index)
        assert "/nyheter/larare-och-rektorer-samverkar/" in self.warm(api, page)["meta"]["html_url"]

    def test_private_page_disappears(self, site, api):
        page = article()
        self.warm(api, page)
        PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")
        assert api(f"/api/v2/pages/{page.pk}/").status_code == 404

    def test_image_change(self, site, api):
        page = article()
        image = get_image_model().objects.get(pk=body_image(self.warm(api, page))["id"])
        image.title = "Nytt bildnamn"
        image.save()
        assert body_image(self.warm(api, page))["title"] == "Nytt bildnamn"

    def test_image_moved_to_private_collection(self, site, api):
        page = article()
        image = get_image_model().objects.get(pk=body_image(self.warm(api, page))["id"])
        private = Collection.get_first_root_node().add_child(name="Privat")
        CollectionViewRestriction.objects.create(
            collection=private, restriction_type="password", password="x"
        )
        image.collection = private
        image.save()
        assert body_image(self.warm(api, page)) is None

    def test_document_change(self, site, api):
        program = ProgramPage.objects.live().first()
        self.warm(api, program)
        document = program.materials.first().document
        document.title = "Nytt dokumentnamn"
        document.save()
        titles = [m["title"] for m in self.warm(api, program)["materials"]]
        assert "Nytt dokumentnamn" in titles

    def test_person_snippet_change(self, site, api):
        page = article()
        self.warm(api, page)
        person = page.author
        person.phone = "000-111"
        person.save()
        assert self.warm(api, page)["author"]["phone"] == "000-111"

    def test_person_photo_change(self, site, api):
        page = article()
        self.warm(api, page)
        photo = page.author.photo
        photo.title = "Nytt porträtt"
        photo.save()
        assert self.warm(api, page)["author"]["photo"]["title"] == "Nytt porträtt"

    def test_organisation_unit_change(self, site, api):
        self.warm(api, site)
        unit = OrganisationUnit.objects.get()
        unit.phone = "999"
        unit.save()
        assert self.warm(api, site)["organisation_unit"]["phone"] == "999"

    def test_theme_change(self, site, api):
        page = article()
        self.warm(api, page)
        theme = page.themes.first()
        theme.name = "Omdöpt tema"
        theme.save()
        assert "Omdöpt tema" in [t["name"] for t in self.warm(api, page)["themes"]]

    def test_linked_page_change(self, site, api):
        program = ProgramPage.objects.live().filter(related_pages__isnull=False).first()
        related = program.related_pages.first().page.specific
        self.warm(api, program)
        related.title = "Omdöpt artikel"
        publish(related)
        titles = [p["title"] for p in self.warm(api, program)["related_pages"]]
        assert "Omdöpt artikel" in titles

    def test_translation_change(self, site, api):
        self.warm(api, site)
        english = HomePage.objects.get(locale__language_code="en")
        english.slug = "home"
        publish(english)
        (translation,) = self.warm(api, site)["meta"]["translations"]
        assert translation["id"] == english.pk

    def test_unused_theme_change_keeps_page_stamps(self, site, api):
        page = article()
        self.warm(api, page)
        (before,) = page_rows([page.pk])
        unused = Theme.objects.create(name="Oanvänt", slug="oanvant")
        unused.description = "x"
        unused.save()
        assert page_rows([page.pk]) == [before]


@pytest.mark.redis
class TestRedisCache:
    def test_representation_and_invalidation_through_redis(self, site, api, settings):
        import redis

        try:
            redis.Redis.from_url("redis://127.0.0.1:6379/2").ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/2",
                "KEY_PREFIX": "kanal-test-api",
            }
        }
        from django.core.cache import caches

        caches["default"].clear()
        try:
            page = article()
            first = api(f"/api/v2/pages/{page.pk}/")
            (row,) = page_rows([page.pk])
            assert caches["default"].get(representation_key(row))["id"] == page.pk
            assert api(f"/api/v2/pages/{page.pk}/", If_None_Match=first["ETag"]).status_code == 304
            page.author.name = "Nytt Namn"
            page.author.save()
            assert api(f"/api/v2/pages/{page.pk}/").json()["author"]["name"] == "Nytt Namn"
        finally:
            caches["default"].clear()


def test_api_views_run_outside_atomic_requests():
    """ATOMIC_REQUESTS is on for the admin; the read-only API must not hold a transaction."""
    from django.urls import resolve

    for url in ("/api/v2/pages/", "/api/v2/pages/1/", "/api/v2/themes/", "/api/v2/changes/"):
        view = resolve(url).func
        assert "default" in getattr(view, "_non_atomic_requests", set()), url
