"""A WebSub hub on loopback that follows the W3C Recommendation (https://www.w3.org/TR/websub/).

* §5.1 subscription requests (form-encoded POST: ``hub.callback``, ``hub.mode``,
  ``hub.topic``, ``hub.lease_seconds``, ``hub.secret``) are accepted with 202;
* §5.3 verification of intent is a GET to the callback with ``hub.challenge``; the
  subscription holds only if the callback echoes the challenge with a 2xx;
* publish notifications (``hub.mode=publish`` with ``hub.url``/``hub.topic``, as common hubs
  take them) are accepted with 204 and recorded;
* §7/§8 content distribution fetches the topic and POSTs its body to every verified
  subscriber with ``X-Hub-Signature: sha256=<HMAC of the body with the subscriber's secret>``.

Verification and distribution run when the test calls ``verify()`` / ``distribute()`` (a real
hub does them shortly after answering): the test decides when the hub's requests reach the
live server, so a test database shared with the live server's thread is never used by two
threads at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import urllib.request
from dataclasses import dataclass
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlencode

from .loopback import LoopbackServer


@dataclass
class Subscription:
    callback: str
    topic: str
    secret: str
    lease_seconds: str
    verified: bool = False


class LoopbackHub(LoopbackServer):
    def __init__(self):
        self.subscriptions: list[Subscription] = []
        self.to_verify: list[Subscription] = []
        self.published: list[str] = []  # topics, in the order the pings arrived
        self.distributed: list[tuple[str, int]] = []  # (callback, status)
        super().__init__(self._handle)

    def _handle(self, request):
        if request.command != "POST":
            return 405, {}, b""
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        mode = form.get("hub.mode")
        if mode == "subscribe":
            if not form.get("hub.callback") or not form.get("hub.topic"):
                return 400, {}, b"hub.callback and hub.topic are required"
            subscription = Subscription(
                form["hub.callback"],
                form["hub.topic"],
                form.get("hub.secret", ""),
                form.get("hub.lease_seconds", "86400"),
            )
            self.to_verify.append(subscription)
            return 202, {}, b""
        if mode == "publish":
            topic = form.get("hub.url") or form.get("hub.topic")
            if not topic:
                return 400, {}, b"hub.url is required"
            self.published.append(topic)
            return 204, {}, b""
        return 400, {}, b"unknown hub.mode"

    @staticmethod
    def _open(request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except HTTPError as error:
            return error.code, error.read()

    def verify(self) -> None:
        """§5.3: ask each new subscriber to confirm; keep those that echo the challenge."""
        while self.to_verify:
            subscription = self.to_verify.pop(0)
            challenge = secrets.token_urlsafe(12)
            query = urlencode(
                {
                    "hub.mode": "subscribe",
                    "hub.topic": subscription.topic,
                    "hub.challenge": challenge,
                    "hub.lease_seconds": subscription.lease_seconds,
                }
            )
            separator = "&" if "?" in subscription.callback else "?"
            status, body = self._open(
                urllib.request.Request(subscription.callback + separator + query)
            )
            if 200 <= status < 300 and body.decode() == challenge:
                subscription.verified = True
                self.subscriptions.append(subscription)

    def distribute(self) -> None:
        """§7/§8: fetch each published topic once and send it to its verified subscribers."""
        topics, self.published = list(dict.fromkeys(self.published)), []
        for topic in topics:
            status, body = self._open(urllib.request.Request(topic))
            if status != 200:
                continue
            for subscription in self.subscriptions:
                if subscription.topic != topic:
                    continue
                signature = hmac.new(subscription.secret.encode(), body, hashlib.sha256).hexdigest()
                request = urllib.request.Request(
                    subscription.callback,
                    data=body,
                    method="POST",
                    headers={
                        "Content-Type": "application/atom+xml",
                        "X-Hub-Signature": f"sha256={signature}",
                        "Link": f'<{self.url("/hub")}>; rel="hub", <{topic}>; rel="self"',
                    },
                )
                self.distributed.append((subscription.callback, self._open(request)[0]))
