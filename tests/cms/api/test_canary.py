"""Drafts and private content never reach anonymous readers: the canary scan.

Unique strings are planted in drafts, unpublished changes, private pages (and their children),
private collections' images and documents, links from public pages to all of those,
unpublished and deleted pages, and feedback comments. Then every endpoint is crawled
anonymously — lists (all pages of them), details of every id up to past the highest, finds,
searches, preview, the change feed, schema, docs, and every outgoing feed, calendar and the
OPML list — and the canary must appear zero times in any body or header. The same holds for
the webhook bodies an endpoint without "include private content" receives (a real loopback
receiver).
"""

from __future__ import annotations

import html
import io
import re
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

from cms.api.feedback import record_feedback
from cms.demo.media import landscape_png
from cms.events import Event, EventType
from cms.models import (
    ApiKey,
    ArticleIndexPage,
    ArticlePage,
    PageFeedback,
    ProgramMaterial,
    ProgramPage,
)
from syndication.push.models import PushTarget, SyndicationRecord

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
    draft.tags.add(f"{CANARY}-utkastets-tagg")  # a tag names things too
    draft.save()
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

    # Push syndication: a target's credentials and a private page's remote copy.
    target = PushTarget(
        kind="wordpress",
        name="Partnerbloggen",
        endpoint="https://blogg.example.org",
        username=f"{CANARY}-användare",
        credentials_env=f"{CANARY.upper()}_PASSWORD",
    )
    target.save()
    SyndicationRecord.objects.create(
        page_id=private.pk,
        target=target,
        status="published",
        remote_url=f"https://blogg.example.org/{CANARY}-privat/",
        last_error=f"{CANARY} fel",
    )

    # Public pages pointing at all of the above.
    public = add_article(
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
    SyndicationRecord.objects.create(
        page_id=public.pk,
        target=target,
        status="published",
        remote_url="https://blogg.example.org/offentlig/",
        last_error=f"{CANARY} fel",
    )
    program = ProgramPage.objects.live().first()
    program.materials.add(ProgramMaterial(document=document))
    program.goals = f'<p><a linktype="page" id="{was_live.pk}">x</a></p>'
    publish(program)
    PageFeedback.objects.create(page=changed, useful=False, comment=f"{CANARY} kommentar")
    record_feedback(
        PageFeedback.objects.create(page=changed, useful=True, comment=f"{CANARY} svar")
    )
    image.title = f"{CANARY} privat bild, ändrad"
    image.save()  # image.updated, in a private collection
    deleted = add_article(
        parent,
        f"{CANARY} raderad sida",
        slug=f"{CANARY}-raderad",
        body=[{"type": "paragraph", "value": f"<p>{CANARY} kontakt 070-000 00 00</p>"}],
    )
    deleted.delete()
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
        "/api/v2/tags/?limit=100",
        "/api/v2/page-types/?limit=100",
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
    for url in ("/api/v2/changes/?limit=1000", "/api/v2/changes/?since=0&limit=7"):
        while True:
            body = get(url).json()
            if not body["has_more"]:
                break
            url = f"/api/v2/changes/?cursor={body['next']}&limit=7"
    for event_type in EventType.values:
        get(f"/api/v2/changes/?type={event_type}&limit=1000")
    get("/api/v2/schema/?format=json")
    get("/api/v2/docs/")
    for url in feed_urls():
        get(url)
    return seen


HREF = re.compile(r'(?:href|src)="(/[^"#]*)"')


def _without_own_url(text: str, url: str) -> str:
    """The visitor typed the URL: its own path echoed back (a login ``next=``) is no leak."""
    for form in {url, quote(url), quote(url, safe=""), html.escape(url)}:
        text = text.replace(form, "")
    return text


def crawl_html(client) -> list[tuple[str, int, str]]:
    """The HTML views and the files they link to, as an anonymous visitor sees them.

    Starts at every page's own URL (private ones included: they must answer with the
    password or login form, not their content) and follows every local link and image found.
    """
    seen: list[tuple[str, int, str]] = []
    queue = ["/"]
    for page in Page.objects.filter(depth__gt=1):
        url = page.get_url()
        if url and url.startswith("/"):
            queue.append(url)
    visited: set[str] = set()
    while queue and len(visited) < 400:
        url = queue.pop(0)
        if url in visited or url.startswith(("/admin/", "/api/")):
            continue
        visited.add(url)
        response = client.get(url)
        assert response.status_code < 500, (url, response.content[:300])
        body = b"".join(response) if response.streaming else response.content
        text = body.decode(errors="replace") + " ".join(f"{k}: {v}" for k, v in response.items())
        seen.append((url, response.status_code, _without_own_url(text, url)))
        if response.get("Content-Type", "").startswith("text/html"):
            queue.extend(html.unescape(link) for link in HREF.findall(text))
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


def test_canary_scan_of_the_html_views_finds_nothing(planted, client):
    seen = crawl_html(client)
    assert len(seen) > 20
    leaks = [(url, status) for url, status, text in seen if CANARY in text]
    assert leaks == [], "\n".join(f"{status} {url}" for url, status in leaks)


def test_the_html_scan_would_see_a_leak(planted, client):
    """The HTML crawl reaches a child list: a public canary page shows up on its parent."""
    draft = planted[0]
    publish(draft)
    leaks = [url for url, _status, text in crawl_html(client) if CANARY in text]
    assert draft.get_parent().get_url() in leaks


def test_the_scan_would_see_a_leak(planted, client):
    """Guard against a blind crawler: the same crawl sees a canary that is made public."""
    draft = planted[0]
    publish(draft)
    leaks = [url for url, _status, text in crawl(client) if CANARY in text]
    assert f"/api/v2/pages/{draft.pk}/" in leaks
    assert {"/api/v2/tags/?limit=100", "/feeds/opml/"} <= set(leaks)  # its tag, now public
    assert {"/feeds/rss/", "/feeds/atom/", "/feeds/json/", "/feeds/articles/rss/"} <= set(leaks)


def test_the_scan_would_see_a_leak_in_the_change_feed(planted, client):
    """The feed crawl is not blind: a read:private key's reader sees the canaries there."""
    _key, secret = ApiKey.create_with_secret(
        name="Intern", scopes=["read:private"], rate_limit_per_minute=0
    )
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {secret}"
    leaks = [url for url, _status, text in crawl(client) if CANARY in text]
    assert any(url.startswith("/api/v2/changes/") for url in leaks)


@pytest.fixture
def webhook_receiver(settings):
    from tests.support.loopback import LoopbackServer

    settings.KANAL_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    server = LoopbackServer(lambda request: (200, {}, b"ok"))
    with server:
        yield server


def deliver_everything(endpoint) -> None:
    from syndication.dispatch import dispatch_event
    from syndication.models import Delivery
    from syndication.webhooks.delivery import attempt

    for event_id in Event.objects.order_by("sequence").values_list("pk", flat=True):
        dispatch_event(event_id)
    for delivery_id in Delivery.objects.filter(endpoint=endpoint).values_list("pk", flat=True):
        attempt(delivery_id)


@pytest.mark.parametrize("include_private", [False, True])
def test_webhook_bodies_leak_only_to_an_endpoint_allowed_private_content(
    planted, webhook_receiver, include_private
):
    from syndication.models import Delivery, DeliveryStatus, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        name="Mottagare",
        url=webhook_receiver.url(f"/hook/{include_private}"),
        include_private_content=include_private,
    )
    deliver_everything(endpoint)
    bodies = [r["body"].decode() for r in webhook_receiver.requests]
    assert len(bodies) == Event.objects.count() > 20
    assert not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()
    leaks = [body for body in bodies if CANARY in body]
    if include_private:
        assert leaks  # the receiver would see a leak: the check is not blind
    else:
        assert leaks == []
