"""The push side of echo suppression: the remote copies Kanal made are its own posts, so
pulling the same site's feed does not import them (``syndication.pull.echo``)."""

from __future__ import annotations

from ..pull.echo import register_echo_check
from .models import SyndicationRecord


def is_pushed_copy(url: str) -> bool:
    if not url:
        return False
    variants = {url, url.rstrip("/"), url.rstrip("/") + "/"}
    return SyndicationRecord.objects.filter(remote_url__in=variants).exists()


def register() -> None:
    register_echo_check(is_pushed_copy)
