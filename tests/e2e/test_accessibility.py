"""Accessibility by default: the plain HTML views (the editors' preview) pass an axe scan with
no serious or critical violation, and Kanal's own checker rule works in a real axe.

axe-core is the vendored copy in ``tests/support/axe`` (from the npm registry), injected by
Playwright into each page type's view of the demo site.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cms.accessibility import VIDEO_CHECK, VIDEO_RULE, KanalContentCheckerItem
from tests.support.axe import describe, install_axe, run_axe, serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site(e2e_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def page_types():
    from cms.models import (
        ArticleIndexPage,
        ArticlePage,
        HomePage,
        ProgramIndexPage,
        ProgramPage,
        VideoIndexPage,
        VideoPage,
    )

    return [
        HomePage,
        ArticleIndexPage,
        ArticlePage,
        VideoIndexPage,
        VideoPage,
        ProgramIndexPage,
        ProgramPage,
    ]


def test_every_page_types_view_has_no_serious_or_critical_violations(
    live_server, demo_site, page, request_log
):
    from cms.models import ArticlePage

    install_axe(page)
    # Premise: the article scanned shows images (the rules about alt text have work to do).
    article = next(
        a
        for a in ArticlePage.objects.live().public()
        if any(b.block_type == "image" for b in a.body)
    )
    scanned: dict[str, int] = {}
    failures: list[str] = []
    for model in page_types():
        instance = article if model is ArticlePage else model.objects.live().public().first()
        assert instance is not None, f"the demo site has no live {model.__name__}"
        page.goto(f"{live_server.url}{instance.url}")
        results = run_axe(page)
        scanned[model.__name__] = len(results["passes"])
        violations = serious_violations(results)
        if violations:
            failures.append(f"{model.__name__} {instance.url}:\n{describe(violations)}")
        if model is ArticlePage:
            assert page.locator("main img, body img").count() > 0
            assert "image-alt" in {rule["id"] for rule in results["passes"]}
    assert all(scanned.values()), scanned  # axe really ran on every view
    assert failures == [], "\n\n".join(failures)
    assert request_log.offsite == []  # the preview views load nothing from third parties


def kanal_spec() -> dict:
    """Kanal's rule and check, as Wagtail hands them to axe (without Wagtail's own custom
    checks, whose evaluate functions live in Wagtail's admin JavaScript)."""
    spec = KanalContentCheckerItem().get_axe_spec(None)
    return {
        "rules": [rule for rule in spec["rules"] if rule["id"] == VIDEO_RULE],
        "checks": [check for check in spec["checks"] if check["id"] == VIDEO_CHECK],
    }


@pytest.mark.parametrize(
    ("transcript", "has_captions", "flagged"),
    [("", False, True), ("Hej och välkomna till filmen.", False, False), ("", True, False)],
    ids=["neither", "transcript", "captions"],
)
def test_kanals_video_rule_flags_a_video_without_transcript_or_captions(
    live_server, site_tree, page, transcript, has_captions, flagged
):
    from cms.models import VideoPage

    video = site_tree.videos.add_child(
        instance=VideoPage(
            title="Film om läsning",
            slug="film-om-lasning",
            video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            transcript=transcript,
            has_captions=has_captions,
        )
    )
    install_axe(page)
    page.goto(f"{live_server.url}{video.url}")
    results = run_axe(
        page, spec=kanal_spec(), options={"runOnly": {"type": "rule", "values": [VIDEO_RULE]}}
    )
    found = [v["id"] for v in results["violations"]]
    checked = found + [p["id"] for p in results["passes"]]
    assert VIDEO_RULE in checked  # premise: the rule matched the video on the page
    assert (VIDEO_RULE in found) is flagged
