"""Private content can always be removed (issue 14, finding 1).

Deleting a page removes its view restriction; the restriction's handler marks every API
response stale. It must never re-create a cache stamp for a page that is being deleted, or
the commit fails on the stamp's foreign key (a 500 in the admin). ``check_constraints`` runs
the database's own foreign-key check (SQLite ``PRAGMA foreign_key_check``, PostgreSQL
``SET CONSTRAINTS ALL IMMEDIATE``), i.e. what the commit would do.
"""

from __future__ import annotations

import pytest
from django.db import connection
from wagtail.models import Page, PageViewRestriction

from cms.models import ApiCacheStamp, ArticleIndexPage
from cms.representation.cache import global_stamp

from .helpers import add_article

pytestmark = pytest.mark.django_db


def restrict(page: Page) -> None:
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")


def tree(site):
    """A parent, two restricted children and a restricted grandchild, all with cache stamps."""
    index = ArticleIndexPage.objects.child_of(site).first()
    parent = add_article(index, "Förälder")
    first = add_article(parent, "Hemlig ett")
    second = add_article(parent, "Hemlig två")
    grandchild = add_article(first, "Hemligt barnbarn")
    for page in (first, second, grandchild):
        restrict(page)
    return parent, first, second, grandchild


def assert_removed(*pages: Page) -> None:
    connection.check_constraints()
    ids = [page.pk for page in pages]
    assert not Page.objects.filter(pk__in=ids).exists()
    assert not ApiCacheStamp.objects.filter(page_id__in=ids).exists()
    assert not PageViewRestriction.objects.filter(page_id__in=ids).exists()


class TestDeletingRestrictedPagesInCode:
    def test_restricted_page(self, site):
        _parent, _first, second, _grand = tree(site)
        assert ApiCacheStamp.objects.filter(page=second).exists()  # the premise
        stamp_before = global_stamp()[0]
        Page.objects.get(pk=second.pk).delete()
        assert_removed(second)
        assert global_stamp()[0] > stamp_before

    def test_parent_of_restricted_page(self, site):
        parent, first, second, grandchild = tree(site)
        Page.objects.get(pk=parent.pk).delete()
        assert_removed(parent, first, second, grandchild)

    def test_subtree_with_several_restrictions(self, site):
        _parent, first, _second, grandchild = tree(site)
        restrict(Page.objects.get(pk=_parent.pk))
        Page.objects.get(pk=_parent.pk).specific.delete()
        assert_removed(_parent, first, grandchild)

    def test_removing_a_restriction_still_marks_pages_stale(self, site):
        _parent, first, _second, _grand = tree(site)
        stamp = ApiCacheStamp.objects.get(page=first).stamp
        PageViewRestriction.objects.filter(page=first).delete()
        connection.check_constraints()
        assert ApiCacheStamp.objects.get(page=first).stamp > stamp


class TestDeletingRestrictedPagesInTheAdmin:
    @pytest.mark.parametrize("which", ["restricted", "parent", "subtree"])
    def test_delete_view(self, site, admin_client, which):
        parent, first, second, grandchild = tree(site)
        if which == "subtree":
            restrict(parent)
        target = {"restricted": second, "parent": parent, "subtree": parent}[which]
        gone = [second] if which == "restricted" else [parent, first, second, grandchild]
        response = admin_client.post(f"/admin/pages/{target.pk}/delete/")
        assert response.status_code == 302, response.content[:300]
        assert_removed(*gone)
