"""Building pages for API tests, the way editors and the seeder do (revision, then publish)."""

from __future__ import annotations

from wagtail.models import Page

from cms.demo.seeder import publish as publish_revision


def publish(page: Page) -> Page:
    publish_revision(page)
    page.refresh_from_db()
    return page


def add_article(parent: Page, title: str, *, body=None, live=True, **fields):
    from cms.models import ArticlePage

    page = ArticlePage(
        title=title, intro=fields.pop("intro", f"Ingress {title}"), body=body or [], **fields
    )
    page.live = False
    parent.add_child(instance=page)
    if live:
        publish(page)
    else:
        page.save_revision()
    return page
