"""StreamField blocks for article bodies.

Each block shapes its own API value (``get_api_representation``) and, where it does, declares
that value's JSON schema (``api_schema``), so the headless API, its OpenAPI document and the
event payloads describe a block the same way wherever it appears. The representation layer
passes a ``resolver`` in the context (``cms.representation.resolver.Resolver``) that turns
images, documents, pages and people into their full API shapes from objects it loaded in
bulk; without one (e.g. Wagtail's stock API) blocks fall back to plain ids. No block fetches
anything from the network: the video block derives its embed from the URL
(``cms.video_urls``) instead
of asking an oEmbed provider.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock as AltTextImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from .representation.schema import BOOLEAN, STRING, URL, array, nullable, obj, ref
from .video_urls import PROVIDERS, UnknownVideoURL, parse_video_url
from .visibility import in_public_collection, is_public_page, restricted_collection_ids

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", "H2"), ("h3", "H3"), ("h4", "H4")], default="h2", label=_("Level")
    )

    class Meta:
        icon = "title"
        label = _("Heading")


class ImageBlock(blocks.StructBlock):
    """An image with its caption. Alt text or an explicit "decorative" is required (WCAG 1.1.1):
    the image itself is Wagtail's ``ImageBlock``, whose value is the image with its
    ``contextual_alt_text`` and ``decorative``. Stored data of the older shape (an image id,
    alt text beside it) is moved in by migration ``cms.0008``; an image id alone still reads,
    with the image's own description as its alt text."""

    image = AltTextImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=300, label=_("Caption"))

    api_schema = obj(
        {
            "image": nullable(ref("Image")),
            "caption": STRING,
            "alt_text": STRING,
            "decorative": BOOLEAN,
        }
    )

    class Meta:
        icon = "image"
        label = _("Image")

    def render_basic(self, value, context=None):
        """HTML views: the image with its alt text (empty when decorative) and caption; an
        image from a private collection is left out."""
        image = value.get("image")
        if image is None or not in_public_collection(image):
            return ""
        rendition = image.get_rendition("width-960")
        caption = value.get("caption") or ""
        return format_html(
            '<figure><img src="{}" width="{}" height="{}" alt="{}">{}</figure>',
            rendition.url,
            rendition.width,
            rendition.height,
            alt_text(image),
            format_html("<figcaption>{}</figcaption>", caption) if caption else "",
        )

    def get_api_representation(self, value, context=None):
        image = value.get("image")
        resolver = (context or {}).get("resolver")
        decorative = bool(image is not None and image.decorative)
        alt = alt_text(image)
        return {
            "image": (
                resolver.image(image, alt, decorative=decorative)
                if resolver is not None
                else (image.pk if image else None)
            ),
            "caption": value.get("caption", ""),
            "alt_text": alt,
            "decorative": decorative,
        }


def alt_text(image) -> str:
    """The alt text an ``ImageBlock`` image is shown with: empty when decorative, else the
    editor's (or feed's) text, else the image's own description."""
    if image is None or getattr(image, "decorative", False):
        return ""
    return getattr(image, "contextual_alt_text", "") or image.default_alt_text


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, max_length=200, label=_("Source"))

    class Meta:
        icon = "openquote"
        label = _("Quote")


class VideoURLBlock(blocks.URLBlock):
    """A YouTube, Vimeo or PeerTube URL, recognised offline."""

    def clean(self, value):
        value = super().clean(value)
        if value:
            try:
                parse_video_url(value)
            except UnknownVideoURL as exc:
                raise ValidationError(str(exc)) from exc
        return value


