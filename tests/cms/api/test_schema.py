"""The OpenAPI document describes every endpoint, parameter, page type and block type, and
real responses of every demo page validate against it."""

from __future__ import annotations

import jsonschema
import pytest
from wagtail.models import Page

from cms.api.endpoints import PAGE_LIST_PARAMETERS
from cms.models import ArticlePage
from cms.representation.pages import represented_models

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(site, client):
    response = client.get("/api/v2/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def validator(openapi, schema):
    document = {**schema, "components": openapi["components"]}
    return jsonschema.Draft202012Validator(document, format_checker=jsonschema.FormatChecker())


def validate(openapi, component: str, instance) -> None:
    validator(openapi, {"$ref": f"#/components/schemas/{component}"}).validate(instance)


def test_document_is_openapi_3_1_and_self_consistent(openapi):
    assert openapi["openapi"] == "3.1.0"
    for name, schema in openapi["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema), name
    text = str(openapi)
    for ref in {part.split("'")[0] for part in text.split("#/components/schemas/")[1:]}:
        assert ref in openapi["components"]["schemas"], ref


def test_every_endpoint_is_described(openapi):
    expected = {
        "/api/v2/pages/",
        "/api/v2/pages/{id}/",
        "/api/v2/pages/find/",
        "/api/v2/preview/{id}/",
        "/api/v2/feedback/",
        "/api/v2/changes/",
        "/api/v2/schema/",
        "/api/v2/docs/",
    }
    for endpoint in (
        "images",
        "documents",
        "themes",
        "people",
        "organisation-units",
        "tags",
        "page-types",
    ):
        expected |= {f"/api/v2/{endpoint}/", f"/api/v2/{endpoint}/{{id}}/"}
    assert set(openapi["paths"]) == expected


def test_every_list_parameter_is_described(openapi):
    described = {p["name"] for p in openapi["paths"]["/api/v2/pages/"]["get"]["parameters"]}
    assert described == set(PAGE_LIST_PARAMETERS)


def test_one_schema_per_page_type_and_per_block_type(openapi):
    schemas = openapi["components"]["schemas"]
    for model in represented_models():
        assert model.__name__ in schemas
    for name in ArticlePage.body.field.stream_block.child_blocks:
        assert f"ArticleBodyBlock_{name}" in schemas


def test_every_demo_page_validates(openapi, client):
    pages = Page.objects.live().public().filter(depth__gt=1).specific()
    assert len(pages) > 15
    for page in pages:
        data = client.get(f"/api/v2/pages/{page.pk}/").json()
        validate(openapi, type(page).__name__, data)
        validate(openapi, "PageDetail", data)


def test_lists_validate_and_full_items_match_their_type(openapi, client):
    for model in represented_models():
        data = client.get(f"/api/v2/pages/?type=cms.{model.__name__}&fields=*&limit=100").json()
        validator(
            openapi,
            openapi["paths"]["/api/v2/pages/"]["get"]["responses"]["200"]["content"][
                "application/json"
            ]["schema"],
        ).validate(data)
        for item in data["items"]:
            validate(openapi, model.__name__, item)


@pytest.mark.parametrize(
    "endpoint",
    ["images", "documents", "themes", "people", "organisation-units", "tags", "page-types"],
)
def test_other_endpoints_validate(openapi, client, endpoint):
    listing = client.get(f"/api/v2/{endpoint}/?limit=100").json()
    schema = openapi["paths"][f"/api/v2/{endpoint}/"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    validator(openapi, schema).validate(listing)
    detail = client.get(f"/api/v2/{endpoint}/{listing['items'][0]['id']}/").json()
    schema = openapi["paths"][f"/api/v2/{endpoint}/{{id}}/"]["get"]["responses"]["200"]
    validator(openapi, schema["content"]["application/json"]["schema"]).validate(detail)


def test_errors_validate(openapi, client):
    for url in ("/api/v2/pages/?nope=1", "/api/v2/pages/?limit=x", "/api/v2/pages/999999/"):
        validate(openapi, "Error", client.get(url).json())


def test_a_drifted_representation_fails_validation(openapi, client):
    """The schema is strict: an unexpected field or a wrong type is caught."""
    page = ArticlePage.objects.live().first()
    data = client.get(f"/api/v2/pages/{page.pk}/").json()
    with pytest.raises(jsonschema.ValidationError):
        validate(openapi, "ArticlePage", {**data, "surprise": 1})
    broken = {**data, "body": [{"type": "image", "id": "x", "value": {"image": 3}}]}
    with pytest.raises(jsonschema.ValidationError):
        validate(openapi, "ArticlePage", broken)


def test_docs_are_served_offline(site, client):
    response = client.get("/api/v2/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


@pytest.mark.parametrize("url", ["/api/v2/schema/?format=json", "/api/v2/docs/"])
def test_schema_and_docs_have_validators(site, client, url):
    response = client.get(url)
    assert response["ETag"] and response["Last-Modified"] and response["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304


class TestChangeFeedSchema:
    def feed_schema(self, openapi):
        operation = openapi["paths"]["/api/v2/changes/"]["get"]
        return operation["responses"]["200"]["content"]["application/json"]["schema"]

    def test_every_event_type_has_its_schema(self, openapi):
        from cms.events import EventType

        events = {
            ref["$ref"].rsplit("/", 1)[1]
            for ref in openapi["components"]["schemas"]["Event"]["oneOf"]
        }
        assert events == {"Event_" + t.replace(".", "_") for t in EventType.values}

    def test_the_feed_validates_for_anonymous_and_private_readers(self, openapi, client):
        from wagtail.models import PageViewRestriction

        from cms.models import ApiKey

        page = ArticlePage.objects.live().first()
        PageViewRestriction.objects.create(page=page, restriction_type="login")
        other = ArticlePage.objects.live().exclude(pk=page.pk).first()
        other.unpublish()
        _key, secret = ApiKey.create_with_secret(name="Intern", scopes=["read:private"])
        for headers in ({}, {"Authorization": f"Api-Key {secret}"}):
            body = client.get("/api/v2/changes/?limit=1000", headers=headers).json()
            assert len(body["items"]) > 10
            reasons = {item.get("redacted") for item in body["items"]}
            if headers:
                assert not reasons & {"restricted", "unpublished"}
            else:
                assert {"restricted", "unpublished"} <= reasons
            validator(openapi, self.feed_schema(openapi)).validate(body)

    def test_a_drifted_event_fails_validation(self, openapi, client):
        body = client.get("/api/v2/changes/?limit=1").json()
        body["items"][0]["type"] = "page.renamed"
        with pytest.raises(jsonschema.ValidationError):
            validator(openapi, self.feed_schema(openapi)).validate(body)

    @pytest.mark.parametrize(
        "query",
        [
            "cursor=-1",
            "cursor=99999999999999999999999",
            "cursor=1e3",
            "cursor=%00",
            "since=abc",
            "cursor=1&since=1",
            "limit=0",
            "limit=1001",
            "limit=x",
            "type=",
            "type=,",
            "type=page.published,nope",
            "type=" + "x" * 3000,
            "cursor=1&cursor=2",
            "fields=*",
            "offset=1",
        ],
    )
    def test_any_bad_query_is_a_400_with_a_message_never_a_500(self, openapi, client, query):
        response = client.get(f"/api/v2/changes/?{query}")
        assert response.status_code == 400, (query, response.content[:200])
        validate(openapi, "Error", response.json())
