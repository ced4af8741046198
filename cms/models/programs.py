"""Programs: multi-year professional-development efforts with meetings, material and contacts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..blocks import RICH_TEXT_FEATURES
from ..representation import fields, urls
from ..representation.schema import BOOLEAN, DATE, DATETIME, STRING, URL, array, nullable, obj, ref
from .base import KanalPage
from .fields import MultipleChoiceField
from .home import IndexPage

AUDIENCES = [
    ("preschool", _("Preschool")),
    ("preschool_class", _("Preschool class")),
    ("compulsory", _("Compulsory school")),
    ("upper_secondary", _("Upper secondary school")),
    ("adult", _("Adult education")),
    ("special_needs", _("Adapted school")),
    ("after_school", _("School-age educare")),
    ("principals", _("Principals and preschool heads")),
    ("student_health", _("Student health")),
]

FORMATS = [
    ("network", _("Network")),
    ("development_group", _("Development group")),
    ("focus_group", _("Focus group")),
    ("lecture_series", _("Lecture series")),
    ("conference", _("Conference")),
]


MEETING_SCHEMA = obj(
    {"starts_at": DATETIME, "place": STRING, "topic": STRING, "cancelled": BOOLEAN}
)


def _meetings(page: ProgramPage, resolver) -> list[dict]:
    meetings = sorted(page.meetings.all(), key=lambda m: (m.sort_order or 0, m.pk or 0))
    return [
        {
            "starts_at": fields.iso(m.starts_at),
            "place": m.place,
            "topic": m.topic,
            "cancelled": m.cancelled,
        }
        for m in meetings
    ]


def _calendar_url(page: ProgramPage, resolver) -> str:
    """The program's meetings as iCalendar, served by syndication's feeds."""
    return urls.base_url() + urls.meetings_calendar_path(page.slug, page.locale.language_code)


def _materials(page: ProgramPage, resolver) -> list[dict]:
    documents = (
        resolver.document(resolver.documents.get(material.document_id), material.title)
        for material in page.materials.all()
    )
    return [document for document in documents if document is not None]


def _contacts(page: ProgramPage, resolver) -> list[dict]:
    people = (resolver.person(contact.person_id) for contact in page.contacts.all())
    return [person for person in people if person is not None]


def _related_pages(page: ProgramPage, resolver) -> list[dict]:
    links = (resolver.page(related.page_id) for related in page.related_pages.all())
    return [link for link in links if link is not None]


class ProgramIndexPage(IndexPage):
    subpage_types = ["cms.ProgramPage"]

    class Meta:
        verbose_name = _("program index")
        verbose_name_plural = _("program indexes")


class ProgramPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.ProgramPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ProgramPage(KanalPage):
    summary = models.TextField(_("summary"), max_length=800)
    goals = RichTextField(_("goals"), blank=True, features=RICH_TEXT_FEATURES)
    target_audience = MultipleChoiceField(_("target audience"), choices_list=AUDIENCES)
    format = models.CharField(_("format"), max_length=30, choices=FORMATS)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the program runs until further notice."),
    )
    tags = ClusterTaggableManager(through=ProgramPageTag, blank=True, verbose_name=_("tags"))

    parent_page_types = ["cms.ProgramIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("goals"),
        MultiFieldPanel(
            [
                FieldPanel("target_audience"),
                FieldPanel("format"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            ],
            heading=_("Structure"),
        ),
        InlinePanel("meetings", label=_("Meetings"), heading=_("Meetings")),
        InlinePanel("materials", label=_("Material"), heading=_("Material to download")),
        InlinePanel("contacts", label=_("Contact person"), heading=_("Contact persons")),
        InlinePanel(
            "related_pages", label=_("Related page"), heading=_("Related articles and videos")
        ),
        *KanalPage.taxonomy_panels,
        KanalPage.organisation_panel,
        KanalPage.review_panel,
    ]
    search_fields = [
        *KanalPage.search_fields,
        index.SearchField("summary"),
        index.SearchField("goals"),
        index.FilterField("format"),
        index.FilterField("start_date"),
    ]
    external_fields = [
        fields.Value("summary", STRING),
        fields.RichText("goals"),
        fields.Choices("target_audience", choices=tuple(AUDIENCES)),
        fields.Choice("format", choices=tuple(FORMATS)),
        fields.Date("start_date"),
        fields.Date("end_date", nullable(DATE)),
        fields.Computed(
            "meetings",
            array(ref("Meeting")),
            get=_meetings,
            prefetch_related=("meetings",),
            extra_components=(("Meeting", MEETING_SCHEMA),),
        ),
        fields.Computed("calendar_url", URL, get=_calendar_url),
        fields.Computed(
            "materials",
            array(ref("Document")),
            get=_materials,
            refs=lambda page: (("document", m.document_id) for m in page.materials.all()),
            prefetch_related=("materials",),
        ),
        fields.Computed(
            "contacts",
            array(ref("Person")),
            get=_contacts,
            refs=lambda page: ((fields.PERSON_KEY, c.person_id) for c in page.contacts.all()),
            prefetch_related=("contacts",),
        ),
        fields.Computed(
            "related_pages",
            array(ref("PageLink")),
            get=_related_pages,
            refs=lambda page: (("page", r.page_id) for r in page.related_pages.all()),
            prefetch_related=("related_pages",),
        ),
        *KanalPage.external_fields,
    ]

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class ProgramMeeting(Orderable):
    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=255)
    topic = models.CharField(_("topic of the meeting"), max_length=255)
    # A cancelled meeting stays in the calendars as STATUS:CANCELLED (RFC 5545 §3.8.1.11), so
    # a subscriber's calendar drops it instead of keeping a meeting that silently vanished.
    cancelled = models.BooleanField(
        _("cancelled"),
        default=False,
        help_text=_(
            "Tick this instead of deleting the meeting, so that calendars show it as cancelled."
        ),
    )

    panels = [
        FieldPanel("starts_at"),
        FieldPanel("place"),
        FieldPanel("topic"),
        FieldPanel("cancelled"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")


class ProgramMaterial(Orderable):
    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="materials")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("document"),
    )
    title = models.CharField(
        _("title"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to use the document's title."),
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


class ProgramContact(Orderable):
    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(
        "cms.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")


class ProgramRelatedPage(Orderable):
    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="related_pages")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )

    panels = [PageChooserPanel("page", ["cms.ArticlePage", "cms.VideoPage"])]

    class Meta(Orderable.Meta):
        verbose_name = _("related page")
        verbose_name_plural = _("related pages")

    def clean(self):
        super().clean()
        if self.page_id and self.page.specific_class.__name__ not in ("ArticlePage", "VideoPage"):
            raise ValidationError({"page": _("Choose an article or a video.")})
