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


def make_key(*scopes, limit=600):
    from cms.models import ApiKey

    _key, secret = ApiKey.create_with_secret(
        name="Konsument", scopes=list(scopes), rate_limit_per_minute=limit
    )
    return {"Authorization": f"Api-Key {secret}"}


def items_for(client, page, **headers):
    items = client.get("/api/v2/changes/?limit=1000", headers=headers).json()["items"]
    return [i for i in items if i["object"]["kind"] == "page" and i["object"]["id"] == page.pk]


class TestRedaction:
    """What an anonymous reader gets is what the anonymous page API shows now."""

    def test_live_public_page_has_its_data(self, client, make_article):
        page = make_article()
        [item] = items_for(client, page)
        assert item["data"]["title"] == page.title and "redacted" not in item

    @pytest.mark.parametrize("restriction_type", ["password", "login", "groups"])
    def test_restricted_page_and_its_children_are_redacted(
        self, client, make_article, restriction_type
    ):
        from wagtail.models import PageViewRestriction

        page = make_article()
        PageViewRestriction.objects.create(
            page=page.get_parent(), restriction_type=restriction_type, password="x"
        )
        items = items_for(client, page)
        assert items and all(i["data"] is None for i in items)
        assert {i["redacted"] for i in items} == {"restricted"}
        # the envelope stays, so a consumer learns to drop the page
        assert items[-1]["type"] == "page.privacy_changed"

    def test_unpublished_page_is_redacted_in_every_event(self, client, make_article):
        page = make_article()
        page.unpublish()
        items = items_for(client, page)
        assert [i["type"] for i in items] == ["page.published", "page.unpublished"]
        assert [(i["data"], i["redacted"]) for i in items] == [(None, "unpublished")] * 2

    def test_republished_page_is_visible_again(self, client, make_article):
        page = make_article()
        page.unpublish()
        page.save_revision().publish()
        assert all(i["data"] for i in items_for(client, page))

    def test_deleted_page_is_erased_for_everyone(self, client, make_article):
        page = make_article()
        page.delete()
        private = make_key("read:private")
        for headers in ({}, private):
            items = items_for(client, page, **headers)
            assert [(i["data"], i["redacted"]) for i in items] == [(None, "deleted")] * 3

    def test_read_private_key_sees_restricted_and_unpublished_data(self, client, make_article):
        from wagtail.models import PageViewRestriction

        restricted, unpublished = make_article(), make_article()
        PageViewRestriction.objects.create(page=restricted, restriction_type="login")
        unpublished.unpublish()
        private = make_key("read:private")
        for page in (restricted, unpublished):
            assert all(i["data"] for i in items_for(client, page, **private))
            assert not any(i["data"] for i in items_for(client, page))
        # a key without the scope is an anonymous reader here
        assert not any(i["data"] for i in items_for(client, restricted, **make_key("read:drafts")))

    def test_private_collection_media_events_are_redacted(self, client, make_article):
        import io

        from django.core.files.images import ImageFile
        from wagtail.images import get_image_model
        from wagtail.models import Collection, CollectionViewRestriction

        from cms.demo.media import landscape_png

        secret = Collection.get_first_root_node().add_child(name="Hemlig")
        image = get_image_model()(
            title="bild", collection=secret, file=ImageFile(io.BytesIO(landscape_png("x")), "x.png")
        )
        image.save()
        image.title = "ny titel"
        image.save()
        [item] = client.get("/api/v2/changes/").json()["items"][-1:]
        assert item["type"] == "image.updated" and item["data"] == {"pages": []}
        CollectionViewRestriction.objects.create(collection=secret, restriction_type="login")
        [item] = client.get("/api/v2/changes/").json()["items"][-1:]
        assert item["data"] is None and item["redacted"] == "restricted"


class TestApiStack:
    def test_cursor_is_the_page_list_parameter_and_since_its_alias(self, client, make_article):
        make_article()
        make_article()
        first = client.get("/api/v2/changes/", {"limit": 1}).json()
        by_cursor = client.get("/api/v2/changes/", {"cursor": first["next"]}).json()
        by_since = client.get("/api/v2/changes/", {"since": first["next"]}).json()
        assert by_cursor == by_since
        assert len(by_cursor["items"]) == Event.objects.count() - 1

    def test_type_filter_keeps_the_cursor_moving_over_every_event(self, client, make_article):
        page = make_article()
        page.unpublish()
        body = client.get("/api/v2/changes/", {"type": "page.unpublished"}).json()
        assert [i["type"] for i in body["items"]] == ["page.unpublished"]
        assert body["next"] == str(Event.objects.order_by("sequence").last().sequence)

    def test_etag_and_cache_control_and_304(self, client, make_article):
        make_article()
        response = client.get("/api/v2/changes/")
        assert response["Cache-Control"].startswith("public, max-age=")
        assert "Authorization" in response["Vary"]
        again = client.get("/api/v2/changes/", headers={"If-None-Match": response["ETag"]})
        assert again.status_code == 304
        make_article()
        changed = client.get("/api/v2/changes/", headers={"If-None-Match": response["ETag"]})
        assert changed.status_code == 200

    def test_keyed_responses_are_private(self, client, db):
        response = client.get("/api/v2/changes/", headers=make_key())
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("private")

    def test_unknown_key_is_401_with_a_message(self, client, db):
        response = client.get("/api/v2/changes/", headers={"Authorization": "Api-Key nope"})
        assert response.status_code == 401 and response.json()["message"]

    def test_rate_limit_is_429_with_retry_after(self, client, db):
        headers = make_key(limit=2)
        statuses = [client.get("/api/v2/changes/", headers=headers).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        response = client.get("/api/v2/changes/", headers=headers)
        assert int(response["Retry-After"]) >= 1 and response.json()["message"]


class TestQueryCount:
    def test_a_page_of_the_feed_costs_the_same_queries_whatever_its_length(
        self, client, make_article
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from wagtail.models import PageViewRestriction

        def cost(limit: int) -> int:
            with CaptureQueriesContext(connection) as queries:
                body = client.get("/api/v2/changes/", {"limit": limit}).json()
            assert len(body["items"]) == limit
            return len(queries)

        for _ in range(6):
            make_article().unpublish()
        PageViewRestriction.objects.create(page=make_article(), restriction_type="login")
        assert Event.objects.count() >= 15
        assert cost(3) == cost(15)
