"""``seed_demo`` builds a valid, fully published demo site, and is idempotent."""

import io

import pytest
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from cms.models import (
    ArticlePage,
    HomePage,
    OrganisationUnit,
    Person,
    ProgramPage,
    VideoPage,
)
from themes.models import Theme, ThemeAlias

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": sum(page.revisions.count() for page in Page.objects.all()),
        "articles": ArticlePage.objects.count(),
        "videos": VideoPage.objects.count(),
        "programs": ProgramPage.objects.count(),
        "themes": Theme.objects.count(),
        "aliases": ThemeAlias.objects.count(),
        "people": Person.objects.count(),
        "units": OrganisationUnit.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "locales": Locale.objects.count(),
    }


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seeding_twice_yields_the_same_content():
    seed()
    first = counts()
    output = seed()
    assert counts() == first
    assert "nothing to do" in output


def test_demo_has_the_promised_content():
    seed()
    c = counts()
    assert c["themes"] >= 6
    assert c["aliases"] >= 6
    assert c["programs"] == 3
    assert c["articles"] == 10
    assert c["videos"] == 5
    assert c["people"] >= 3
    assert c["units"] == 1
    assert c["documents"] >= 3
    assert {locale.language_code for locale in Locale.objects.all()} == {"sv", "en"}
    for program in ProgramPage.objects.all():
        assert program.meetings.count() >= 3
        assert program.materials.count() >= 2
        assert program.contacts.count() >= 1
        assert program.related_pages.count() >= 1
    assert {video.provider for video in VideoPage.objects.all()} == {"youtube", "vimeo", "peertube"}
    for document in get_document_model().objects.all():
        assert document.file.read(5) == b"%PDF-"


def test_demo_tree_is_valid_and_rooted_at_the_default_site():
    seed()
    problems = Page.find_problems()
    assert all(not problem for problem in problems), problems
    home = HomePage.objects.get(locale__language_code="sv")
    assert Site.objects.get(is_default_site=True).root_page.specific == home
    english = HomePage.objects.get(locale__language_code="en")
    assert english.translation_key == home.translation_key
    for page in Page.objects.filter(depth__gt=2).specific():
        assert type(page.get_parent().specific) in page.specific_class.allowed_parent_page_models()


def test_every_demo_page_is_published_and_republishes():
    seed()
    pages = list(Page.objects.filter(depth__gt=1).specific())
    assert pages
    for page in pages:
        assert page.live, page
        assert page.live_revision_id is not None, page
        assert not page.has_unpublished_changes, page
        page.full_clean()
        revision = page.save_revision()
        revision.publish()
        page.refresh_from_db()
        assert page.live_revision_id == revision.pk
