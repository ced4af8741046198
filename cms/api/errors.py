"""One place that turns exceptions into the API's ``{"message": …}`` answers.

Used by every Kanal endpoint (``KanalEndpointMixin.handle_exception``) and installed as DRF's
``EXCEPTION_HANDLER`` for any other DRF view. Why a module of its own: Django refuses hostile
requests by raising ``SuspiciousOperation`` (``TooManyFieldsSent`` for more than
``DATA_UPLOAD_MAX_NUMBER_FIELDS`` query parameters, ``RequestDataTooBig``) from inside
``request.GET``/``request.body``; DRF's handler knows nothing of them and re-raised them as a
500 (and, under ``DEBUG``, crashed in its own error page). They are client errors: 400.
"""

from __future__ import annotations

import math

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.utils.translation import gettext, ngettext
from rest_framework import status
from rest_framework.exceptions import (
    APIException,
    AuthenticationFailed,
    NotAuthenticated,
    Throttled,
)
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError


def error_response(exc: Exception) -> Response | None:
    """The answer for ``exc``, or None when it is a bug (left to Django: logged, 500)."""
    if isinstance(exc, Http404):
        return Response({"message": str(exc) or gettext("not found")}, status=404)
    if isinstance(exc, BadRequestError):
        return Response({"message": str(exc)}, status=400)
    if isinstance(exc, RequestDataTooBig):
        return Response({"message": gettext("body: too large")}, status=413)
    if isinstance(exc, SuspiciousOperation):
        return Response(
            {"message": gettext("request refused: %s (send fewer or shorter parameters)") % exc},
            status=400,
        )
    if isinstance(exc, Throttled):
        wait = math.ceil(exc.wait or 60)
        return Response(
            {
                "message": ngettext(
                    "rate limit exceeded; retry in %(wait)d second",
                    "rate limit exceeded; retry in %(wait)d seconds",
                    wait,
                )
                % {"wait": wait}
            },
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(wait)},
        )
    if isinstance(exc, AuthenticationFailed | NotAuthenticated):
        return Response(
            {"message": str(exc.detail)}, status=401, headers={"WWW-Authenticate": "Api-Key"}
        )
    if isinstance(exc, APIException):
        return Response({"message": str(exc.detail)}, status=exc.status_code)
    return None


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: Kanal's answers, DRF's default for anything else."""
    from rest_framework.views import exception_handler as drf_default

    return error_response(exc) or drf_default(exc, context)


def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other URL under ``/api/v2/``: a JSON 404 like the API's own, not the HTML page."""
    return JsonResponse(
        {"message": gettext("not found: no such API endpoint or object")}, status=404
    )
