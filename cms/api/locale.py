"""The language of each request: negotiated from ``Accept-Language`` for the API only.

Django's ``LocaleMiddleware`` negotiates every request. Kanal's screens must not: the admin
shows the language the *user* chose in their account (Wagtail activates it in
``require_admin_access``), Swedish by default, whatever the browser asks for; the plain HTML
views and the feeds speak the language of their page or locale. Only the API answers a
machine that says which language it reads, so only ``/api/`` negotiates, the way
``LocaleMiddleware`` does (``Accept-Language`` matched against ``LANGUAGES`` by Django's own
parser), and marks its responses ``Vary: Accept-Language`` and ``Content-Language``.

One difference from ``LocaleMiddleware``: a client that names no language Kanal has gets
English, not ``LANGUAGE_CODE``. The API's messages were English before they were
translated, and programs that send no ``Accept-Language`` keep reading what they read.

Every other request runs in ``LANGUAGE_CODE`` explicitly, and each request's language is
undone when it ends, so a language negotiated for an API request never leaks into the next
request served by the same thread.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

API_PREFIX = "/api/"
API_FALLBACK_LANGUAGE = "en"


def negotiate(accept_language: str) -> str:
    """The first language of ``accept_language`` (by quality) that Kanal has, else English."""
    for code, _quality in parse_accept_lang_header(accept_language):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return API_FALLBACK_LANGUAGE


class ApiLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # override() restores the thread's language afterwards: nothing leaks into the next
        # request or into code a test runs after a request.
        if not request.path_info.startswith(API_PREFIX):
            with translation.override(settings.LANGUAGE_CODE):
                request.LANGUAGE_CODE = settings.LANGUAGE_CODE
                return self.get_response(request)
        language = negotiate(request.headers.get("Accept-Language", ""))
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
