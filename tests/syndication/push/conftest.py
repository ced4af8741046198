"""Push fixtures: a small page tree, publishing the way the admin does, and a REAL WordPress.

The WordPress (Debian's ``wordpress`` package on PHP's built-in server with its own MariaDB,
started by ``tests/peers/wordpress.sh``) is session-scoped: installing it takes ~17 s on a
quiet machine, so every ``wordpress`` test shares one blog and tells its posts apart by unique
slugs. Without the Debian packages the tests skip with the reason; under CI
(``KANAL_REQUIRE_WORDPRESS=1``, set by ``.ci/run``) a WordPress that cannot start fails them.
"""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from cms.events import Event
from cms.models import ArticleIndexPage, ArticlePage, HomePage
from syndication.push.models import PushTarget
from tests.support.micropub import MicropubServer
from tests.support.wordpress import WordPress, start_wordpress


@pytest.fixture(scope="session")
def wordpress() -> WordPress:
    return start_wordpress()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Page and revision ids repeat from test to test (rolled back), and so would the
    representation cache's keys: every test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def allow_loopback(settings):
    settings.KANAL_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]


@pytest.fixture
def article_index(db):
    """The site's tree, published before the test's targets exist. On a real site its events
    were fanned out when it was published (no target then, so nothing pushed); here the test's
    transaction drops the after-commit wake-ups, so they are marked dispatched as they would
    have been. Left waiting, the next dispatch task (which fans out every waiting event,
    ``syndication.dispatch.dispatch_pending``) or the relay would push them to the targets
    created since, as for any event whose wake-up was lost."""
    root = Page.get_first_root_node()
    home = HomePage(title="Kanal test", slug="kanal-test")
    index = ArticleIndexPage(title="Nyheter", slug="nyheter")
    with transaction.atomic():
        root.add_child(instance=home)
        home.save_revision().publish()
        home.add_child(instance=index)
        index.save_revision().publish()
    Event.objects.undispatched().mark_dispatched(timezone.now())
    return ArticleIndexPage.objects.get(pk=index.pk)


class Editor:
    """Publishes, edits, unpublishes and deletes the way the admin does: one transaction each,
    after-commit hooks run (dispatch -> push, in-process with the immediate task backend)."""

    model = ArticlePage

    def __init__(self, index, capture):
        self.index = index
        self.capture = capture

    def publish_new(self, title: str, run_hooks: bool = True, **fields) -> ArticlePage:
        slug = f"push-{uuid.uuid4().hex[:10]}"
        page = ArticlePage(title=title, slug=slug, live=False, **fields)
        with self.capture(execute=run_hooks), transaction.atomic():
            self.index.add_child(instance=page)
            page.save_revision().publish()
        page.refresh_from_db()
        return page

    def edit(self, page, tags: list[str] | None = None, **fields):
        page = self.model.objects.get(pk=page.pk)
        if tags is not None:
            page.tags.set(list(tags))
        for name, value in fields.items():
            setattr(page, name, value)
        with self.capture(execute=True), transaction.atomic():
            page.save_revision().publish()
        page.refresh_from_db()
        return page

    def unpublish(self, page) -> None:
        with self.capture(execute=True), transaction.atomic():
            self.model.objects.get(pk=page.pk).unpublish()

    def delete(self, page) -> None:
        with self.capture(execute=True), transaction.atomic():
            self.model.objects.get(pk=page.pk).delete()


@pytest.fixture
def editor(article_index, django_capture_on_commit_callbacks):
    return Editor(article_index, django_capture_on_commit_callbacks)


@pytest.fixture
def wp_target(wordpress, allow_loopback, db) -> PushTarget:
    target = PushTarget(
        kind="wordpress", name="Partnerbloggen", endpoint=wordpress.url, username=wordpress.user
    )
    target.set_secret(wordpress.app_password)
    target.save()
    return target


@pytest.fixture
def micropub(allow_loopback):
    with MicropubServer() as server:
        yield server


@pytest.fixture
def mp_target(micropub) -> PushTarget:
    """A Micropub target whose endpoints are known (tests of discovery build their own)."""
    target = PushTarget(
        kind="micropub",
        name="Mikrobloggen",
        endpoint=micropub.site,
        discovered_endpoint=micropub.endpoint,
        media_endpoint=micropub.media_endpoint,
    )
    target.set_secret(micropub.token)
    target.save()
    return target
