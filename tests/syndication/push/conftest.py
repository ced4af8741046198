"""Push fixtures: a small page tree, publishing the way the admin does, and a REAL WordPress.

The WordPress (Debian's ``wordpress`` package on PHP's built-in server with its own MariaDB,
started by ``tests/peers/wordpress.sh``) is session-scoped: installing it takes ~17 s on a
quiet machine, so every ``wordpress`` test shares one blog and tells its posts apart by unique
slugs. Without the Debian packages the tests skip with the reason; under CI
(``KANAL_REQUIRE_WORDPRESS=1``, set by ``.ci/run``) a WordPress that cannot start fails them.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from wagtail.models import Page

from cms.models import ArticleIndexPage, ArticlePage, HomePage
from syndication.push.models import PushTarget

ROOT = Path(__file__).resolve().parents[3]
PEER_SCRIPT = ROOT / "tests" / "peers" / "wordpress.sh"
WORDPRESS_PACKAGES = {
    "/usr/share/wordpress/wp-load.php": "wordpress",
    "/usr/sbin/mariadbd": "mariadb-server",
    "/usr/bin/php": "php-cli",
}


@dataclass(frozen=True)
class WordPress:
    url: str
    user: str
    app_password: str

    def api(self, route: str, method: str = "GET", body: dict | None = None, **params):
        """The blog's own REST API, driven directly (to check what Kanal did)."""
        query = urllib.parse.urlencode({"rest_route": route, **params}, safe="/,")
        request = urllib.request.Request(
            f"{self.url}/?{query}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": "Basic "
                + base64.b64encode(f"{self.user}:{self.app_password}".encode()).decode(),
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def posts(self, slug: str, status: str = "publish,draft,pending,private,future,trash"):
        return self.api("/wp/v2/posts", slug=slug, status=status, context="edit")

    def all_posts_like(self, marker: str):
        return self.api(
            "/wp/v2/posts",
            search=marker,
            status="publish,draft,pending,private,future,trash",
            per_page=100,
            context="edit",
        )

    def rss(self) -> bytes:
        with urllib.request.urlopen(f"{self.url}/?feed=rss2", timeout=30) as response:
            return response.read()


def _missing_packages() -> list[str]:
    return [pkg for path, pkg in WORDPRESS_PACKAGES.items() if not os.path.exists(path)]


@pytest.fixture(scope="session")
def wordpress() -> WordPress:
    required = bool(os.environ.get("KANAL_REQUIRE_WORDPRESS"))
    missing = _missing_packages()
    if missing and not required:
        pytest.skip(
            f"WordPress packages missing ({', '.join(missing)}): run `sudo bash "
            f"tests/peers/wordpress.sh start` once, or see .ci/apt-packages"
        )
    if os.geteuid() != 0 and not required:
        pytest.skip("tests/peers/wordpress.sh needs root (it runs MariaDB as mysql)")
    if shutil.which("bash") is None:  # pragma: no cover
        pytest.fail("bash is needed to start WordPress")
    result = subprocess.run(
        ["bash", str(PEER_SCRIPT), "start"], capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        pytest.fail(f"WordPress did not start:\n{result.stderr[-3000:]}")
    values = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition("=")
        values[name] = value
    return WordPress(values["WP_URL"], values["WP_USER"], values["WP_APP_PASSWORD"])


@pytest.fixture
def allow_loopback(settings):
    settings.KANAL_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]


@pytest.fixture
def article_index(db):
    root = Page.get_first_root_node()
    home = HomePage(title="Kanal test", slug="kanal-test")
    index = ArticleIndexPage(title="Nyheter", slug="nyheter")
    with transaction.atomic():
        root.add_child(instance=home)
        home.save_revision().publish()
        home.add_child(instance=index)
        index.save_revision().publish()
    return ArticleIndexPage.objects.get(pk=index.pk)


class Editor:
    """Publishes, edits, unpublishes and deletes the way the admin does: one transaction each,
    after-commit hooks run (dispatch -> push, in-process with the immediate task backend)."""

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

    def edit(self, page: ArticlePage, tags: list[str] | None = None, **fields) -> ArticlePage:
        page = ArticlePage.objects.get(pk=page.pk)
        if tags is not None:
            page.tags.set(tags)
        for name, value in fields.items():
            setattr(page, name, value)
        with self.capture(execute=True), transaction.atomic():
            page.save_revision().publish()
        page.refresh_from_db()
        return page

    def unpublish(self, page: ArticlePage) -> None:
        with self.capture(execute=True), transaction.atomic():
            ArticlePage.objects.get(pk=page.pk).unpublish()

    def delete(self, page: ArticlePage) -> None:
        with self.capture(execute=True), transaction.atomic():
            ArticlePage.objects.get(pk=page.pk).delete()


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
