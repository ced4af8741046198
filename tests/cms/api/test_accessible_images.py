"""Images in bodies and people's photos carry alt text or an explicit "decorative": in the
editor (validation), in stored data of the older shape (migration), and in the API (same shape
plus ``alt_text``/``decorative``, valid against the OpenAPI schema)."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from wagtail.blocks import StructBlockValidationError
from wagtail.blocks.migrations.migrate_operation import MigrateStreamData
from wagtail.images import get_image_model

from cms.blocks import ArticleBodyBlock
from cms.models import ArticleIndexPage, ArticlePage, Person

from .helpers import add_article
from .test_schema import validate

pytestmark = pytest.mark.django_db

MIGRATION = "cms.migrations.0008_image_alt_text_and_video_captions"


@pytest.fixture
def openapi(site, client):
    return client.get("/api/v2/schema/?format=json").json()


@pytest.fixture
def image(site):
    image = get_image_model().objects.filter(collection__name="Root").first()
    image = image or get_image_model().objects.first()
    image.description = "Bildens egen beskrivning"
    image.save()
    return image


def image_block_value(image, *, alt="", decorative=False, caption=""):
    return {
        "image": {"image": image.pk, "alt_text": alt, "decorative": decorative},
        "caption": caption,
    }


def body_of(data: dict) -> list[dict]:
    return [block for block in data["body"] if block["type"] == "image"]


class TestEditorValidation:
    def test_an_image_needs_alt_text_or_decorative(self, image):
        block = ArticleBodyBlock().child_blocks["image"]
        missing = block.to_python(image_block_value(image))
        with pytest.raises(StructBlockValidationError):
            block.clean(missing)
        block.clean(block.to_python(image_block_value(image, alt="Två lärare vid tavlan")))
        block.clean(block.to_python(image_block_value(image, decorative=True)))

    def test_a_persons_photo_needs_alt_text_or_decorative(self, image):
        person = Person(name="Eva Berg", photo=image)
        with pytest.raises(ValidationError) as error:
            person.full_clean()
        assert "photo_alt_text" in error.value.message_dict
        Person(name="Eva Berg", photo=image, photo_alt_text="Eva Berg i biblioteket").full_clean()
        Person(name="Eva Berg", photo=image, photo_decorative=True).full_clean()
        Person(name="Utan foto").full_clean()


class TestApi:
    def test_alt_text_and_decorative_in_the_block_and_the_image(self, site, image, client, openapi):
        index = ArticleIndexPage.objects.live().first()
        page = add_article(
            index,
            "Bilder med och utan text",
            body=[
                {
                    "type": "image",
                    "value": image_block_value(image, alt="Barn som läser", caption="Lässtund"),
                },
                {
                    "type": "image",
                    "value": image_block_value(image, alt="Ska inte synas", decorative=True),
                },
            ],
        )
        data = client.get(f"/api/v2/pages/{page.pk}/").json()
        described, decorative = (block["value"] for block in body_of(data))
        assert (described["alt_text"], described["decorative"]) == ("Barn som läser", False)
        assert (described["image"]["alt"], described["image"]["decorative"]) == (
            "Barn som läser",
            False,
        )
        assert described["caption"] == "Lässtund"
        assert (decorative["alt_text"], decorative["decorative"]) == ("", True)
        assert (decorative["image"]["alt"], decorative["image"]["decorative"]) == ("", True)
        assert decorative["image"]["renditions"]  # the rest of the image's shape is kept
        validate(openapi, "ArticlePage", data)

    def test_a_persons_photo_carries_its_alt_text(self, site, image, client, openapi):
        person = Person.objects.create(
            name="Eva Berg", photo=image, photo_alt_text="Eva Berg i biblioteket"
        )
        index = ArticleIndexPage.objects.live().first()
        page = add_article(index, "Av Eva", author=person)
        data = client.get(f"/api/v2/pages/{page.pk}/").json()
        assert data["author"]["photo"]["alt"] == "Eva Berg i biblioteket"
        assert data["author"]["photo"]["decorative"] is False
        validate(openapi, "ArticlePage", data)


class TestStoredDataOfTheOlderShape:
    """Before: ``{"image": <id>, "caption": …, "alt_text": …}`` (an ImageChooserBlock)."""

    def write_raw_body(self, page, raw: list[dict]) -> None:
        placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE cms_articlepage SET body = {placeholder} WHERE page_ptr_id = %s",
                [json.dumps(raw), page.pk],
            )

    def test_the_migration_moves_alt_text_into_the_image_and_nothing_is_lost(
        self, site, image, client
    ):
        import importlib

        migration = importlib.import_module(MIGRATION)
        index = ArticleIndexPage.objects.live().first()
        page = add_article(index, "Gammal form")
        old = [
            {"type": "image", "id": "a", "value": {"image": image.pk, "caption": "Ett",
                                                   "alt_text": "Redaktörens text"}},
            {"type": "image", "id": "b", "value": {"image": image.pk, "caption": "Två",
                                                   "alt_text": ""}},
        ]  # fmt: skip
        self.write_raw_body(page, old)
        # Premise: the older shape reads, but the editor's alt text is not where the block
        # looks for it: without the migration it would be lost.
        unmigrated = ArticlePage.objects.get(pk=page.pk).body
        assert unmigrated[0].value["image"].contextual_alt_text == "Bildens egen beskrivning"

        operation = migration.MoveAltTextIntoImage(get_image_model())
        MigrateStreamData(
            "cms", "articlepage", "body", [(operation, "image")]
        ).migrate_stream_data_forward(apps, None)

        page = ArticlePage.objects.get(pk=page.pk)
        raw = list(page.body.raw_data)
        assert raw[0]["value"] == {
            "image": {"image": image.pk, "alt_text": "Redaktörens text", "decorative": False},
            "caption": "Ett",
        }
        # Left empty by the editor: the image's own text, written in (what the API showed).
        assert raw[1]["value"] == {
            "image": {
                "image": image.pk,
                "alt_text": "Bildens egen beskrivning",
                "decorative": False,
            },
            "caption": "Två",
        }
        first, second = (block.value for block in page.body)
        assert first["image"].contextual_alt_text == "Redaktörens text"
        assert second["image"].contextual_alt_text == "Bildens egen beskrivning"
        assert [first["caption"], second["caption"]] == ["Ett", "Två"]
        # The API shows what it showed before.
        page.save_revision().publish()
        data = client.get(f"/api/v2/pages/{page.pk}/").json()
        assert [b["value"]["alt_text"] for b in body_of(data)] == [
            "Redaktörens text",
            "Bildens egen beskrivning",
        ]

        # And back: the older shape again, with the editor's text beside the id.
        MigrateStreamData(
            "cms", "articlepage", "body", [(migration.MoveAltTextOutOfImage(), "image")]
        ).migrate_stream_data_forward(apps, None)
        raw = list(ArticlePage.objects.get(pk=page.pk).body.raw_data)
        assert raw[0]["value"]["image"] == image.pk
        assert raw[0]["value"]["alt_text"] == "Redaktörens text"
