"""Fixtures for the pull tests: a minimal page tree, loopback servers serving the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings
from wagtail.models import Page

from tests.support.loopback import LoopbackServer

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TYPES = {".xml": "application/xml", ".json": "application/feed+json", ".html": "text/html"}


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


class FeedServer(LoopbackServer):
    """Serves ``routes[path] = (status, headers, body)``; unknown paths come from the corpus."""

    def __init__(self):
        self.routes: dict[str, tuple[int, dict, bytes] | object] = {}
        super().__init__(self._handle)

    def _handle(self, request):
        route = self.routes.get(request.path)
        if callable(route):
            return route(request)
        if route is not None:
            return route
        path = CORPUS / request.path.lstrip("/")
        if request.path.count("/") == 1 and path.is_file():
            return (
                200,
                {"Content-Type": TYPES.get(path.suffix, "application/octet-stream")},
                (path.read_bytes()),
            )
        return 404, {}, b"not found"

    def serve(self, path: str, body: bytes, content_type="application/xml", status=200, **headers):
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, body)
        return self.url(path)


@pytest.fixture
def feed_server():
    with override_settings(KANAL_ALLOW_PRIVATE_HOSTS=["127.0.0.1"]), FeedServer() as server:
        yield server


@pytest.fixture
def pull_tree(db):
    """Root -> home -> an article index and a video index."""
    from cms.models import ArticleIndexPage, HomePage, VideoIndexPage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Kanal", slug="kanal-pull"))
    articles = home.add_child(instance=ArticleIndexPage(title="Artiklar", slug="artiklar"))
    videos = home.add_child(instance=VideoIndexPage(title="Videor", slug="videor"))
    return {"home": home, "articles": articles, "videos": videos}


@pytest.fixture
def make_source(pull_tree):
    from syndication.models import Source

    def make(url="https://feeds.example.org/feed.xml", index="articles", **fields):
        source = Source.objects.create(
            name=fields.pop("name", "Testkälla"),
            url=url,
            feed_url=fields.pop("feed_url", url),
            index_page=pull_tree[index],
            **fields,
        )
        return source

    return make


@pytest.fixture(autouse=True)
def _no_websub_unless_asked(settings):
    """Corpus feeds name hubs on example.net: never contact them (tests opt in)."""
    settings.KANAL_WEBSUB_ENABLED = False
