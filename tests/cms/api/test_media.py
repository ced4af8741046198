"""Files of private collections are not served by their media URL (issue 14, finding 7).

``/media/`` is answered by ``cms.media.serve_media``: documents only ever through Wagtail's
``/documents/<id>/<name>`` view (which asks for the collection's password), and images'
originals and renditions only when their collection is not private or the visitor passed
its restriction.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

from cms.demo.media import landscape_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(site):
    private = Collection.get_first_root_node().add_child(name="Hemlig samling")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type="password", password="x"
    )
    public = Collection.get_first_root_node()
    made = {}
    for name, collection in (("private", private), ("public", public)):
        image = get_image_model()(
            title=f"{name} bild",
            collection=collection,
            file=ImageFile(io.BytesIO(landscape_png(name)), name=f"{name}-bild.png"),
        )
        image.save()
        rendition = image.get_rendition("width-100")
        document = get_document_model()(title=f"{name} dokument", collection=collection)
        document.file.save(f"{name}-dokument.pdf", ContentFile(b"%PDF-1.4 hemligt"), save=False)
        document.save()
        made[name] = (image, rendition, document)
    return made


def media_url(field) -> str:
    return f"/media/{field.name}"


def body(response) -> bytes:
    return b"".join(response) if response.streaming else response.content


class TestPrivateFiles:
    def test_private_document_file_is_not_served(self, files):
        _image, _rendition, document = files["private"]
        response = Client().get(media_url(document.file))
        assert response.status_code == 404
        assert b"hemligt" not in body(response)

    def test_the_document_view_still_asks_for_the_password(self, files):
        _image, _rendition, document = files["private"]
        response = Client().get(document.url)
        assert b"hemligt" not in body(response)

    def test_public_documents_are_served_only_through_their_view(self, files):
        _image, _rendition, document = files["public"]
        assert Client().get(media_url(document.file)).status_code == 404
        response = Client().get(document.url)
        assert response.status_code == 200
        assert body(response) == b"%PDF-1.4 hemligt"

    def test_private_image_original_and_rendition_are_not_served(self, files):
        image, rendition, _document = files["private"]
        assert Client().get(media_url(image.file)).status_code == 404
        assert Client().get(media_url(rendition.file)).status_code == 404

    def test_public_images_are_served(self, files):
        image, rendition, _document = files["public"]
        original = Client().get(media_url(image.file))
        assert original.status_code == 200
        assert body(original) == image.file.open("rb").read()
        assert Client().get(media_url(rendition.file)).status_code == 200

    @pytest.mark.parametrize("path", ["/media/../manage.py", "/media/%2e%2e/manage.py", "/media/"])
    def test_nothing_outside_media_files(self, files, path):
        assert Client().get(path).status_code == 404
