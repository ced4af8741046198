"""The change feed: the outbox as an ordered, cursor-paginated log."""

import pytest

from cms.events import Event

pytestmark = pytest.mark.django_db


def page_through(client, limit):
    cursor, seen, pages = "0", [], 0
    while True:
        response = client.get("/api/v2/changes/", {"since": cursor, "limit": limit})
        assert response.status_code == 200
        body = response.json()
        seen += body["items"]
        pages += 1
        cursor = body["next"]
        if not body["has_more"]:
            return seen, cursor, pages


class TestChangeFeed:
    def test_paging_yields_every_event_once_in_order(self, client, make_article):
        for _ in range(4):
            page = make_article()
            page.unpublish()
        page.delete()
        total = Event.objects.count()
        assert total >= 10

        items, cursor, pages = page_through(client, limit=3)

        assert [i["sequence"] for i in items] == list(
            Event.objects.order_by("sequence").values_list("sequence", flat=True)
        )
        assert len({i["id"] for i in items}) == total
        assert pages == -(-total // 3)
        assert items[-1]["type"] == "page.deleted"
        assert items[-1]["data"] is None and items[-1]["redacted"] == "deleted"
        assert cursor == str(items[-1]["sequence"])

    def test_catching_up_from_a_cursor_returns_only_newer_events(self, client, make_article):
        make_article()
        cursor = client.get("/api/v2/changes/").json()["next"]
        newer = make_article()
        body = client.get("/api/v2/changes/", {"since": cursor}).json()
        assert [i["object"]["id"] for i in body["items"]] == [newer.pk]
        empty = client.get("/api/v2/changes/", {"since": body["next"]}).json()
        assert empty == {"items": [], "next": body["next"], "has_more": False}

    def test_item_is_the_event_envelope(self, client, make_article):
        page = make_article()
        [item] = client.get("/api/v2/changes/").json()["items"][-1:]
        event = Event.objects.get(pk=item["id"])
        assert item["id"].startswith("evt_")
        assert item["occurred_at"].endswith("Z")
        assert item["object"] == {
            "kind": "page",
            "id": page.pk,
            "type": "cms.ArticlePage",
            "revision": page.live_revision_id,
            "version": 1,
        }
        assert item == event.envelope()

    @pytest.mark.parametrize(
        "params",
        [
            {"since": "abc"},
            {"since": "-1"},
            {"cursor": "x"},
            {"cursor": "1", "since": "1"},
            {"limit": "0"},
            {"limit": "5000"},
            {"type": "page.nope"},
            {"after": "1"},
        ],
    )
    def test_bad_parameters_are_a_400_with_a_message(self, client, params):
        response = client.get("/api/v2/changes/", params)
        assert response.status_code == 400
        assert response.json()["message"]
