"""A list costs a bounded number of SQL queries whatever ``limit`` is, for every page type."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    Person,
    ProgramContact,
    ProgramIndexPage,
    ProgramMaterial,
    ProgramMeeting,
    ProgramPage,
    ProgramRelatedPage,
    VideoIndexPage,
    VideoPage,
)
from cms.representation.pages import represented_models
from themes.models import Theme

from .helpers import publish

EXTRA = 21  # more than the default limit, so limit=1, 20 and 100 return different counts
# Queries for a list on a cold cache: stamps, count, rows, and per page type one load plus
# its prefetches, then images, renditions, documents, people, links, privacy, and the site's
# organisation unit for content pages without one of their own — never per page.
COLD_MAX = 23  # measured: 10 (index pages) to 23 (programs), the same for every limit
# With the representations cached, but not the response (a new ?fields= combination).
WARM_MAX = 6


@pytest.fixture(scope="module")
def many_pages(seeded, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            _add_pages()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _add_pages() -> None:
    image = get_image_model().objects.first()
    document = get_document_model().objects.first()
    person = Person.objects.first()
    themes = list(Theme.objects.all()[:2])
    target = ArticlePage.objects.live().first()
    articles = ArticleIndexPage.objects.get()
    videos = VideoIndexPage.objects.get()
    programs = ProgramIndexPage.objects.get()
    for number in range(EXTRA):
        body = [
            {"type": "heading", "value": {"text": f"Rubrik {number}", "level": "h2"}},
            {
                "type": "paragraph",
                "value": f'<p>Text <a linktype="page" id="{target.pk}">länk</a> '
                f'<a linktype="document" id="{document.pk}">pdf</a></p>',
            },
            {"type": "image", "value": {"image": image.pk, "caption": "Bild", "alt_text": ""}},
            {"type": "contact", "value": {"person": person.pk, "note": "Frågor"}},
            {"type": "documents", "value": {"heading": "Läs", "documents": [document.pk]}},
            {
                "type": "call_to_action",
                "value": {
                    "title": "Anmälan",
                    "text": "",
                    "button_label": "Anmäl",
                    "page": target.pk,
                    "url": "",
                },
            },
        ]
        article = ArticlePage(title=f"Extra artikel {number}", body=body, author=person)
        article.themes = themes
        article.tags.set(["extra", f"nummer-{number}"])
        _add(articles, article)
        video = VideoPage(
            title=f"Extra video {number}",
            video_url=f"https://www.youtube.com/watch?v=abcdefghi{number:02d}",
            poster_image=image,
            duration=timedelta(minutes=3),
        )
        video.themes = themes
        _add(videos, video)
        program = ProgramPage(
            title=f"Extra program {number}",
            summary="Sammanfattning",
            goals=f'<p><a linktype="page" id="{target.pk}">mål</a></p>',
            target_audience=["compulsory"],
            format="network",
            start_date=date(2026, 1, 1),
        )
        program.themes = themes
        program.meetings = [
            ProgramMeeting(starts_at="2026-02-01T10:00:00Z", place="Aulan", topic="Start")
        ]
        program.materials = [ProgramMaterial(document=document)]
        program.contacts = [ProgramContact(person=person)]
        program.related_pages = [ProgramRelatedPage(page=target)]
        _add(programs, program)


def _add(parent, page):
    page.live = False
    parent.add_child(instance=page)
    publish(page)


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", represented_models(), ids=lambda m: m.__name__)
@pytest.mark.parametrize("limit", [1, 20, 100])
def test_list_queries_are_bounded_on_a_cold_cache(
    site, many_pages, client, django_assert_max_num_queries, model, limit
):
    cache.clear()
    url = f"/api/v2/pages/?type=cms.{model.__name__}&fields=*&limit={limit}"
    with django_assert_max_num_queries(COLD_MAX):
        response = client.get(url)
    assert response.status_code == 200
    expected = min(limit, model.objects.live().count())
    assert len(response.json()["items"]) == expected


@pytest.mark.parametrize("model", represented_models(), ids=lambda m: m.__name__)
@pytest.mark.parametrize("limit", [1, 20, 100])
def test_list_queries_with_cached_representations(
    site, many_pages, client, django_assert_max_num_queries, model, limit
):
    client.get(f"/api/v2/pages/?type=cms.{model.__name__}&fields=*&limit={limit}")
    with django_assert_max_num_queries(WARM_MAX):
        response = client.get(f"/api/v2/pages/?type=cms.{model.__name__}&limit={limit}")
    assert response.status_code == 200


@pytest.mark.parametrize("limit", [1, 20, 100])
def test_mixed_type_list_is_bounded(site, many_pages, client, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(COLD_MAX + 2 * 7):
        response = client.get(f"/api/v2/pages/?fields=*&limit={limit}")
    total = response.json()["meta"]["total_count"]
    assert total > 20
    assert len(response.json()["items"]) == min(limit, total)
