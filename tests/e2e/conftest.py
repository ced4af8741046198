"""Real-browser fixtures: Debian's Chromium, driven by Playwright, against pytest-django's
live server.

The live server runs in a thread of the test process and serves static files from the apps
(``StaticFilesHandler``), so the admin's JavaScript runs as it does under ``make run``. Each
request thread opens its own database connection: on SQLite the test database is then a file
(see ``django_db_modify_db_settings`` in ``tests/conftest.py``), on PostgreSQL the usual
test database. The tests are transactional (the server commits what the browser saves);
``e2e_db`` recreates what the migrations created (the root page, the root collection, the
locale) when an earlier flush removed it, and they run last (see below).

Chromium is never downloaded: ``/usr/bin/chromium`` comes from Debian (``.ci/apt-packages``).
Without it the tests skip locally and fail under CI (``CI`` or ``KANAL_REQUIRE_BROWSER`` set),
so a missing browser never passes silently there. Every request the browser makes is recorded
(``request_log``); requests to anything but the loopback interface are aborted (there is no
internet here, and Kanal must not need it) and listed in ``request_log.offsite``.

On failure a screenshot and the page's HTML are written to ``$KANAL_E2E_ARTIFACTS`` (default:
``<tmp>/kanal-e2e-artifacts``); the paths are printed with the test's output. Tests that show
what a screen looks like (each role's dashboard, for instance) keep a screenshot there on
success too, under ``screenshots/``, through the ``screenshot`` fixture.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .admin_ui import ADMIN_PASSWORD, ADMIN_USERNAME

logger = logging.getLogger(__name__)

CHROMIUM = Path(os.environ.get("KANAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Schemes that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}
# Generous for 2 busy CI cores; a healthy run needs a fraction of it.
ACTION_TIMEOUT_MS = 15_000

_reports = pytest.StashKey[dict]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests last, after pytest-django's ordering.

    They are transactional and leave a flushed database behind; last, they hurt nobody
    (and the fast tests report first).
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    if not CHROMIUM.exists() and not _browser_required():
        # Skip before any fixture runs (no test database is built for nothing).
        skip = pytest.mark.skip(reason=_missing_browser_reason())
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(skip)


def _browser_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("KANAL_REQUIRE_BROWSER"))


def _missing_browser_reason() -> str:
    return (
        f"{CHROMIUM} not found: install Debian's Chromium "
        "(`apt-get install chromium`, see .ci/apt-packages); Playwright's own browser "
        "downloads are not used"
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


def _is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOOPBACK_HOSTS


@dataclass
class RequestLog:
    """Every URL the browser asked for, in order."""

    urls: list[str] = field(default_factory=list)

    @property
    def offsite(self) -> list[str]:
        return [url for url in self.urls if not _is_loopback(url)]


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if _browser_required():
            pytest.fail(_missing_browser_reason())
        pytest.skip(_missing_browser_reason())
    return CHROMIUM


@pytest.fixture
def async_unsafe_allowed(monkeypatch) -> None:
    """Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    between browser steps are still synchronous, so Django's async guard is lifted for them."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def autosave_off(settings) -> None:
    """Switch off the editor's autosave (Wagtail 8 saves a draft 500 ms after each change).

    Its first save creates the page while the form still posts to the "add" URL; pressing
    Publish during that save creates the page a second time and fails on the slug ("Sluggen
    … används redan"). Editors rarely press Publish within that half second; a test on a
    busy machine does, so the tests publish from a form that only they submit.
    """
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0


