"""Videos: a film hosted on YouTube, Vimeo or a PeerTube instance, with its transcript."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.models import Page
from wagtail.search import index

from ..representation import fields
from ..representation.schema import BOOLEAN, INT, STRING, URL, nullable, obj, ref
from ..video_urls import PROVIDERS, UnknownVideoURL, parse_video_url
from .articles import OriginMixin
from .base import KanalPage
from .home import IndexPage

VIDEO_SCHEMA = obj(
    {
        "url": URL,
        "provider": {"enum": [key for key, _ in PROVIDERS]},
        "video_id": STRING,
        "embed_url": URL,
        "thumbnail_url": STRING,
        "duration": nullable({"type": "string", "description": "ISO 8601, e.g. PT12M30S"}),
        "duration_seconds": nullable(INT),
        "transcript": STRING,
        "has_captions": BOOLEAN,
    }
)


def video_representation(page: VideoPage, resolver) -> dict:
    return {
        "url": page.video_url,
        "provider": page.provider,
        "video_id": page.video_id,
        "embed_url": page.embed_url,
        "thumbnail_url": page.thumbnail_url,
        "duration": fields.iso_duration(page.duration),
        "duration_seconds": int(page.duration.total_seconds()) if page.duration else None,
        "transcript": page.transcript,
        "has_captions": page.has_captions,
    }


class VideoIndexPage(IndexPage):
    subpage_types = ["cms.VideoPage"]

    class Meta:
        verbose_name = _("video index")
        verbose_name_plural = _("video indexes")


class VideoPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.VideoPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class VideoPageForm(WagtailAdminPageForm):
    """Publishing a video that has neither a transcript nor captions takes a confirmation.

    WCAG 2.1 AA (1.2.2, 1.2.3) asks for captions and a text alternative for recorded video.
    Some films cannot have them yet, so this is a warning the editor must confirm, not a ban:
    the publish action (Wagtail's ``action-publish``, which also covers scheduled publishing)
    fails validation with a message on the confirmation box until it is ticked. Saving a
    draft or submitting for moderation is never blocked. The box is not a model field: every
    publish asks again.
    """

    publish_without_text_alternative = forms.BooleanField(
        required=False,
        label=_("Publish without a transcript or captions"),
        help_text=_(
            "Tick to publish anyway. Add a transcript or captions as soon as possible: without "
            "them, people who are deaf or hard of hearing, and anyone who cannot listen, cannot "
            "follow the video."
        ),
    )

    def clean(self):
        cleaned_data = super().clean()
        publishing = bool(self.data.get("action-publish"))
        has_alternative = bool((cleaned_data.get("transcript") or "").strip()) or bool(
            cleaned_data.get("has_captions")
        )
        if (
            publishing
            and not has_alternative
            and not cleaned_data.get("publish_without_text_alternative")
        ):
            self.add_error(
                "publish_without_text_alternative",
                _(
                    "The video has neither a transcript nor captions. Add a transcript, state "
                    "that the video has captions, or tick the box to publish anyway."
                ),
            )
        return cleaned_data


class VideoPage(OriginMixin, KanalPage):
    video_url = models.URLField(
        _("video URL"),
        max_length=500,
        help_text=_("Link to the video on YouTube, Vimeo or a PeerTube instance."),
    )
    # Derived from video_url in clean()/save(), never typed by editors.
    provider = models.CharField(_("service"), max_length=20, choices=PROVIDERS, editable=False)
    video_id = models.CharField(_("video id"), max_length=100, editable=False)
    embed_url = models.URLField(_("embed URL"), max_length=500, editable=False)
    thumbnail_url = models.URLField(_("thumbnail"), max_length=500, blank=True, editable=False)

    poster_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("poster image"),
    )
    duration = models.DurationField(
        _("duration"), null=True, blank=True, help_text=_("For example 00:12:30.")
    )
    description = models.TextField(_("description"), blank=True)
    transcript = models.TextField(
        _("transcript"),
        blank=True,
        help_text=_("Everything said in the video, for those who cannot listen."),
    )
    has_captions = models.BooleanField(
        _("has captions"),
        default=False,
        help_text=_("The video has captions (subtitles) on the video service."),
    )
    related_program = models.ForeignKey(
        "cms.ProgramPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="videos",
        verbose_name=_("part of program"),
    )
    publication_date = models.DateTimeField(_("publication date"), null=True, blank=True)
    tags = ClusterTaggableManager(through=VideoPageTag, blank=True, verbose_name=_("tags"))

    parent_page_types = ["cms.VideoIndexPage"]
    subpage_types: list[str] = []
    base_form_class = VideoPageForm

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("video_url"), FieldPanel("poster_image"), FieldPanel("duration")],
            heading=_("Video"),
        ),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("transcript"),
                FieldPanel("has_captions"),
                FieldPanel("publish_without_text_alternative"),
            ],
            heading=_("Accessibility"),
        ),
        PageChooserPanel("related_program", "cms.ProgramPage"),
        FieldPanel("publication_date"),
        *KanalPage.taxonomy_panels,
        KanalPage.organisation_panel,
        KanalPage.review_panel,
        OriginMixin.origin_panel,
    ]
    search_fields = [
        *KanalPage.search_fields,
        index.SearchField("description"),
        index.SearchField("transcript"),
        index.FilterField("provider"),
    ]
    external_fields = [
        fields.Computed(
            "video",
            ref("Video"),
            get=video_representation,
            extra_components=(("Video", VIDEO_SCHEMA),),
        ),
        fields.Image("poster_image"),
        fields.Value("description", STRING),
        fields.Value("transcript", STRING),
        fields.PageLink("related_program"),
        fields.DateTime("publication_date"),
        *KanalPage.external_fields,
    ]

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")

    def clean(self):
        super().clean()
        try:
            self._derive_video_fields()
        except UnknownVideoURL as exc:
            raise ValidationError({"video_url": str(exc)}) from exc

    def save(self, *args, **kwargs):
        self._derive_video_fields()
        super().save(*args, **kwargs)

    def _derive_video_fields(self) -> None:
        ref = parse_video_url(self.video_url)
        same_video = (self.provider, self.video_id) == (ref.provider, ref.video_id)
        self.provider = ref.provider
        self.video_id = ref.video_id
        self.embed_url = ref.embed_url
        # Vimeo and PeerTube thumbnails are not addressable by id: keep the one an import
        # supplied from the feed, as long as the video is the same.
        if ref.thumbnail_url or not same_video:
            self.thumbnail_url = ref.thumbnail_url