class VideoEmbedBlock(blocks.StructBlock):
    url = VideoURLBlock(label=_("Video URL"))
    caption = blocks.CharBlock(required=False, max_length=300, label=_("Caption"))

    api_schema = obj(
        {
            "url": URL,
            "provider": {"enum": [key for key, _ in PROVIDERS]},
            "video_id": STRING,
            "embed_url": URL,
            "thumbnail_url": STRING,
            "caption": STRING,
        }
    )

    class Meta:
        icon = "media"
        label = _("Embedded video")

    def render_basic(self, value, context=None):
        """HTML views: a link to the video, not its player (the view calls no third party)."""
        ref = parse_video_url(value["url"])
        label = _("Watch the video on %(provider)s") % {"provider": dict(PROVIDERS)[ref.provider]}
        caption = value.get("caption") or ""
        return format_html(
            '<p><a href="{}">{}</a>{}</p>',
            value["url"],
            label,
            format_html("<br>{}", caption) if caption else "",
        )

    def get_api_representation(self, value, context=None):
        ref = parse_video_url(value["url"])
        return {
            "url": value["url"],
            "provider": ref.provider,
            "video_id": ref.video_id,
            "embed_url": ref.embed_url,
            "thumbnail_url": ref.thumbnail_url,
            "caption": value.get("caption", ""),
        }


class DocumentListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=200, label=_("Heading"))
    documents = blocks.ListBlock(DocumentChooserBlock(), label=_("Documents"))

    api_schema = obj({"heading": STRING, "documents": array(ref("Document"))})

    class Meta:
        icon = "doc-full"
        label = _("Document list")

    def render_basic(self, value, context=None):
        """HTML views: documents in private collections are left out of the list."""
        hidden = restricted_collection_ids()
        items = "".join(
            format_html('<li><a href="{}">{}</a></li>', doc.url, doc.title)
            for doc in value.get("documents") or []
            if doc is not None and doc.collection_id not in hidden
        )
        heading = format_html("<h3>{}</h3>", value["heading"]) if value.get("heading") else ""
        return mark_safe(f"{heading}<ul>{items}</ul>")  # noqa: S308 - parts built by format_html

    def get_api_representation(self, value, context=None):
        resolver = (context or {}).get("resolver")
        documents = [doc for doc in value.get("documents") or [] if doc is not None]
        return {
            "heading": value.get("heading", ""),
            "documents": [
                resolver.document(doc) if resolver is not None else doc.pk for doc in documents
            ],
        }


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, label=_("Heading"))
    text = blocks.TextBlock(required=False, label=_("Text"))
    button_label = blocks.CharBlock(max_length=60, label=_("Button text"))
    page = blocks.PageChooserBlock(required=False, label=_("Page"))
    url = blocks.URLBlock(required=False, label=_("External URL"))

    api_schema = obj(
        {
            "title": STRING,
            "text": STRING,
            "button_label": STRING,
            "page": nullable(ref("PageLink")),
            "url": STRING,
        }
    )

    class Meta:
        icon = "pick"
        label = _("Call to action")

    def render_basic(self, value, context=None):
        """HTML views: a button to a draft or restricted page is left out."""
        page = value.get("page")
        target = page.url if page is not None and is_public_page(page) else value.get("url")
        button = format_html('<a href="{}">{}</a>', target, value["button_label"]) if target else ""
        return format_html(
            "<section><h3>{}</h3><p>{}</p>{}</section>", value["title"], value["text"], button
        )

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose either a page or a URL."))}
            )
        return value

    def get_api_representation(self, value, context=None):
        resolver = (context or {}).get("resolver")
        page = value.get("page")
        if resolver is not None:
            page = resolver.page(page)
        elif page is not None:
            page = page.pk
        return {
            "title": value.get("title", ""),
            "text": value.get("text", ""),
            "button_label": value.get("button_label", ""),
            "page": page,
            "url": value.get("url") or "",
        }


class ContactCardBlock(blocks.StructBlock):
    person = SnippetChooserBlock("cms.Person", label=_("Person"))
    note = blocks.CharBlock(required=False, max_length=200, label=_("Comment"))

    api_schema = obj({"person": nullable(ref("Person")), "note": STRING})

    class Meta:
        icon = "user"
        label = _("Contact card")

    def get_api_representation(self, value, context=None):
        person = value.get("person")
        resolver = (context or {}).get("resolver")
        if resolver is not None:
            return {"person": resolver.person(person), "note": value.get("note", "")}
        return {
            "person": person.api_summary() if person else None,
            "note": value.get("note", ""),
        }


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"), icon="pilcrow")
    image = ImageBlock()
    quote = QuoteBlock()
    video = VideoEmbedBlock()
    documents = DocumentListBlock()
    call_to_action = CallToActionBlock()
    contact = ContactCardBlock()
