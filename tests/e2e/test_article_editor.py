"""An editor writes and publishes an article in the real page editor."""

import re

import pytest
from playwright.sync_api import expect

from cms.models import ArticlePage
from themes.models import Theme

from .admin_ui import add_stream_block, log_in, publish

pytestmark = pytest.mark.browser


def test_create_and_publish_an_article_with_body_blocks_and_a_theme(
    live_server, site_tree, editor, page
):
    index = site_tree.articles
    theme = Theme.objects.get(name="Matematik")
    log_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/pages/add/cms/articlepage/{index.pk}/")
    page.fill("#id_title", "Problemlösning i årskurs 4")
    page.fill("#id_intro", "Hur lärarna i Norrby arbetar med öppna problem.")
    heading = add_stream_block(page, "body", "Rubrik")
    heading.locator("input[name$='-value-text']").fill("Varför öppna problem?")
    paragraph = add_stream_block(page, "body", "Text")
    text = paragraph.locator("[contenteditable=true]")
    text.click()
    page.keyboard.type("Eleverna får själva välja strategi.")
    expect(text).to_have_text("Eleverna får själva välja strategi.")
    # Draftail writes its hidden input a moment after typing; publish what the editor sees.
    expect(paragraph.locator("input[name$='-value']")).to_have_value(re.compile("strategi"))
    page.locator("#id_themes").get_by_label(theme.name).check()
    publish(page)

    expect(page.locator(".messages .success")).to_contain_text("Problemlösning i årskurs 4")
    article = ArticlePage.objects.get(title="Problemlösning i årskurs 4")
    assert article.live
    assert article.get_parent().pk == index.pk
    assert article.intro == "Hur lärarna i Norrby arbetar med öppna problem."
    assert [block.block_type for block in article.body] == ["heading", "paragraph"]
    assert article.body[0].value["text"] == "Varför öppna problem?"
    assert "Eleverna får själva välja strategi." in article.body[1].value.source
    assert list(article.themes.all()) == [theme]
    assert article.live_revision is not None
