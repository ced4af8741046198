"""Absolute URLs the API hands out, built from settings so they do not depend on a request.

The representation is cached and reused outside requests (event payloads), so every URL in it
comes from ``KANAL_BASE_URL`` (this CMS) or ``KANAL_FRONTEND_URL`` (the consuming sites).
"""

from __future__ import annotations

from django.conf import settings

API_PREFIX = "/api/v2/"


def base_url() -> str:
    return settings.KANAL_BASE_URL.rstrip("/")


def frontend_url() -> str:
    return settings.KANAL_FRONTEND_URL.rstrip("/")


def absolute(path: str) -> str:
    """An absolute URL on this CMS for a path (or the URL itself when already absolute)."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + path


def api_detail_url(endpoint: str, pk: int) -> str:
    return f"{base_url()}{API_PREFIX}{endpoint}/{pk}/"


def page_front_path(url_path: str, language_code: str) -> str:
    """The page's path on the front end: its tree path below its locale's home page.

    ``/start/artiklar/x/`` becomes ``/artiklar/x/``; pages in a language other than the
    default are prefixed with it (``/en/…``).
    """
    parts = [part for part in url_path.split("/") if part][1:]
    path = "/" + "/".join(parts) + ("/" if parts else "")
    default = settings.LANGUAGE_CODE.split("-")[0]
    if language_code and language_code.split("-")[0] != default:
        path = f"/{language_code}{path}"
    return path


def page_html_url(url_path: str, language_code: str) -> str:
    return frontend_url() + page_front_path(url_path, language_code)
