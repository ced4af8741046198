"""Committed data a live server can see (as ``tests/e2e``'s ``e2e_db``)."""

from __future__ import annotations

import pytest


@pytest.fixture
def live_db(transactional_db) -> None:
    """Other transactional tests flush the database, dropping the rows Wagtail's data
    migrations made: recreate the root page, root collection and default locale if missing,
    and empty the cache (it remembers the old root's id, on which the global stamp hangs)."""
    from django.core.cache import cache
    from wagtail.models import Collection, Locale, Page

    cache.clear()

    locale, _ = Locale.objects.get_or_create(language_code="sv")
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
