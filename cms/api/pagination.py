"""Offset and cursor pagination for the page list.

``limit`` (default 20, at most ``KANAL_API_LIMIT_MAX``) and ``offset`` work as in Wagtail. A
``cursor`` is a signed position in the list's total order (the ordering fields plus the id):
the next page starts strictly after the last item seen, so pages published or removed while a
consumer walks the list never make it skip or repeat an item. Every list response carries
``meta.next``, a URL with the cursor of the following page (``null`` at the end).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from wagtail.api.v2.utils import BadRequestError

from .filters import limit_max, total_ordering
from .params import positive_int

CURSOR_SALT = "kanal.api.cursor"
DEFAULT_LIMIT = 20


def limit_and_offset(request) -> tuple[int, int]:
    maximum = limit_max()
    limit = DEFAULT_LIMIT
    if "limit" in request.GET:
        limit = positive_int("limit", request.GET["limit"], maximum=2**31 - 1)
        if limit == 0:
            raise BadRequestError(gettext("limit: must be at least 1 (or leave it out for 20)"))
        if limit > maximum:
            raise BadRequestError(gettext("limit: cannot be higher than %d") % maximum)
    offset = 0
    if "offset" in request.GET:
        if "cursor" in request.GET:
            raise BadRequestError(gettext("offset: cannot be combined with cursor"))
        offset = positive_int("offset", request.GET["offset"], maximum=10**9)
    return min(limit, maximum), offset


def _encode(value: Any) -> Any:
    return {"dt": value.isoformat()} if isinstance(value, datetime) else value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "dt" in value:
        return parse_datetime(value["dt"])
    return value


def make_cursor(request, last_values: list[Any]) -> str:
    payload = {"o": request.GET.get("order", ""), "v": [_encode(v) for v in last_values]}
    return signing.dumps(payload, salt=CURSOR_SALT, compress=True)


def apply_cursor(request, queryset: QuerySet) -> QuerySet:
    """Restrict an ordered queryset to the items strictly after the cursor's position."""
    if "cursor" not in request.GET:
        return queryset
    try:
        payload = signing.loads(request.GET["cursor"], salt=CURSOR_SALT)
        values = [_decode(v) for v in payload["v"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise BadRequestError(
            gettext("cursor: invalid or tampered cursor; start again without it")
        ) from exc
    if payload.get("o", "") != request.GET.get("order", ""):
        raise BadRequestError(gettext("cursor: was made for another order; start again without it"))
    spec = total_ordering(request)
    if len(values) != len(spec):
        raise BadRequestError(gettext("cursor: invalid cursor; start again without it"))
    # (a, b, c) > (x, y, z)  ==  a > x  or  (a = x and (b > y  or  (b = y and c > z)))
    condition = Q(pk__in=[])
    equal = Q()
    for (field, desc), value in zip(spec, values, strict=True):
        if value is None:
            raise BadRequestError(gettext("cursor: invalid cursor; start again without it"))
        lookup = f"{field}__lt" if desc else f"{field}__gt"
        condition |= equal & Q(**{lookup: value})
        equal &= Q(**{field: value})
    return queryset.filter(condition)


def next_url(request, cursor: str) -> str:
    query = {key: value for key, value in request.GET.items() if key not in ("cursor", "offset")}
    query["cursor"] = cursor
    return request.build_absolute_uri(request.path) + "?" + urlencode(query)
