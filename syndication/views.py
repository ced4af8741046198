"""Public endpoints of syndication (mounted in ``cms/urls.py``)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import Source
from .pull import websub

MAX_NOTIFICATION_BYTES = 5 * 1024 * 1024


@csrf_exempt
@require_http_methods(["GET", "POST"])
def websub_callback(request, source_id: int, token: str):
    """WebSub callback: GET = verification of intent, POST = content distribution.

    The URL's token is the subscription's secret (``websub.callback_url``): a request with
    any other token is a 404, exactly like an unknown source.
    """
    source = get_object_or_404(Source, pk=source_id)
    if not websub.token_matches(source, token):
        raise Http404("no such subscription")
    if request.method == "GET":
        status, body = websub.verify_intent(source, request.GET)
        return HttpResponse(body, status=status, content_type="text/plain")
    length = int(request.headers.get("Content-Length") or 0)
    if length > MAX_NOTIFICATION_BYTES:
        return HttpResponse("Too large", status=413, content_type="text/plain")
    if not source.active:
        return HttpResponse(status=410)
    websub.receive(
        source,
        request.body,
        request.headers.get("Content-Type", ""),
        request.headers.get("X-Hub-Signature"),
    )
    return HttpResponse(status=202)
