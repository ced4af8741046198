"""Echo suppression: never import our own pages back.

An entry whose link points at Kanal itself (``KANAL_BASE_URL`` or ``KANAL_FRONTEND_URL``), or
at a copy we pushed to another site, would make an import-push loop. The push side registers
its copies' URLs through ``register_echo_check``; pull only asks ``is_own_url``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings

_checks: list[Callable[[str], bool]] = []


def register_echo_check(check: Callable[[str], bool]) -> None:
    """Let another part of syndication (push) declare URLs that are our own copies."""
    if check not in _checks:
        _checks.append(check)


def _netloc(url: str) -> tuple[str, int | None, str]:
    """Host, explicit port (None for the scheme's default) and path."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if port in (80, 443):
        port = None
    return (parts.hostname or "").lower(), port, parts.path


def is_own_url(url: str) -> bool:
    """True when ``url`` is on Kanal's own site or frontend, or is one of our pushed copies."""
    host, port, path = _netloc(url)
    for base in {settings.KANAL_BASE_URL, settings.KANAL_FRONTEND_URL}:
        if not base:
            continue
        own_host, own_port, own_path = _netloc(base)
        own_path = own_path.rstrip("/")
        if (host, port) == (own_host, own_port) and (
            not own_path or path == own_path or path.startswith(own_path + "/")
        ):
            return True
    return any(check(url) for check in _checks)
