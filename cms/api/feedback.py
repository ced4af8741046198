"""``POST feedback/``: "Was this page useful?" from readers of the consuming sites.

Body: ``{"page": <id>, "useful": true|false, "comment": "…"}``. The page must be live and
public; the comment is optional, at most ``KANAL_FEEDBACK_COMMENT_MAX`` characters, and stored
as plain text (markup removed, control characters dropped). Anonymous readers are limited per
address (``KANAL_API_FEEDBACK_RATE_PER_MINUTE``); API keys need the ``write:feedback`` scope
and use their own limit.
"""

from __future__ import annotations

import unicodedata

import nh3
from django.conf import settings
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Page

from ..models import SCOPE_WRITE_FEEDBACK, PageFeedback
from .endpoints import KanalEndpointMixin
from .keys import FeedbackThrottle, api_key_of


def plain_text(value: str) -> str:
    """Markup removed and control characters (other than newlines and tabs) dropped."""
    text = nh3.clean(value, tags=set())
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = text.replace("&quot;", '"').replace("&#39;", "'")
    return "".join(
        ch for ch in text if ch in "\n\t" or not unicodedata.category(ch).startswith("C")
    ).strip()


class FeedbackSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    useful = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class FeedbackView(KanalEndpointMixin, APIView):
    throttle_classes = [FeedbackThrottle]
    serializer_class = FeedbackSerializer

    def post(self, request):
        key = api_key_of(request)
        if key is not None and not key.has_scope(SCOPE_WRITE_FEEDBACK):
            return Response(
                {"message": f"this API key lacks the {SCOPE_WRITE_FEEDBACK} scope"}, status=403
            )
        if request.GET:
            raise BadRequestError(f"{sorted(request.GET)[0]}: unknown query parameter")
        if not isinstance(request.data, dict):
            raise BadRequestError("body: expected a JSON object")
        unknown = sorted(set(request.data) - {"page", "useful", "comment"})
        if unknown:
            raise BadRequestError(f"{unknown[0]}: unknown field")
        serializer = FeedbackSerializer(data=request.data)
        if not serializer.is_valid():
            name, errors = next(iter(serializer.errors.items()))
            raise BadRequestError(f"{name}: {' '.join(str(e) for e in errors)}")
        data = serializer.validated_data
        comment = plain_text(data["comment"])
        limit = settings.KANAL_FEEDBACK_COMMENT_MAX
        if len(comment) > limit:
            raise BadRequestError(f"comment: at most {limit} characters")
        page = Page.objects.live().public().filter(pk=data["page"]).first()
        if page is None:
            raise BadRequestError("page: no live, public page with this id")
        feedback = PageFeedback.objects.create(page=page, useful=data["useful"], comment=comment)
        return Response(
            {"id": feedback.pk, "page": page.pk, "useful": feedback.useful, "comment": comment},
            status=201,
        )