@pytest.fixture
def browser_context(
    request, chromium_path, tmp_path, async_unsafe_allowed, autosave_off, e2e_db
) -> Iterator:
    """A fresh Chromium profile per test, in Swedish like the editors' browsers."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(chromium_path),
            headless=True,
            args=CHROMIUM_ARGS,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        expect.set_options(timeout=ACTION_TIMEOUT_MS)
        try:
            yield context
        finally:
            reports = request.node.stash.get(_reports, {})
            if any(report.failed for report in reports.values()):
                _save_artifacts(request.node.name, context)
            context.close()


def artifacts_folder() -> Path:
    folder = Path(
        os.environ.get("KANAL_E2E_ARTIFACTS", Path(tempfile.gettempdir()) / "kanal-e2e-artifacts")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save_artifacts(test_name: str, context) -> None:
    folder = artifacts_folder()
    stem = re.sub(r"[^\w.-]+", "_", test_name)
    for number, page in enumerate(context.pages):
        try:
            png = folder / f"{stem}-{number}.png"
            page.screenshot(path=str(png), full_page=True)
            html = folder / f"{stem}-{number}.html"
            html.write_text(page.content(), encoding="utf-8")
            logger.warning("e2e artifacts for %s: %s %s (at %s)", test_name, png, html, page.url)
        except Exception as exc:  # a failed screenshot must not hide the failure
            logger.warning(
                "e2e artifacts for %s: could not save page %s: %r", test_name, number, exc
            )


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` keeps a full-page screenshot as a test artifact and returns
    its path (``$KANAL_E2E_ARTIFACTS/screenshots/<name>.png``); the path is logged."""

    def take(page, name: str) -> Path:
        folder = artifacts_folder() / "screenshots"
        folder.mkdir(exist_ok=True)
        path = folder / (re.sub(r"[^\w.-]+", "_", name) + ".png")
        page.screenshot(path=str(path), full_page=True)
        logger.warning("screenshot %s: %s (at %s)", name, path, page.url)
        return path

    return take


@pytest.fixture
def request_log(browser_context) -> RequestLog:
    """Records every request; aborts the ones that would leave the machine."""
    log = RequestLog()
    browser_context.on("request", lambda req: log.urls.append(req.url))
    browser_context.route(lambda url: not _is_loopback(url), lambda route: route.abort())
    return log


CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def csp_violations(browser_context) -> list[str]:
    """Content-Security-Policy violations reported by any page of the test (issue 14).

    Every browser test fails at teardown if a page broke the policy, so the policies in
    ``cms.security`` and ``CONTENT_SECURITY_POLICY`` are checked against the real admin.
    """
    violations: list[str] = []
    browser_context.add_init_script(CSP_LISTENER)

    def record(message) -> None:
        text = message.text
        if text.startswith("CSP violation") or "Content Security Policy" in text:
            violations.append(text)

    browser_context.on("console", record)
    return violations


@pytest.fixture
def page(browser_context, request_log, csp_violations):
    """The profile's first tab (a persistent context opens one)."""
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    yield page
    assert csp_violations == [], "\n".join(csp_violations)


@pytest.fixture
def e2e_db(transactional_db) -> None:
    """Committed data the live server can see, on top of what Wagtail's data migrations make.

    Other transactional tests flush the database (keeping content types and permissions but
    not the data migrations' rows), so the root page, root collection and default locale are
    recreated here when missing. (``serialized_rollback`` cannot be used: restoring its
    snapshot collides with the content types that a previous flush re-created.)
    """
    from wagtail.models import Collection, Locale, Page

    locale, _ = Locale.objects.get_or_create(language_code="sv")
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


@pytest.fixture
def editor(e2e_db, django_user_model):
    return django_user_model.objects.create_superuser(
        username=ADMIN_USERNAME, email="redaktor@example.org", password=ADMIN_PASSWORD
    )


@dataclass
class SiteTree:
    home: object
    articles: object
    videos: object


@pytest.fixture
def demo_themes(e2e_db) -> None:
    """The demo's themes and aliases, in the demo's (non-alphabetical) sort order."""
    from cms.demo.seeder import DemoSeeder

    DemoSeeder(log=lambda line: None).seed_themes()


@pytest.fixture
def site_tree(demo_themes) -> SiteTree:
    """The skeleton of the demo site: the demo's themes, a home page and two index pages.

    Lighter than ``seed_demo`` (which would cost seconds per test); the editor sees the same
    forms either way.
    """
    from wagtail.models import Page, Site

    from cms.models import ArticleIndexPage, HomePage, VideoIndexPage

    home = Page.get_first_root_node().add_child(instance=HomePage(title="Start", slug="start"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    return SiteTree(
        home=home,
        articles=home.add_child(instance=ArticleIndexPage(title="Aktuellt", slug="aktuellt")),
        videos=home.add_child(instance=VideoIndexPage(title="Filmer", slug="filmer")),
    )
