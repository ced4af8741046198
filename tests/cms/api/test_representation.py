"""The page representation: every field of every page type, typed blocks, resolved links."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    OrganisationUnit,
    ProgramPage,
    VideoPage,
)
from cms.representation.cache import page_representation
from cms.representation.pages import represented_models
from cms.representation.resolver import declared_fields

from .helpers import add_article, publish

pytestmark = pytest.mark.django_db


def detail(api, page):
    response = api(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200
    return response.json()


class TestEveryPageType:
    def test_every_page_type_has_its_fields_in_detail(self, site, api):
        for model in represented_models():
            names = [field.name for field in declared_fields(model)]
            page = model.objects.live().first()
            assert page is not None, model
            data = detail(api, page)
            expected = {"id", "meta", "title", "themes", "tags", "last_reviewed_at", "origin"}
            expected |= {"syndicated_to", *names}
            assert set(data) == expected, model
            assert data["meta"]["type"] == f"cms.{model.__name__}"
            assert data["syndicated_to"] == []

    def test_meta_has_front_end_url_api_url_and_locale(self, site, api, settings):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        meta = detail(api, page)["meta"]
        assert meta["html_url"] == "http://127.0.0.1:8000/aktuellt/larare-och-rektorer-samverkar/"
        assert meta["detail_url"] == f"http://127.0.0.1:8000/api/v2/pages/{page.pk}/"
        assert meta["locale"] == "sv"
        assert meta["parent"]["id"] == page.get_parent().pk
        assert meta["revision"] == page.live_revision_id
        assert meta["first_published_at"].endswith("Z")

    def test_translations_link_both_ways(self, site, api):
        english = HomePage.objects.get(locale__language_code="en")
        swedish = detail(api, site)["meta"]["translations"]
        assert [(t["id"], t["locale"]) for t in swedish] == [(english.pk, "en")]
        assert swedish[0]["html_url"] == "http://127.0.0.1:8000/en/"
        back = detail(api, english)["meta"]["translations"]
        assert [(t["id"], t["locale"]) for t in back] == [(site.pk, "sv")]


class TestArticle:
    def test_reviewed_by_is_the_reviewers_full_name_or_null(self, site, api):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        assert detail(api, page)["reviewed_by"] is None
        reviewer = get_user_model().objects.create_user(
            "granskare", "granskare@example.org", "x", first_name="Maja", last_name="Lind"
        )
        page.last_reviewed_by = reviewer
        page.save_revision().publish()
        data = detail(api, page)
        assert data["reviewed_by"] == "Maja Lind"
        assert "granskare" not in json.dumps(data)  # never the user name or e-mail

    def test_body_is_a_list_of_typed_blocks(self, site, api):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        body = detail(api, page)["body"]
        assert body and all(set(block) == {"type", "id", "value"} for block in body)
        kinds = {block["type"] for block in body}
        assert {"paragraph", "image", "quote", "contact"} <= kinds

    def test_image_block_has_renditions_dimensions_focal_point_and_alt(self, site, api):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        block = next(b for b in detail(api, page)["body"] if b["type"] == "image")
        image = block["value"]["image"]
        assert [r["width"] for r in image["renditions"]] == [480, 960, 1600]
        assert (image["width"], image["height"]) == (1600, 900)
        assert image["alt"] and "focal_point" in image
        assert all(r["url"].startswith("http://127.0.0.1:8000/media/") for r in image["renditions"])

    def test_small_originals_are_not_upscaled_or_repeated(self, site, api):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        photo = detail(api, page)["author"]["photo"]
        assert (photo["width"], photo["height"]) == (400, 400)
        assert [r["width"] for r in photo["renditions"]] == [400]

    def test_focal_point_is_reported(self, site, api):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        image_id = next(b for b in page.body if b.block_type == "image").value["image"].pk
        image = get_image_model().objects.get(pk=image_id)
        image.focal_point_x, image.focal_point_y = 800, 450
        image.focal_point_width, image.focal_point_height = 200, 100
        image.save()
        block = next(b for b in detail(api, page)["body"] if b["type"] == "image")
        assert block["value"]["image"]["focal_point"] == {
            "x": 800,
            "y": 450,
            "width": 200,
            "height": 100,
        }

    def test_author_and_contact_cards_are_full_people(self, site, api):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        data = detail(api, page)
        assert data["author"]["name"] == page.author.name
        contact = next(b for b in data["body"] if b["type"] == "contact")["value"]["person"]
        assert contact["email"].endswith("@abyholm.example")
        assert len(contact["photo"]["renditions"]) >= 1

    def test_themes_tags_and_review_date(self, site, api):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        data = detail(api, page)
        assert {t["slug"] for t in data["themes"]} == set(
            page.themes.values_list("slug", flat=True)
        )
        assert data["tags"] == sorted(page.tags.names())
        assert data["last_reviewed_at"] == "2026-10-01"

    def test_origin_on_imported_pages(self, site, api):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        assert detail(api, page)["origin"] is None
        page.origin_source = "Skolbloggen"
        page.origin_url = "https://blogg.example/inlagg/1"
        publish(page)
        assert detail(api, page)["origin"] == {
            "source": "Skolbloggen",
            "url": "https://blogg.example/inlagg/1",
        }


class TestRichTextLinks:
    def test_internal_links_resolve_to_front_end_and_api_urls(self, site, api):
        parent = ArticleIndexPage.objects.get()
        target = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        draft = add_article(parent, "Hemligt utkast", slug="hemligt-utkast", live=False)
        document = get_document_model().objects.first()
        html = (
            f'<p><a linktype="page" id="{target.pk}">live</a> '
            f'<a linktype="page" id="{draft.pk}">utkast</a> '
            f'<a linktype="document" id="{document.pk}">pdf</a> '
            '<a href="https://example.org/">extern</a></p>'
        )
        page = add_article(parent, "Länkar", body=[{"type": "paragraph", "value": html}])
        value = detail(api, page)["body"][0]["value"]
        assert 'href="http://127.0.0.1:8000/aktuellt/larare-och-rektorer-samverkar/"' in value
        assert f'data-api-url="http://127.0.0.1:8000/api/v2/pages/{target.pk}/"' in value
        assert "<a>utkast</a>" in value and "hemligt-utkast" not in value
        assert f'href="http://127.0.0.1:8000{document.url}"' in value
        assert 'href="https://example.org/"' in value
        assert "linktype" not in value

    def test_front_end_url_comes_from_settings(self, site, api, settings):
        settings.KANAL_FRONTEND_URL = "https://skola.example"
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        assert detail(api, page)["meta"]["html_url"] == (
            "https://skola.example/aktuellt/larare-och-rektorer-samverkar/"
        )


class TestVideoAndProgram:
    def test_video_fields(self, site, api):
        page = VideoPage.objects.live().first()
        data = detail(api, page)
        video = data["video"]
        assert video["provider"] in {"youtube", "vimeo", "peertube"}
        assert video["video_id"] and video["embed_url"].startswith("https://")
        assert video["duration_seconds"] == int(page.duration.total_seconds())
        assert video["duration"].startswith("PT")
        assert video["transcript"] == page.transcript
        assert data["poster_image"]["renditions"]

    def test_program_meetings_material_contacts(self, site, api):
        page = ProgramPage.objects.live().first()
        data = detail(api, page)
        assert len(data["meetings"]) == page.meetings.count()
        assert data["meetings"][0]["starts_at"].endswith("Z")
        material = data["materials"][0]
        assert material["file_type"] == "pdf" and material["file_size"] > 0
        assert material["url"].startswith("http://127.0.0.1:8000/documents/")
        assert [c["id"] for c in data["contacts"]] == list(
            page.contacts.values_list("person_id", flat=True)
        )
        assert data["format"]["label"] and data["target_audience"][0]["label"]
        assert all(link["html_url"] for link in data["related_pages"])


class TestOutsideRequests:
    def test_page_representation_of_live_page_matches_api(self, site, api):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        assert page_representation(page) == detail(api, page)

    def test_page_representation_of_a_draft_revision(self, site):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        page.title = "Ny rubrik i utkast"
        revision = page.save_revision()
        data = page_representation(page, revision=revision)
        assert data["title"] == "Ny rubrik i utkast"
        assert data["meta"]["revision"] == revision.pk
        assert page_representation(ArticlePage.objects.get(pk=page.pk))["title"] != data["title"]


class TestReviewAndOrganisationUnit:
    """Every content page type says who last reviewed it and when, and which organisation unit
    stands behind it: its own, or its site's (the home page's)."""

    @pytest.mark.parametrize("model", [ArticlePage, VideoPage, ProgramPage])
    def test_reviewer_and_review_date(self, site, api, model):
        page = model.objects.live().first()
        reviewer = get_user_model().objects.create_user(
            f"rev-{model.__name__}", "rev@example.org", "x", first_name="Maja", last_name="Lind"
        )
        page.last_reviewed_by = reviewer
        page.last_reviewed_at = datetime.date(2026, 11, 2)
        page.save_revision().publish()
        data = detail(api, page)
        assert (data["reviewed_by"], data["last_reviewed_at"]) == ("Maja Lind", "2026-11-02")

    @pytest.mark.parametrize("model", [ArticlePage, VideoPage, ProgramPage])
    def test_unit_falls_back_to_the_sites(self, site, api, model):
        unit = OrganisationUnit.objects.create(name="Utvecklingsenheten", phone="08-123")
        HomePage.objects.filter(pk=site.pk).update(organisation_unit=unit)
        page = model.objects.live().descendant_of(site).filter(organisation_unit=None).first()
        data = detail(api, page)
        assert data["organisation_unit"] == unit.external_representation()

    def test_own_unit_wins_over_the_sites(self, site, api):
        site_unit = OrganisationUnit.objects.create(name="Utvecklingsenheten")
        own = OrganisationUnit.objects.create(name="Språkförskolan", email="sprak@skola.example")
        HomePage.objects.filter(pk=site.pk).update(organisation_unit=site_unit)
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        page.organisation_unit = own
        page.save_revision().publish()
        assert detail(api, page)["organisation_unit"]["name"] == "Språkförskolan"

    def test_no_unit_anywhere_is_null(self, site, api):
        HomePage.objects.filter(pk=site.pk).update(organisation_unit=None)
        page = VideoPage.objects.live().filter(organisation_unit=None).first()
        assert detail(api, page)["organisation_unit"] is None

    def test_publishing_the_home_page_with_a_new_unit_refreshes_cached_pages(self, site, api):
        page = ArticlePage.objects.get(slug="larare-och-rektorer-samverkar")
        before = detail(api, page)["organisation_unit"]
        unit = OrganisationUnit.objects.create(name="Ny enhet för skolutveckling")
        home = HomePage.objects.get(pk=site.pk)
        home.organisation_unit = unit
        home.save_revision().publish()
        after = detail(api, page)["organisation_unit"]
        assert before != after and after["name"] == "Ny enhet för skolutveckling"

    def test_renaming_the_sites_unit_refreshes_cached_pages(self, site, api):
        unit = OrganisationUnit.objects.create(name="Enheten")
        home = HomePage.objects.get(pk=site.pk)
        home.organisation_unit = unit
        home.save_revision().publish()
        page = VideoPage.objects.live().filter(organisation_unit=None).first()
        assert detail(api, page)["organisation_unit"]["name"] == "Enheten"
        unit.name = "Enheten för förskola"
        unit.save()
        assert detail(api, page)["organisation_unit"]["name"] == "Enheten för förskola"
