"""Images of imported posts, kept as Kanal's own: downloaded, checked, stored once.

An imported post's images must not be hot-linked (a reader's browser would call the blog's
host, or a tracker's), so ``localise_body`` turns a post's ``BodyPart``s into StreamField
blocks of the article body:

* an image is downloaded through the safe client (``syndication.http``: only public addresses,
  a cap on the bytes, a deadline), one request at a time per host (``pull.politeness``);
* what came back must *be* an image: the first bytes must be a JPEG, PNG, GIF or WebP
  signature (the ``Content-Type`` header is not believed; SVG, which can carry script, is not
  accepted), Pillow must read it as that same format, and its sides and pixel count must be
  under the caps — checked from the header before any pixel is decoded;
* it is stored in the "Importerat" collection (created if missing), once per content hash:
  Wagtail's own ``file_hash`` (SHA-1 of the file) finds an image imported before, from any
  post or source, so the same picture is never stored twice;
* the block carries the feed's alt text (an empty ``alt`` attribute marks the image
  decorative, as in HTML);
* an image that cannot be used is left out of the body, and a ``Note`` says which and why on
  the import record (``ImportedItem.notes``, shown on the source's list of imported posts).

``known`` maps image URLs to images stored for this post on an earlier poll, so an update of
the post's text downloads nothing again. Video players become the video embed block
(``cms.blocks.VideoEmbedBlock``); nothing of theirs is fetched.

An imported *video*'s thumbnail (YouTube, Vimeo, PeerTube, or a feed's ``media:thumbnail``)
follows the same rules through ``localise_thumbnail`` and becomes the video page's poster
image.

Notes are stored as codes with their details and worded when shown (``describe``), so the
editor reads them in the admin's language, not the language of the poller.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.utils.file import hash_filelike

from syndication import http

from .politeness import host_slot
from .richtext import BodyPart

logger = logging.getLogger(__name__)

IMPORT_COLLECTION = "Importerat"
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_SIDE = 8_000
MAX_IMAGE_PIXELS = 30_000_000
MAX_IMAGES_PER_POST = 30
MAX_REDIRECTS = 3
ACCEPT = "image/avif;q=0.1, image/webp, image/png, image/jpeg, image/gif, */*;q=0.1"

# Signature -> (Pillow's format name, file extension). WebP: "RIFF" size "WEBP".
_SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\xff\xd8\xff", 0, "JPEG", "jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG", "png"),
    (b"GIF87a", 0, "GIF", "gif"),
    (b"GIF89a", 0, "GIF", "gif"),
    (b"WEBP", 8, "WEBP", "webp"),
)


class ImageRefused(Exception):
    """The image is not used; ``code`` and ``detail`` become a ``Note``."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Downloaded:
    data: bytes
    format: str
    extension: str
    width: int
    height: int


@dataclass
class LocalisedBody:
    """The article body as raw StreamField data, and what happened to its media."""

    blocks: list[dict] = field(default_factory=list)
    images: dict[str, int] = field(default_factory=dict)  # URL -> image id, for the next poll
    notes: list[dict] = field(default_factory=list)
    downloads: int = 0
    poster: int | None = None  # a video's thumbnail, stored locally (``localise_thumbnail``)


def sniff(data: bytes) -> tuple[str, str]:
    """The format the bytes say they are (Pillow's name, extension), or ``ImageRefused``."""
    for signature, offset, name, extension in _SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            if name == "WEBP" and not data.startswith(b"RIFF"):
                continue
            return name, extension
    raise ImageRefused("not_an_image")


def check_image(data: bytes) -> Downloaded:
    """Sniff, then let Pillow read the header and (under the caps only) the pixels."""
    name, extension = sniff(data)
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            if image.format != name:
                raise ImageRefused("not_an_image", image.format or "")
            width, height = image.size
            if max(width, height) > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
                raise ImageRefused("too_many_pixels", f"{width}x{height}")
            image.load()
    except ImageRefused:
        raise
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as exc:
        raise ImageRefused("not_an_image", type(exc).__name__) from exc
    if width <= 1 or height <= 1:
        raise ImageRefused("tracking_pixel", f"{width}x{height}")
    return Downloaded(data, name, extension, width, height)


def download(url: str) -> Downloaded:
    """GET one image through the safe client; ``ImageRefused`` says why it cannot be used."""
    connect_timeout, read_timeout, total_timeout = settings.KANAL_PULL_TIMEOUTS
    try:
        with host_slot(url):
            response = http.request(
                "GET",
                url,
                headers={"Accept": ACCEPT},
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                total_timeout=total_timeout,
                max_bytes=MAX_IMAGE_BYTES,
                max_redirects=MAX_REDIRECTS,
            )
    except http.UnsafeURLError as exc:
        raise ImageRefused("unsafe_address", str(exc)) from exc
    except http.TooLarge as exc:
        raise ImageRefused("too_large", str(MAX_IMAGE_BYTES)) from exc
    except http.HttpError as exc:
        raise ImageRefused("fetch_failed", f"{type(exc).__name__}: {exc}") from exc
    if response.status != 200:
        raise ImageRefused("fetch_failed", f"HTTP {response.status}")
    return check_image(response.body)


def import_collection() -> Collection:
    """The "Importerat" collection under the root, created on first use."""
    existing = Collection.objects.filter(depth=2, name=IMPORT_COLLECTION).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        root = Collection.get_first_root_node()
        existing = root.get_children().filter(name=IMPORT_COLLECTION).first()
        return existing or root.add_child(name=IMPORT_COLLECTION)


