"""Event payloads are built from the revision being reported, never from a cache."""

import pytest

from cms.events import Event, EventType
from cms.models import ArticlePage
from cms.representation.cache import page_representation

pytestmark = pytest.mark.django_db


class TestPayloadIsNeverServedFromTheCache:
    def test_page_moved_event_carries_the_new_url_and_parent_with_a_warm_cache(
        self, make_article, article_index
    ):
        page = make_article()
        other_index = article_index.copy(
            update_attrs={"slug": "andra-nyheter", "title": "Andra"}, recursive=False
        )
        # Warm the representation cache, as any API read of the page does.
        warm = page_representation(page)
        old_url = warm["meta"]["html_url"]
        assert "/nyheter/" in old_url
        assert warm["meta"]["parent"]["id"] == article_index.pk

        ArticlePage.objects.get(pk=page.pk).move(other_index, pos="last-child")

        moved = Event.objects.get(object_id=page.pk, type=EventType.PAGE_MOVED)
        assert moved.data["meta"]["parent"]["id"] == other_index.pk
        assert moved.data["meta"]["html_url"] == old_url.replace("/nyheter/", "/andra-nyheter/")
        assert moved.data["meta"]["revision"] == page.live_revision_id
