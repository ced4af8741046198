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
        "/api/v2/schema/",
        "/api/v2/docs/",
    }
    for endpoint in ("images", "documents", "themes", "people", "organisation-units"):
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
    "endpoint", ["images", "documents", "themes", "people", "organisation-units"]
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
