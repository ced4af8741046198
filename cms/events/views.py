"""The change feed: ``GET /api/v2/changes/?since=<cursor>&limit=<n>``.

The outbox read as an ordered, cursor-paginated log, deletions included: a consumer that
missed webhooks catches up from its last cursor, a new one builds its state from ``since=0``.
The cursor is the ``sequence`` of the last item returned; because sequences commit in order
(see ``cms.events.models``), paging never skips an event.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View

from .models import Event

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"message": message}, status=400)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ChangeFeedView(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest) -> JsonResponse:
        since_param = request.GET.get("since", "0") or "0"
        limit_param = request.GET.get("limit", str(DEFAULT_LIMIT)) or str(DEFAULT_LIMIT)
        unknown = set(request.GET) - {"since", "limit"}
        if unknown:
            return _bad_request(
                f"Unknown parameter(s): {', '.join(sorted(unknown))}. Use 'since' and 'limit'."
            )
        if not since_param.isdigit():
            return _bad_request(
                "'since' must be a cursor from a previous response's 'next' (or 0 to start)."
            )
        if not limit_param.isdigit() or not 1 <= int(limit_param) <= MAX_LIMIT:
            return _bad_request(f"'limit' must be a whole number from 1 to {MAX_LIMIT}.")
        since, limit = int(since_param), int(limit_param)

        events = list(Event.objects.after(since)[: limit + 1])
        has_more = len(events) > limit
        events = events[:limit]
        next_cursor = str(events[-1].sequence) if events else str(since)
        return JsonResponse(
            {
                "items": [event.envelope() for event in events],
                "next": next_cursor,
                "has_more": has_more,
            },
            json_dumps_params={"ensure_ascii": False},
        )