def _title(url: str, alt: str | None) -> str:
    if alt:
        return alt[:255]
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]).strip()
    return (name or urlsplit(url).hostname or "bild")[:255]


def store(downloaded: Downloaded, *, url: str, alt: str | None):
    """The stored image with these bytes: found by content hash, or saved now."""
    file_hash = hash_filelike(io.BytesIO(downloaded.data))
    collection = import_collection()
    image_model = get_image_model()
    with transaction.atomic():
        # Serialise writers of the collection, so two pollers cannot store one picture twice.
        Collection.objects.select_for_update().filter(pk=collection.pk).first()
        found = image_model.objects.filter(collection=collection, file_hash=file_hash).first()
        if found is not None:
            return found
        name = f"import-{hashlib.sha256(downloaded.data).hexdigest()[:16]}.{downloaded.extension}"
        image = image_model(
            title=_title(url, alt),
            description=(alt or "")[:255],
            collection=collection,
            file=ImageFile(io.BytesIO(downloaded.data), name=name),
            width=downloaded.width,
            height=downloaded.height,
            file_size=len(downloaded.data),
            file_hash=file_hash,
        )
        image.save()
        return image


def _image_block(image_id: int, alt: str | None) -> dict:
    return {
        "type": "image",
        "value": {
            "image": {"image": image_id, "alt_text": alt or "", "decorative": alt == ""},
            "caption": "",
        },
    }


def localise_body(
    parts: tuple[BodyPart, ...],
    known: dict[str, int] | None = None,
    refused: dict[str, ImageRefused] | None = None,
):
    """The post's parts as article body blocks, its images downloaded and stored.

    ``refused`` remembers, for the caller's lifetime (one poll), the URLs that could not be
    used, so a picture shared by many posts (a feed's logo, a tracker) is tried once per poll.
    """
    known = dict(known or {})
    refused = refused if refused is not None else {}
    existing = set(
        get_image_model().objects.filter(pk__in=set(known.values())).values_list("pk", flat=True)
    )
    result = LocalisedBody()
    images_seen = 0
    for part in parts:
        if part.kind == "text":
            result.blocks.append({"type": "paragraph", "value": part.html})
        elif part.kind == "video":
            result.blocks.append(
                {"type": "video", "value": {"url": part.url, "caption": part.caption}}
            )
        elif part.kind == "image":
            images_seen += 1
            if images_seen > MAX_IMAGES_PER_POST:
                result.notes.append(note("too_many_images", part.url, str(MAX_IMAGES_PER_POST)))
                continue
            image_id = known.get(part.url)
            if image_id not in existing:
                try:
                    if part.url in refused:
                        raise refused[part.url]
                    downloaded = download(part.url)
                    result.downloads += 1
                    image_id = store(downloaded, url=part.url, alt=part.alt).pk
                except ImageRefused as exc:
                    refused[part.url] = exc
                    result.notes.append(note(exc.code, part.url, exc.detail))
                    continue
            result.images[part.url] = image_id
            if part.alt is None:
                result.notes.append(note("missing_alt", part.url))
            result.blocks.append(_image_block(image_id, part.alt))
    return result


def localise_thumbnail(
    url: str,
    title: str,
    known: dict[str, int] | None = None,
    refused: dict[str, ImageRefused] | None = None,
) -> LocalisedBody:
    """An imported video's thumbnail as a locally stored image (its ``poster``).

    The same rules as a post's images: downloaded through the safe client, checked, stored once
    per content hash in "Importerat", reused from ``known`` on a later poll; a thumbnail that
    cannot be used leaves the video without one and a ``Note`` — it is never hot-linked.
    """
    result = LocalisedBody()
    if not url:
        return result
    known = known or {}
    refused = refused if refused is not None else {}
    image_id = known.get(url)
    if image_id is None or not get_image_model().objects.filter(pk=image_id).exists():
        try:
            if url in refused:
                raise refused[url]
            downloaded = download(url)
            result.downloads += 1
            image_id = store(downloaded, url=url, alt=title or None).pk
        except ImageRefused as exc:
            refused[url] = exc
            result.notes.append(note(exc.code, url, exc.detail))
            return result
    result.images[url] = image_id
    result.poster = image_id
    return result


def note(code: str, url: str, detail: str = "") -> dict:
    return {"code": code, "url": url[:2000], "detail": detail[:300]}


def describe(item_note: dict) -> str:
    """A note as the editor reads it, in the current language."""
    code, detail = item_note.get("code", ""), item_note.get("detail", "")
    messages = {
        "unsafe_address": _("Image removed: the address is not allowed (private or invalid)."),
        "too_large": _("Image removed: the file is larger than %(limit)s MB.")
        % {"limit": MAX_IMAGE_BYTES // (1024 * 1024)},
        "too_many_pixels": _("Image removed: %(size)s pixels is too large.") % {"size": detail},
        "not_an_image": _("Image removed: the file is not a JPEG, PNG, GIF or WebP image."),
        "tracking_pixel": _("Image removed: a tracking pixel."),
        "fetch_failed": _("Image removed: it could not be fetched (%(detail)s).")
        % {"detail": detail},
        "too_many_images": _("Image removed: the post has more than %(limit)s images.")
        % {"limit": detail},
        "missing_alt": _(
            "The image has no alt text in the source: add one, or mark it as decorative, "
            "when you edit the page."
        ),
    }
    return messages.get(code, code)
