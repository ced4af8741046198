"""Headless preview: signed, short-lived tokens that show a draft to the front end.

The admin's "Preview on the website" button (``cms/wagtail_hooks.py``) signs a
token bound to one page and one revision, valid ``KANAL_PREVIEW_TOKEN_MAX_AGE`` seconds
(15 minutes), and opens ``KANAL_FRONTEND_URL/preview/?page=<id>#token=<token>`` (the token in the
fragment: never sent to a server, never in ``Referer``). The front end asks
``/api/v2/preview/<id>/`` with ``Authorization: Bearer <token>`` and gets the revision's
representation. A token in the query string is refused (URLs end up in logs and histories);
expired, tampered and wrong-page tokens get 403. An API key with the ``read:drafts`` scope may
read the latest revision of any page instead.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.utils.translation import gettext
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Page, Revision

from ..models import SCOPE_READ_DRAFTS
from ..representation.pages import revision_representation
from ..representation.urls import frontend_url
from .endpoints import KanalEndpointMixin
from .keys import api_key_of

SALT = "kanal.api.preview"


class PreviewDenied(Exception):
    """The token is expired, tampered with, or made for another page or revision."""


def make_token(page: Page, revision: Revision) -> str:
    return signing.dumps({"p": page.pk, "r": revision.pk}, salt=SALT, compress=True)


def read_token(token: str, page_id: int) -> int:
    """The revision id a token grants for ``page_id``; raises ``PreviewDenied`` otherwise."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.KANAL_PREVIEW_TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise PreviewDenied(
            gettext("preview token expired; open the preview from the admin again")
        ) from exc
    except signing.BadSignature as exc:
        raise PreviewDenied(gettext("preview token is invalid")) from exc
    if not isinstance(payload, dict) or payload.get("p") != page_id:
        raise PreviewDenied(gettext("preview token was made for another page"))
    return int(payload["r"])


def frontend_preview_url(page: Page, revision: Revision) -> str:
    """The front end's preview URL, with the token in the fragment (``#token=…``).

    A fragment is never sent to a server, so the token stays out of access logs and proxies,
    and browsers never put it in ``Referer`` (Fetch standard, "referrer"); the front end
    reads it from ``location.hash`` and sends it as ``Authorization: Bearer``.
    """
    query = urlencode({"page": page.pk})
    fragment = urlencode({"token": make_token(page, revision)})
    return f"{frontend_url()}/preview/?{query}#{fragment}"


class PreviewView(KanalEndpointMixin, APIView):
    """``GET preview/<id>/``: a draft's representation, for a token or a ``read:drafts`` key."""

    def get(self, request, pk: int):
        if "token" in request.GET:
            raise BadRequestError(
                gettext(
                    "token: send the preview token in the Authorization header "
                    "(Authorization: Bearer <token>), never in the URL"
                )
            )
        if request.GET:
            raise BadRequestError(gettext("%s: unknown query parameter") % sorted(request.GET)[0])
        page = Page.objects.filter(pk=pk).first()
        key = api_key_of(request)
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if key is not None:
            if not key.has_scope(SCOPE_READ_DRAFTS):
                return self._deny(gettext("this API key lacks the %s scope") % SCOPE_READ_DRAFTS)
            if page is None or page.latest_revision_id is None:
                raise Http404(gettext("no page with a revision has this id"))
            revision = page.latest_revision
        elif scheme.lower() == "bearer" and token.strip():
            try:
                revision_id = read_token(token.strip(), pk)
            except PreviewDenied as exc:
                return self._deny(str(exc))
            revision = (
                Revision.page_revisions.filter(pk=revision_id, object_id=str(pk)).first()
                if page is not None
                else None
            )
            if revision is None:
                return self._deny(gettext("preview token was made for another page"))
        else:
            return Response(
                {"message": gettext("Authorization: send Bearer <preview token> or Api-Key <key>")},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="preview"'},
            )
        data = revision_representation(page, revision)
        return Response(data, headers={"Cache-Control": "private, no-store"})

    def _deny(self, message: str) -> Response:
        return Response({"message": message}, status=403, headers={"Cache-Control": "no-store"})
