"""Parsing query-parameter values into Python, with errors that name the parameter.

Every refusal is a ``BadRequestError`` (400 ``{"message": …}``) whose message starts with the
parameter's name, so a consumer knows which part of the URL to fix.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from wagtail.api.v2.utils import BadRequestError

MAX_ID = 2**31 - 1


def positive_int(name: str, value: str, *, maximum: int = MAX_ID) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise BadRequestError(
            gettext("%(name)s: expected a whole number, got %(value)r")
            % {"name": name, "value": value}
        ) from exc
    if number < 0 or number > maximum:
        raise BadRequestError(
            gettext("%(name)s: must be between 0 and %(max)s, got %(value)r")
            % {"name": name, "max": maximum, "value": value}
        )
    return number


def moment(name: str, value: str) -> datetime:
    """An ISO 8601 date or date-time; a date means its midnight UTC, naive times are UTC."""
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                raise ValueError
            parsed = datetime.combine(day, time.min)
    except (ValueError, OverflowError) as exc:
        raise BadRequestError(
            gettext(
                "%(name)s: expected an ISO 8601 date or date-time (2026-01-31 or "
                "2026-01-31T08:00:00Z), got %(value)r"
            )
            % {"name": name, "value": value}
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def csv(name: str, value: str, *, limit: int = 20) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise BadRequestError(gettext("%s: must not be empty") % name)
    if len(items) > limit:
        raise BadRequestError(
            gettext("%(name)s: at most %(limit)d values") % {"name": name, "limit": limit}
        )
    return items
