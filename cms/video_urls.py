"""Recognising video URLs offline.

Editors paste the URL they see in the browser; from it we derive the provider, the video id,
an embed URL and (where the provider's scheme allows it) a thumbnail URL — by parsing only,
never by asking the provider (Kanal calls no third-party host on its own).

Thumbnails: YouTube's are addressable by id (``i.ytimg.com/vi/<id>/hqdefault.jpg``). Vimeo
and current PeerTube releases give thumbnails random file names that only their APIs reveal,
so for them ``thumbnail_url`` is empty and the editor's poster image (or, for imported videos,
the thumbnail the feed carries) is used instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext as _

YOUTUBE = "youtube"
VIMEO = "vimeo"
PEERTUBE = "peertube"
PROVIDERS = [(YOUTUBE, "YouTube"), (VIMEO, "Vimeo"), (PEERTUBE, "PeerTube")]

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# PeerTube short UUIDs are base58 (22 characters in practice; accept 16-32).
_SHORT_UUID = r"[1-9A-HJ-NP-Za-km-z]{16,32}"
_PEERTUBE_PATHS = [
    re.compile(rf"^/w/(?P<id>{_UUID}|{_SHORT_UUID})/?$"),
    re.compile(rf"^/videos/(?:watch|embed)/(?P<id>{_UUID}|{_SHORT_UUID})/?$"),
]
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class UnknownVideoURL(ValueError):
    """The URL is not a video page of a provider Kanal knows."""


@dataclass(frozen=True)
class VideoRef:
    provider: str
    video_id: str
    embed_url: str
    thumbnail_url: str
    host: str = ""


def parse_video_url(url: str) -> VideoRef:
    """Derive provider, id, embed URL and thumbnail from a video URL, or raise UnknownVideoURL."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnknownVideoURL(_("Give a full web address starting with https://."))
    host = parts.hostname.lower()

    if host in _YOUTUBE_HOSTS or host == "youtu.be":
        video_id = _youtube_id(host, parts.path, parts.query)
        if video_id:
            return VideoRef(
                YOUTUBE,
                video_id,
                f"https://www.youtube-nocookie.com/embed/{video_id}",
                f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg",
                host,
            )
        raise UnknownVideoURL(_("The address points to YouTube but not to a single video."))

    if host in _VIMEO_HOSTS:
        match = re.search(r"(?:^|/)(\d{5,12})(?:/|$)", parts.path)
        if match:
            video_id = match.group(1)
            return VideoRef(VIMEO, video_id, f"https://player.vimeo.com/video/{video_id}", "", host)
        raise UnknownVideoURL(_("The address points to Vimeo but not to a single video."))

    for pattern in _PEERTUBE_PATHS:
        match = pattern.match(parts.path)
        if match and _HOSTNAME.match(host):
            video_id = match.group("id")
            netloc = host if parts.port in (None, 443, 80) else f"{host}:{parts.port}"
            return VideoRef(
                PEERTUBE, video_id, f"https://{netloc}/videos/embed/{video_id}", "", netloc
            )

    raise UnknownVideoURL(
        _(
            "Unknown video address. Paste a link to a video on YouTube "
            "(youtube.com/watch?v=… or youtu.be/…), Vimeo (vimeo.com/123456789) "
            "or a PeerTube instance (…/w/… or …/videos/watch/…)."
        )
    )


def _youtube_id(host: str, path: str, query: str) -> str | None:
    candidate = None
    if host == "youtu.be":
        candidate = path.strip("/").split("/")[0]
    elif path == "/watch":
        candidate = (parse_qs(query).get("v") or [""])[0]
    else:
        match = re.match(r"^/(?:embed|shorts|live|v)/([^/?#]+)", path)
        if match:
            candidate = match.group(1)
    if candidate and _YOUTUBE_ID.match(candidate):
        return candidate
    return None
