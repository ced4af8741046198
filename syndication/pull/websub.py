"""WebSub subscriber (W3C Recommendation, https://www.w3.org/TR/websub/).

* Discovery (§4): hubs and the topic (``rel="self"``) come from the feed's HTTP ``Link``
  headers or from the feed itself; the poll report names them and ``note_hubs`` records
  them, answering whether a subscription request is due (the task layer sends it).
* Subscribing (§5.1): a form-encoded POST to the hub with ``hub.callback``, ``hub.mode``,
  ``hub.topic``, ``hub.lease_seconds`` and ``hub.secret`` (one random secret per source).
* Verification of intent (§5.3): the hub GETs our callback with ``hub.challenge``; we echo it
  only if mode and topic match the request we sent and still wait on, else 404. The callback
  URL carries a random token per request (rotated on every resubscription), so nobody who
  merely knows a source id and its topic can deny or verify a subscription.
* Content distribution (§7, §8): the hub POSTs the new feed body; ``X-Hub-Signature:
  sha256=<hex HMAC of the body with our secret>`` (sha1/sha384/sha512 accepted) must match,
  or the body is ignored (we still answer 2xx as §8 allows, so an attacker learns nothing).
* Leases are renewed a day before they expire: ``sources_to_renew`` names them; the relay
  keeps the clock and enqueues the renewals.
* Polling never stops: a verified subscription only makes updates arrive sooner.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from syndication import http

from .models import Source
from .pipeline import PollReport, import_document

logger = logging.getLogger(__name__)

LEASE_SECONDS = 7 * 24 * 3600
MIN_LEASE_SECONDS = 3600
MAX_LEASE_SECONDS = 365 * 24 * 3600
RENEW_BEFORE = timedelta(days=1)
PENDING, VERIFIED, DENIED, FAILED = "pending", "verified", "denied", "failed"
_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384,
            "sha512": hashlib.sha512}  # fmt: skip


def enabled() -> bool:
    return settings.KANAL_WEBSUB_ENABLED


def callback_url(source: Source) -> str:
    """The callback for the source's current request: its id plus its unguessable token."""
    path = reverse(
        "syndication_websub_callback", args=[source.pk, source.websub_callback_token or "-"]
    )
    return f"{settings.KANAL_BASE_URL}{path}"


def token_matches(source: Source, token: str) -> bool:
    expected = source.websub_callback_token
    return bool(expected) and hmac.compare_digest(expected.encode(), token.encode())


def lease_from(value: str | None) -> int:
    """``hub.lease_seconds`` as the hub sent it, bounded (a huge number is not a 500)."""
    text = (value or "").strip()
    if not text.isdigit():
        return LEASE_SECONDS
    if len(text) > 12:
        return MAX_LEASE_SECONDS
    return max(MIN_LEASE_SECONDS, min(int(text), MAX_LEASE_SECONDS))


def note_hubs(source: Source, hubs: list[str], topic: str) -> bool:
    """Remember the hub a poll discovered. True when a subscription request should be sent
    (the hub is new or not yet verified, and WebSub is enabled); the caller schedules it."""
    hub = next((h for h in hubs if h), "")
    if not hub:
        if source.hub_url:
            Source.objects.filter(pk=source.pk).update(hub_url="", websub_state="")
            source.hub_url, source.websub_state = "", ""
        return False
    unchanged = (hub, topic) == (source.hub_url, source.topic_url)
    if unchanged and source.websub_state in (PENDING, VERIFIED, DENIED):
        return False
    Source.objects.filter(pk=source.pk).update(hub_url=hub, topic_url=topic)
    source.hub_url, source.topic_url = hub, topic
    return enabled()


def subscribe(source: Source, mode: str = "subscribe") -> bool:
    """Send the (un)subscription request; True when the hub accepted it (202/204).

    Every request gets a new callback token (so a callback URL that leaked with an old
    request is dead) and records the mode Kanal now waits to see verified.
    """
    source.websub_callback_token = secrets.token_urlsafe(32)
    source.websub_awaiting = mode
    Source.objects.filter(pk=source.pk).update(
        websub_callback_token=source.websub_callback_token, websub_awaiting=mode
    )
    data = urlencode(
        {
            "hub.callback": callback_url(source),
            "hub.mode": mode,
            "hub.topic": source.topic_url,
            "hub.lease_seconds": str(LEASE_SECONDS),
            "hub.secret": source.websub_secret,
        }
    )
    try:
        response = http.request(
            "POST",
            source.hub_url,
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            total_timeout=15,
            max_redirects=0,
        )
        accepted = response.status in (202, 204)
        problem = "" if accepted else f"hub answered {response.status}"
    except (http.UnsafeURLError, http.HttpError) as exc:
        accepted, problem = False, str(exc)
    state = PENDING if accepted else FAILED
    Source.objects.filter(pk=source.pk).update(websub_state=state)
    source.websub_state = state
    if problem:
        logger.warning("WebSub %s for source %s failed: %s", mode, source.pk, problem)
    return accepted


def verify_intent(source: Source, params) -> tuple[int, str]:
    """The hub's GET to our callback -> (status, body). Echo the challenge only if we asked.

    The caller has checked the callback token. A verification is accepted only for the mode
    Kanal is waiting on (``websub_awaiting``), once; a denial only for a subscription Kanal
    asked for or holds. Everything else is a 404 and changes nothing.
    """
    mode = params.get("hub.mode", "")
    topic = params.get("hub.topic", "")
    if topic != source.topic_url or not source.hub_url:
        return 404, ""
    if mode == "denied":
        if source.websub_awaiting == "subscribe" or source.websub_state == VERIFIED:
            Source.objects.filter(pk=source.pk).update(websub_state=DENIED, websub_awaiting="")
            return 200, ""
        return 404, ""
    challenge = params.get("hub.challenge", "")
    if not challenge or mode != source.websub_awaiting:
        return 404, ""
    if mode == "subscribe" and source.active:
        lease = lease_from(params.get("hub.lease_seconds"))
        Source.objects.filter(pk=source.pk).update(
            websub_state=VERIFIED,
            websub_awaiting="",
            websub_lease_expires_at=timezone.now() + timedelta(seconds=lease),
        )
        return 200, challenge
    if mode == "unsubscribe":
        Source.objects.filter(pk=source.pk).update(websub_state="", websub_awaiting="")
        return 200, challenge
    return 404, ""


def signature_ok(source: Source, body: bytes, header: str | None) -> bool:
    """§8: ``X-Hub-Signature: method=signature`` over the raw body with our secret."""
    if not header or "=" not in header:
        return False
    method, _, given = header.partition("=")
    digest = _DIGESTS.get(method.strip().lower())
    if digest is None:
        return False
    expected = hmac.new(source.websub_secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())


def receive(
    source: Source, body: bytes, content_type: str, signature: str | None
) -> PollReport | None:
    """A content distribution POST: import the body if (and only if) the signature holds."""
    if not signature_ok(source, body, signature):
        logger.warning("WebSub notification for source %s ignored: bad signature", source.pk)
        return None
    return import_document(source, body, content_type, source.topic_url or source.feed_url)


def sources_to_renew(now=None) -> list[int]:
    """Ids of verified subscriptions whose lease ends within ``RENEW_BEFORE`` (a day)."""
    now = now or timezone.now()
    due = Source.objects.active().filter(
        websub_state=VERIFIED, websub_lease_expires_at__lte=now + RENEW_BEFORE
    )
    return list(due.values_list("pk", flat=True))
