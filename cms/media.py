"""``/media/``: uploaded files, served only when their collection lets the visitor see them.

Why a view and not a plain file server: Wagtail checks a private collection's restriction in
its document view (``/documents/<id>/<name>``) and in its image serve view, but a web server
(or Django's ``static()`` helper under ``DEBUG``) serving ``MEDIA_ROOT`` hands out every file
by its direct URL — a private document, a private image's original and its renditions. So:

* ``documents/…`` is never served here: documents go through Wagtail's view only
  (``WAGTAILDOCS_SERVE_METHOD = "serve_view"``), which asks for the password or a login;
* ``original_images/…`` and ``images/…`` (renditions) are served when the image's collection
  has no restriction, or every restriction accepts this request (password given, logged in);
* anything else under ``MEDIA_ROOT`` is not served (nothing else is uploaded).

In production, route ``/media/`` to Kanal (or keep media in private storage); see README,
"Media in production".
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.static import serve
from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction

IMAGE_FOLDERS = ("original_images/", "images/")


def _image_for(path: str):
    model = get_image_model()
    if path.startswith("original_images/"):
        return model.objects.filter(file=path).first()
    rendition = model.get_rendition_model().objects.filter(file=path).select_related("image")
    found = rendition.first()
    return found.image if found is not None else None


def _restrictions(collection) -> list[CollectionViewRestriction]:
    return list(
        CollectionViewRestriction.objects.filter(
            collection__in=collection.get_ancestors(inclusive=True)
        )
    )


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    if not path.startswith(IMAGE_FOLDERS):
        raise Http404("not a public media file")
    image = _image_for(path)
    if image is None:
        raise Http404("not a public media file")
    restrictions = _restrictions(image.collection)
    if not all(restriction.accept_request(request) for restriction in restrictions):
        raise Http404("not a public media file")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if restrictions:  # seen after a password or login: no shared cache may keep it
        response["Cache-Control"] = "private, no-store"
    return response
