"""API keys and rate limits.

A consumer sends its key as ``Authorization: Api-Key <secret>``; the key is looked up by the
SHA-256 of the secret (``ApiKey.hashed_key``), never stored or logged in clear. Rate limits
are fixed one-minute windows counted in Django's cache: per key (``rate_limit_per_minute``)
or, for anonymous readers, per client address (``KANAL_API_ANON_RATE_PER_MINUTE``; see
``client_address`` for when a forwarded address counts).
Exceeding one answers 429 with ``Retry-After``. With a local-memory cache the counters are
per process; set ``REDIS_URL`` to share them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext
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
            raise AuthenticationFailed(gettext("Authorization: unknown or revoked API key"))
        if key.last_used_at is None or (timezone.now() - key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return KeyUser(key), key

    def authenticate_header(self, request):
        return "Api-Key"


def _networks(entries: Iterable[str]) -> list[IPv4Network | IPv6Network]:
    return [ip_network(entry.strip("[]"), strict=False) for entry in entries]


def _parse_address(value: str) -> IPv4Address | IPv6Address | None:
    value = value.strip().strip("[]")
    try:
        return ip_address(value)
    except ValueError:
        return None


def client_address(request) -> str:
    """The address a rate limit counts: the peer, or what trusted proxies say the client was.

    ``X-Forwarded-For`` is believed only when the peer (``REMOTE_ADDR``) is one of
    ``KANAL_TRUSTED_PROXIES`` (addresses or networks; none by default). Then the header is read
    from the right — each proxy appends the address it saw — skipping trusted proxies; the
    first untrusted address is the client. Whatever a client writes into the header itself
    ends up on the left and is never reached. (DRF's ``get_ident`` takes the header from
    anyone, so a client that rotates it escapes every limit.)
    """
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = _networks(settings.KANAL_TRUSTED_PROXIES)
    if not trusted:
        return peer

    def is_trusted(address: IPv4Address | IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in trusted)

    if not is_trusted(_parse_address(peer)):
        return peer
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse_address(hop)
        if address is None:
            break  # garbage from the client's side of the chain: the last good hop counts
        client = str(address)
        if not is_trusted(address):
            break
    return client


class RateThrottle(BaseThrottle):
    """Fixed one-minute windows: per API key, or per client address for anonymous readers."""

    setting = "KANAL_API_ANON_RATE_PER_MINUTE"
    scope = "read"

    def limit_for(self, request) -> tuple[str, int]:
        key = api_key_of(request)
        if key is not None:
            return f"key:{key.pk}", key.rate_limit_per_minute
        return f"ip:{client_address(request)}", getattr(settings, self.setting)

    def weight(self, request) -> int:
        """What a request counts: a search costs the database far more than a read."""
        if "search" in request.GET:
            return max(1, settings.KANAL_API_SEARCH_RATE_WEIGHT)
        return 1

    def allow_request(self, request, view) -> bool:
        ident, limit = self.limit_for(request)
        if not limit:
            return True
        weight = self.weight(request)
        now = time.time()
        window = int(now // 60)
        counter = f"kanal:api:rate:{self.scope}:{ident}:{window}"
        cache.add(counter, 0, timeout=61)
        try:
            count = cache.incr(counter, weight)
        except ValueError:  # expired between add and incr
            cache.set(counter, weight, timeout=61)
            count = weight
        self._wait = 60 - (now % 60)
        return count <= limit

    def wait(self) -> float:
        return max(1.0, getattr(self, "_wait", 60.0))


class FeedbackThrottle(RateThrottle):
    """Feedback is written to the database: a tighter limit for anonymous readers."""

    setting = "KANAL_API_FEEDBACK_RATE_PER_MINUTE"
    scope = "feedback"
