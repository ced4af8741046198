"""The language of each request: negotiated from ``Accept-Language`` for the API only.

Django's ``LocaleMiddleware`` negotiates every request. Kanal's screens must not: the admin
shows the language the *user* chose in their account (Wagtail activates it in
``require_admin_access``), Swedish by default, whatever the browser asks for; the plain HTML
views and the feeds speak the language of their page or locale. Only the API answers a
machine that says which language it reads, so only ``/api/`` negotiates, the way
``LocaleMiddleware`` does (``get_language_from_request`` over ``LANGUAGES``), and marks its
responses ``Vary: Accept-Language`` and ``Content-Language``. Every other request runs in
``LANGUAGE_CODE`` explicitly, so a language negotiated for an API request never leaks into
the next request served by the same thread.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


class ApiLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
