"""Fixtures for webhook tests: a real loopback receiver and endpoints pointing at it."""

from __future__ import annotations

import threading
from collections import deque

import pytest
from django.db import transaction
from wagtail.models import Page

from cms.models import ArticleIndexPage, ArticlePage, HomePage
from syndication.models import WebhookEndpoint
from tests.support.loopback import LoopbackServer


class Receiver:
    """A loopback webhook receiver. ``script`` holds the answers to give, in order; once it
    is empty every request gets ``default``. An answer is ``(status, headers)``."""

    def __init__(self):
        self.script: deque = deque()
        self.default = (200, {})
        self.lock = threading.Lock()
        self.server = LoopbackServer(self._handle)

    def _handle(self, request):
        with self.lock:
            status, headers = self.script.popleft() if self.script else self.default
        return status, headers, b"ok"

    @property
    def requests(self) -> list[dict]:
        return self.server.requests

    def url(self, path="/hook") -> str:
        return self.server.url(path)


@pytest.fixture
def allow_loopback(settings):
    settings.KANAL_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]


@pytest.fixture
def receiver(allow_loopback):
    r = Receiver()
    with r.server:
        yield r


@pytest.fixture
def endpoint(receiver, db):
    return WebhookEndpoint.objects.create(name="Skolwebben", url=receiver.url())


@pytest.fixture
def article_index(db):
    root = Page.get_first_root_node()
    home = HomePage(title="Kanal test", slug="kanal-test")
    index = ArticleIndexPage(title="Nyheter", slug="nyheter")
    with transaction.atomic():
        root.add_child(instance=home)
        home.add_child(instance=index)
    return ArticleIndexPage.objects.get(pk=index.pk)


@pytest.fixture
def publish(article_index, django_capture_on_commit_callbacks):
    """Publish a new article the way the admin does (one transaction), running the
    after-commit hooks (dispatch -> deliver) as a real commit would."""
    counter = {"n": 0}

    def make(title="Nyhet", **fields) -> ArticlePage:
        counter["n"] += 1
        page = ArticlePage(title=f"{title} {counter['n']}", live=False, **fields)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            article_index.add_child(instance=page)
            page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def relay_pass(django_capture_on_commit_callbacks):
    """One relay pass, with after-commit hooks run as outside a test transaction."""
    from syndication.relay import Relay

    relay = Relay(reconcile_every=1e9, publish_scheduled_every=1e9)

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return relay.run_once()

    return run
