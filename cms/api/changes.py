"""``GET changes/?cursor=<n>&limit=<n>&type=<t,…>``: the change feed, an endpoint of the API.

The outbox read as an ordered, cursor-paginated log, deletions included: a consumer that
missed webhooks catches up from its last cursor, a new one builds its state from ``cursor=0``.
The cursor is the ``sequence`` of the last item returned (``next``); sequences commit in order
(see ``cms.events.models``), so paging never skips an event. ``cursor`` is the page list's
parameter name; ``since`` is accepted as an alias for one release.

Like every endpoint: API keys, rate limits, ``{"message": …}`` errors, ``ETag`` and
``Cache-Control``. Privacy (``cms.events.visibility``): an anonymous reader, or a key without
``read:private``, gets an event's ``data`` only while the anonymous page API would show the
object **now**; otherwise ``data`` is ``null`` and ``redacted`` says why. A ``read:private``
key sees the stored data (erased data is gone for everyone).
"""

from __future__ import annotations

import hashlib

from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import gettext
from rest_framework.views import APIView
from wagtail.api.v2.utils import BadRequestError

from cms.events import Event, EventType
from cms.events.visibility import envelopes

from ..models import SCOPE_READ_PRIVATE
from .caching import cache_control
from .endpoints import KanalEndpointMixin, check_parameters, dumps
from .keys import api_key_of
from .params import csv, positive_int

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_CURSOR = 2**63 - 1
PARAMETERS = frozenset(["cursor", "since", "limit", "type"])


def parse_cursor(request) -> int:
    if "cursor" in request.GET and "since" in request.GET:
        raise BadRequestError(gettext("since: is an alias of cursor; send only cursor"))
    name = "cursor" if "cursor" in request.GET else "since"
    value = request.GET.get(name, "0") or "0"
    if not value.isdigit():
        raise BadRequestError(
            gettext(
                "%(name)s: must be the 'next' of a previous response (or 0 to start), got %(value)r"
            )
            % {"name": name, "value": value}
        )
    return positive_int(name, value, maximum=MAX_CURSOR)


def parse_types(request) -> list[str]:
    if "type" not in request.GET:
        return []
    types = csv("type", request.GET["type"], limit=len(EventType.values))
    unknown = sorted(set(types) - set(EventType.values))
    if unknown:
        raise BadRequestError(
            gettext("type: unknown event type %(type)r (known: %(known)s)")
            % {"type": unknown[0], "known": ", ".join(EventType.values)}
        )
    return types


class ChangesView(KanalEndpointMixin, APIView):
    """The change feed (see the module docstring)."""

    def get(self, request):
        check_parameters(request, PARAMETERS)
        cursor = parse_cursor(request)
        limit = DEFAULT_LIMIT
        if "limit" in request.GET:
            limit = positive_int("limit", request.GET["limit"], maximum=2**31 - 1)
            if not 1 <= limit <= MAX_LIMIT:
                raise BadRequestError(
                    gettext("limit: must be between 1 and %(max)d, got %(value)d")
                    % {"max": MAX_LIMIT, "value": limit}
                )
        types = parse_types(request)

        key = api_key_of(request)
        include_private = key is not None and key.has_scope(SCOPE_READ_PRIVATE)
        # The cursor moves over every event; the type filter only chooses what is shown.
        window = list(Event.objects.after(cursor).values_list("sequence", "type")[: limit + 1])
        has_more = len(window) > limit
        window = window[:limit]
        wanted = [seq for seq, type_ in window if not types or type_ in types]
        events = list(Event.objects.filter(sequence__in=wanted).order_by("sequence"))
        next_cursor = str(window[-1][0]) if window else str(cursor)
        body = dumps(
            {
                "items": envelopes(events, include_private=include_private),
                "next": next_cursor,
                "has_more": has_more,
            }
        )
        response = HttpResponse(body, content_type="application/json")
        response["ETag"] = quote_etag(hashlib.sha1(body, usedforsecurity=False).hexdigest())
        # What a reader sees depends on its key: shared caches must not mix readers.
        response["Cache-Control"] = (
            cache_control() if key is None else "private, max-age=0, must-revalidate"
        )
        response["Vary"] = "Authorization, Accept-Encoding"
        return get_conditional_response(request, etag=response["ETag"], response=response)
