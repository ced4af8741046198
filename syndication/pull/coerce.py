"""Untrusted feed values coerced into safe scalars (text, URLs, dates) for the parsers.

Every function accepts anything a hostile feed can produce and returns a safe value or an
empty one; none raises.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

from .values import MAX_URL

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")


def clean_text(value: object, limit: int) -> str:
    """A single-line plain string: NUL and control characters removed, spaces collapsed, capped."""
    if not isinstance(value, str):
        return ""
    return _SPACE.sub(" ", _CONTROL.sub("", value)).strip()[:limit]


def clean_block(value: object, limit: int) -> str:
    """Multi-line text or HTML: NUL and control characters removed, capped."""
    if not isinstance(value, str):
        return ""
    return _CONTROL.sub("", value).strip()[:limit]


def clean_url(value: object, base: str = "") -> str:
    """An absolute http(s) URL or "": relative URLs resolved against ``base``, others dropped."""
    if not isinstance(value, str):
        return ""
    value = _CONTROL.sub("", value).strip()
    if not value or len(value) > MAX_URL:
        return ""
    try:
        if base:
            value = urljoin(base, value)
        parts = urlsplit(value)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    if any(ch.isspace() for ch in value):
        value = value.replace(" ", "%20")
        if any(ch.isspace() for ch in value):
            return ""
    return urlunsplit(parts._replace(scheme=parts.scheme.lower()))


def struct_time_to_utc(value: object) -> datetime | None:
    """feedparser's ``*_parsed`` (a UTC struct_time) -> aware UTC datetime."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def parse_iso_datetime(value: object) -> datetime | None:
    """RFC 3339 (JSON Feed) -> aware UTC datetime; naive values are taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
