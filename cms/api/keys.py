"""API keys and rate limits.

A consumer sends its key as ``Authorization: Api-Key <secret>``; the key is looked up by the
SHA-256 of the secret (``ApiKey.hashed_key``), never stored or logged in clear. Rate limits
are fixed one-minute windows counted in Django's cache: per key (``rate_limit_per_minute``)
or, for anonymous readers, per client address (``KANAL_API_ANON_RATE_PER_MINUTE``).
Exceeding one answers 429 with ``Retry-After``. With a local-memory cache the counters are
per process; set ``REDIS_URL`` to share them.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.throttling import BaseThrottle

from ..models import ApiKey

SCHEME = "api-key"


class KeyUser:
    """The request's user when it authenticated with an API key (not a Django user)."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, key: ApiKey):
        self.key = key


def api_key_of(request) -> ApiKey | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiKey) else None


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <secret>``. Other schemes are left to other authenticators."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != SCHEME:
            return None
        secret = secret.strip()
        key = (
            ApiKey.objects.active().filter(hashed_key=ApiKey.hash(secret)).first()
            if secret
            else None
        )
        if key is None:
            raise AuthenticationFailed("Authorization: unknown or revoked API key")
        if key.last_used_at is None or (timezone.now() - key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return KeyUser(key), key

    def authenticate_header(self, request):
        return "Api-Key"


class RateThrottle(BaseThrottle):
    """Fixed one-minute windows: per API key, or per client address for anonymous readers."""

    setting = "KANAL_API_ANON_RATE_PER_MINUTE"
    scope = "read"

    def limit_for(self, request) -> tuple[str, int]:
        key = api_key_of(request)
        if key is not None:
            return f"key:{key.pk}", key.rate_limit_per_minute
        return f"ip:{self.get_ident(request)}", getattr(settings, self.setting)

    def allow_request(self, request, view) -> bool:
        ident, limit = self.limit_for(request)
        if not limit:
            return True
        now = time.time()
        window = int(now // 60)
        counter = f"kanal:api:rate:{self.scope}:{ident}:{window}"
        cache.add(counter, 0, timeout=61)
        try:
            count = cache.incr(counter)
        except ValueError:  # expired between add and incr
            cache.set(counter, 1, timeout=61)
            count = 1
        self._wait = 60 - (now % 60)
        return count <= limit

    def wait(self) -> float:
        return max(1.0, getattr(self, "_wait", 60.0))


class FeedbackThrottle(RateThrottle):
    """Feedback is written to the database: a tighter limit for anonymous readers."""

    setting = "KANAL_API_FEEDBACK_RATE_PER_MINUTE"
    scope = "feedback"
