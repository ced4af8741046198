"""Drafts and private content never reach anonymous readers: the canary scan.

Unique strings are planted in drafts, unpublished changes, private pages (and their children),
private collections' images and documents, links from public pages to all of those, and
feedback comments. Then every endpoint is crawled anonymously — lists (all pages of them),
details of every id up to past the highest, finds, searches, preview, schema, docs, and every
outgoing feed, calendar and the OPML list — and the canary must appear zero times in any body
or header.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

from cms.demo.media import landscape_png
from cms.models import ArticleIndexPage, ArticlePage, PageFeedback, ProgramMaterial, ProgramPage

from .helpers import add_article, publish

pytestmark = pytest.mark.django_db

CANARY = "kanarie7f3a"


@pytest.fixture
def planted(site):
    parent = ArticleIndexPage.objects.get()
    draft = add_article(
        parent,
        f"{CANARY} utkastets rubrik",
        slug=f"{CANARY}-utkast",
        live=False,
        body=[{"type": "paragraph", "value": f"<p>{CANARY} i utkastets text</p>"}],
    )
    changed = ArticlePage.objects.live().first()
    changed.title = f"{CANARY} opublicerad ändring"
    changed.intro = f"{CANARY} opublicerad ingress"
    changed.save_revision()

    private = add_article(parent, f"{CANARY} privat sida", slug=f"{CANARY}-privat")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    private_login = add_article(parent, f"{CANARY} inloggad sida", slug=f"{CANARY}-inlogg")
    PageViewRestriction.objects.create(page=private_login, restriction_type="login")

    was_live = add_article(parent, f"{CANARY} avpublicerad", slug=f"{CANARY}-avpublicerad")
    was_live.unpublish()

    secret_collection = Collection.get_first_root_node().add_child(name=f"{CANARY} samling")
    CollectionViewRestriction.objects.create(
        collection=secret_collection, restriction_type="password", password="x"
    )
    image = get_image_model()(
        title=f"{CANARY} privat bild",
        collection=secret_collection,
        file=ImageFile(io.BytesIO(landscape_png("x")), name=f"{CANARY}.png"),
    )
    image.save()
    document = get_document_model()(title=f"{CANARY} privat dokument", collection=secret_collection)
    document.file.save(f"{CANARY}.pdf", ContentFile(b"%PDF-1.4 x"), save=False)
    document.save()

    # Public pages pointing at all of the above.
    add_article(
        parent,
        "Offentlig sida med länkar",
        body=[
            {
                "type": "paragraph",
                "value": f'<p><a linktype="page" id="{draft.pk}">a</a>'
                f'<a linktype="page" id="{private.pk}">b</a>'
                f'<a linktype="document" id="{document.pk}">c</a></p>',
            },
            {"type": "image", "value": {"image": image.pk, "caption": "", "alt_text": ""}},
            {"type": "documents", "value": {"heading": "", "documents": [document.pk]}},
            {
                "type": "call_to_action",
                "value": {
                    "title": "t",
                    "text": "",
                    "button_label": "b",
                    "page": private_login.pk,
                    "url": "",
                },
            },
        ],
    )
    program = ProgramPage.objects.live().first()
    program.materials.add(ProgramMaterial(document=document))
    program.goals = f'<p><a linktype="page" id="{was_live.pk}">x</a></p>'
    publish(program)
    PageFeedback.objects.create(page=changed, useful=False, comment=f"{CANARY} kommentar")
    return [draft, changed, private, private_login, was_live]


def crawl(client) -> list[tuple[str, int, str]]:
    seen: list[tuple[str, int, str]] = []

    def get(url: str):
        response = client.get(url)
        assert response.status_code < 500, (url, response.content[:300])
        text = response.content.decode(errors="replace") + " ".join(
            f"{k}: {v}" for k, v in response.items()
        )
        seen.append((url, response.status_code, text))
        return response

    lists = [
        "/api/v2/pages/?fields=*&limit=100",
        "/api/v2/pages/?fields=*&limit=100&order=-date",
        "/api/v2/images/?limit=100",
        "/api/v2/documents/?limit=100",
        "/api/v2/themes/?limit=100",
        "/api/v2/people/?limit=100",
        "/api/v2/organisation-units/?limit=100",
    ]
    for url in lists:
        while url:
            url = get(url).json()["meta"]["next"]
    top_page = Page.objects.order_by("-pk").values_list("pk", flat=True).first()
    for pk in range(1, top_page + 4):
        get(f"/api/v2/pages/{pk}/")
        get(f"/api/v2/pages/{pk}/?fields=*")
        get(f"/api/v2/pages/find/?id={pk}")
        get(f"/api/v2/pages/?child_of={pk}&fields=*")
        get(f"/api/v2/pages/?descendant_of={pk}&fields=*")
        get(f"/api/v2/preview/{pk}/")
    for model, endpoint in ((get_image_model(), "images"), (get_document_model(), "documents")):
        top = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        for pk in range(1, top + 4):
            get(f"/api/v2/{endpoint}/{pk}/")
    for path in Page.objects.values_list("url_path", flat=True):
        parts = path.strip("/").split("/")[1:]
        get(f"/api/v2/pages/find/?html_path=/{'/'.join(parts)}/")
    for query in (CANARY, "utkastets", "privat", "opublicerad", "avpublicerad", "kommentar"):
        get(f"/api/v2/pages/?search={query}&fields=*")
    get("/api/v2/schema/?format=json")
    get("/api/v2/docs/")
    for url in feed_urls():
        get(url)
    return seen


def feed_urls() -> list[str]:
    """Every outgoing feed (syndication/feeds): each format of everything, each page type,
    each theme and tag, in each locale; every program's calendar (by any slug, even of a
    draft); the OPML list."""
    from taggit.models import Tag

    from themes.models import Theme

    scopes = ["", "articles/", "videos/", "programs/"]
    scopes += [f"themes/{slug}/" for slug in Theme.objects.values_list("slug", flat=True)]
    scopes += [f"tags/{slug}/" for slug in Tag.objects.values_list("slug", flat=True)]
    urls = ["/feeds/opml/", "/feeds/programs/meetings.ics", "/en/feeds/programs/meetings.ics"]
    for prefix in ("", "/en"):
        urls += [
            f"{prefix}/feeds/{scope}{fmt}/" for scope in scopes for fmt in ("rss", "atom", "json")
        ]
        urls.append(f"{prefix}/feeds/rss/?limit=200")
    urls += [
        f"/feeds/programs/{slug}/meetings.ics"
        for slug in Page.objects.values_list("slug", flat=True)
    ]
    return urls


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """A throttled answer (429) hides the body the crawler must see: the scan reads
    everything, however many page ids earlier tests used up (PostgreSQL sequences)."""
    settings.KANAL_API_ANON_RATE_PER_MINUTE = 0


def test_canary_scan_finds_nothing(planted, client):
    # The canaries are really there (the scan would pass vacuously otherwise).
    assert all(CANARY in (p.get_latest_revision_as_object().title) for p in planted)
    seen = crawl(client)
    assert len(seen) > 200
    assert not [url for url, status, _text in seen if status == 429]
    leaks = [(url, status) for url, status, text in seen if CANARY in text]
    assert leaks == []


def test_the_scan_would_see_a_leak(planted, client):
    """Guard against a blind crawler: the same crawl sees a canary that is made public."""
    draft = planted[0]
    publish(draft)
    leaks = [url for url, _status, text in crawl(client) if CANARY in text]
    assert f"/api/v2/pages/{draft.pk}/" in leaks
    assert {"/feeds/rss/", "/feeds/atom/", "/feeds/json/", "/feeds/articles/rss/"} <= set(leaks)
