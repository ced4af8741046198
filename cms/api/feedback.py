"""``POST feedback/``: "Was this page useful?" from readers of the consuming sites.

Body: ``{"page": <id>, "useful": true|false, "comment": "…"}``. The page must be live and
public; the comment is optional, at most ``KANAL_FEEDBACK_COMMENT_MAX`` characters, and stored
as plain text (markup removed, control characters dropped). Only ``application/json`` bodies
of at most ``KANAL_FEEDBACK_BODY_MAX`` bytes are read; a larger declared body is refused
unread (413). Anonymous readers are limited per address
(``KANAL_API_FEEDBACK_RATE_PER_MINUTE``); API keys need the ``write:feedback`` scope and use
their own limit.
"""

from __future__ import annotations

import html
import unicodedata

import nh3
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.exceptions import APIException, ParseError, UnsupportedMediaType
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Page

from cms.events import EventType
from cms.events.recording import record

from ..models import SCOPE_WRITE_FEEDBACK, PageFeedback
from .endpoints import KanalEndpointMixin
from .keys import FeedbackThrottle, api_key_of

MAX_DECODING_ROUNDS = 5


def plain_text(value: str) -> str:
    """The comment as plain text that stays plain: no markup now, none after unescaping.

    Markup is removed and entities decoded until nothing changes, so an escaped tag
    (``&lt;img onerror=…&gt;``, or escaped twice) cannot come back as markup after one
    decoding step; control characters (other than newlines and tabs) are dropped. Text that
    merely contains ``<`` or ``&`` (``a < b``) is kept as typed: consumers escape on output.
    """
    text = value
    for _ in range(MAX_DECODING_ROUNDS):
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    else:  # still changing: whatever is left is not a comment anyone typed
        text = text.replace("<", "").replace(">", "")
    return "".join(
        ch for ch in text if ch in "\n\t" or not unicodedata.category(ch).startswith("C")
    ).strip()


class JSONOnlyParser(JSONParser):
    """JSON bodies only, with nesting too deep for Python's parser refused as a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(gettext("body: JSON nested too deeply")) from exc


class RequestBodyTooLarge(APIException):
    status_code = 413
    default_detail = "body: too large"


def record_feedback(feedback: PageFeedback) -> None:
    """``feedback.received``: the page's running counts only, never the comment (personal data
    a reader typed; it stays in the admin and is purged after KANAL_FEEDBACK_RETENTION_DAYS)."""
    counts = PageFeedback.objects.filter(page_id=feedback.page_id).aggregate(
        useful_count=Count("pk", filter=Q(useful=True)),
        not_useful_count=Count("pk", filter=Q(useful=False)),
    )
    record(
        EventType.FEEDBACK_RECEIVED,
        feedback,
        data={
            "page": feedback.page_id,
            "useful": counts["useful_count"],
            "not_useful": counts["not_useful_count"],
        },
    )


class FeedbackSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    useful = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class FeedbackView(KanalEndpointMixin, APIView):
    throttle_classes = [FeedbackThrottle]
    parser_classes = [JSONOnlyParser]
    serializer_class = FeedbackSerializer

    def initial(self, request, *args, **kwargs):
        """Refuse a body by its declared size before anything reads it (or checks throttles)."""
        limit = settings.KANAL_FEEDBACK_BODY_MAX
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            raise RequestBodyTooLarge(gettext("body: at most %d bytes of JSON") % limit)
        media_type = request.content_type.split(";")[0].strip().lower()
        # Only a POST has a body to refuse; GET/HEAD get their 405, OPTIONS its 200 with Allow.
        if request.method == "POST" and media_type != "application/json":
            raise UnsupportedMediaType(
                media_type, detail="body: send a JSON object as application/json"
            )
        super().initial(request, *args, **kwargs)

    def post(self, request):
        key = api_key_of(request)
        if key is not None and not key.has_scope(SCOPE_WRITE_FEEDBACK):
            return Response(
                {"message": gettext("this API key lacks the %s scope") % SCOPE_WRITE_FEEDBACK},
                status=403,
            )
        if request.GET:
            raise BadRequestError(gettext("%s: unknown query parameter") % sorted(request.GET)[0])
        if not isinstance(request.data, dict):
            raise BadRequestError(gettext("body: expected a JSON object"))
        unknown = sorted(set(request.data) - {"page", "useful", "comment"})
        if unknown:
            raise BadRequestError(gettext("%s: unknown field") % unknown[0])
        serializer = FeedbackSerializer(data=request.data)
        if not serializer.is_valid():
            name, errors = next(iter(serializer.errors.items()))
            raise BadRequestError(f"{name}: {' '.join(str(e) for e in errors)}")
        data = serializer.validated_data
        comment = plain_text(data["comment"])
        limit = settings.KANAL_FEEDBACK_COMMENT_MAX
        if len(comment) > limit:
            raise BadRequestError(gettext("comment: at most %d characters") % limit)
        page = Page.objects.live().public().filter(pk=data["page"]).first()
        if page is None:
            raise BadRequestError(gettext("page: no live, public page with this id"))
        with transaction.atomic():
            feedback = PageFeedback.objects.create(
                page=page, useful=data["useful"], comment=comment
            )
            record_feedback(feedback)
        return Response(
            {"id": feedback.pk, "page": page.pk, "useful": feedback.useful, "comment": comment},
            status=201,
        )
