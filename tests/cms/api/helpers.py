"""Building pages for API tests, the way editors and the seeder do (revision, then publish)."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page


def publish(page: Page) -> Page:
    with transaction.atomic():
        page.save_revision().publish()
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
