"""The API's ``{"message": …}`` errors follow ``Accept-Language``; nothing else does.

Negotiation as Django's ``LocaleMiddleware`` does it, for ``/api/`` only (``cms/api/locale.py``):
Swedish or English by the header's qualities, English when the client names neither. The
admin and the plain HTML views ignore the header (the admin follows the user's choice).
"""

import pytest
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

BAD_LIMIT = "/api/v2/pages/?limit=0"
EN_LIMIT = "limit: must be at least 1 (or leave it out for 20)"
SV_LIMIT = "limit: måste vara minst 1 (eller utelämnas för 20)"


def message(client, url, accept_language=None, **headers):
    if accept_language is not None:
        headers["HTTP_ACCEPT_LANGUAGE"] = accept_language
    response = client.get(url, **headers)
    return response, response.json()["message"]


@pytest.mark.parametrize(
    ("accept_language", "expected", "content_language"),
    [
        (None, EN_LIMIT, "en"),
        ("en", EN_LIMIT, "en"),
        ("sv", SV_LIMIT, "sv"),
        ("sv-SE,sv;q=0.9,en;q=0.8", SV_LIMIT, "sv"),
        ("en-GB,en;q=0.9,sv;q=0.8", EN_LIMIT, "en"),
        ("de,sv;q=0.5", SV_LIMIT, "sv"),
        ("de", EN_LIMIT, "en"),
    ],
)
def test_bad_parameter_message_follows_accept_language(
    client, accept_language, expected, content_language
):
    response, text = message(client, BAD_LIMIT, accept_language)
    assert response.status_code == 400
    assert text == expected
    assert response["Content-Language"] == content_language
    assert "Accept-Language" in response["Vary"]


def test_unknown_endpoint_in_swedish(client):
    response, text = message(client, "/api/v2/nothing-here/", "sv")
    assert response.status_code == 404
    assert text == "hittades inte: ingen sådan slutpunkt eller sådant objekt i API:t"


def test_unknown_api_key_in_swedish_and_english(client):
    auth = {"HTTP_AUTHORIZATION": "Api-Key kanal_nope.nope"}
    assert message(client, "/api/v2/pages/", "sv", **auth)[1] == (
        "Authorization: okänd eller återkallad API-nyckel"
    )
    assert message(client, "/api/v2/pages/", "en", **auth)[1] == (
        "Authorization: unknown or revoked API key"
    )


def test_the_language_of_an_api_request_does_not_stay_active(client):
    message(client, BAD_LIMIT, "en")
    assert translation.get_language() == "sv"


def test_the_admin_ignores_accept_language(client):
    """An English browser still gets the Swedish login page: the admin's language is the
    user's setting (Swedish by default), never the browser's."""
    with translation.override("sv"):
        sign_in_sv = gettext("Sign in")
    assert sign_in_sv != "Sign in"
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    content = response.content.decode()
    assert sign_in_sv in content
    assert 'lang="sv"' in content
