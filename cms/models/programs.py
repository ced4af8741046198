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
    ("preschool", _("Förskola")),
    ("preschool_class", _("Förskoleklass")),
    ("compulsory", _("Grundskola")),
    ("upper_secondary", _("Gymnasieskola")),
    ("adult", _("Vuxenutbildning")),
    ("special_needs", _("Anpassad skola")),
    ("after_school", _("Fritidshem")),
    ("principals", _("Rektorer och förskolechefer")),
    ("student_health", _("Elevhälsa")),
]

FORMATS = [
    ("network", _("Nätverk")),
    ("development_group", _("Utvecklingsgrupp")),
    ("focus_group", _("Fokusgrupp")),
    ("lecture_series", _("Föreläsningsserie")),
    ("conference", _("Konferens")),
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
        verbose_name = _("programarkiv")
        verbose_name_plural = _("programarkiv")


class ProgramPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.ProgramPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ProgramPage(KanalPage):
    summary = models.TextField(_("sammanfattning"), max_length=800)
    goals = RichTextField(_("mål"), blank=True, features=RICH_TEXT_FEATURES)
    target_audience = MultipleChoiceField(_("målgrupp"), choices_list=AUDIENCES)
    format = models.CharField(_("form"), max_length=30, choices=FORMATS)
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(
        _("slutdatum"),
        null=True,
        blank=True,
        help_text=_("Lämna tomt om programmet löper tills vidare."),
    )
    tags = ClusterTaggableManager(through=ProgramPageTag, blank=True, verbose_name=_("taggar"))

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
            heading=_("Upplägg"),
        ),
        InlinePanel("meetings", label=_("Träffar"), heading=_("Träffar")),
        InlinePanel("materials", label=_("Material"), heading=_("Material att ladda ner")),
        InlinePanel("contacts", label=_("Kontaktperson"), heading=_("Kontaktpersoner")),
        InlinePanel(
            "related_pages", label=_("Relaterad sida"), heading=_("Relaterade artiklar och videor")
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
        verbose_name_plural = _("program")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Slutdatum kan inte ligga före startdatum.")})


class ProgramMeeting(Orderable):
    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("datum och tid"))
    place = models.CharField(_("plats"), max_length=255)
    topic = models.CharField(_("tema för träffen"), max_length=255)
    # A cancelled meeting stays in the calendars as STATUS:CANCELLED (RFC 5545 §3.8.1.11), so
    # a subscriber's calendar drops it instead of keeping a meeting that silently vanished.
    cancelled = models.BooleanField(
        _("inställd"),
        default=False,
        help_text=_(
            "Markera i stället för att ta bort träffen, så att kalendrarna visar den som inställd."
        ),
    )

    panels = [
        FieldPanel("starts_at"),
        FieldPanel("place"),
        FieldPanel("topic"),
        FieldPanel("cancelled"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("träff")
        verbose_name_plural = _("träffar")


class ProgramMaterial(Orderable):
    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="materials")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("dokument"),
    )
    title = models.CharField(
        _("titel"), max_length=255, blank=True, help_text=_("Lämna tomt för dokumentets titel.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("material")

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
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")


class ProgramRelatedPage(Orderable):
    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="related_pages")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("sida")
    )

    panels = [PageChooserPanel("page", ["cms.ArticlePage", "cms.VideoPage"])]

    class Meta(Orderable.Meta):
        verbose_name = _("relaterad sida")
        verbose_name_plural = _("relaterade sidor")

    def clean(self):
        super().clean()
        if self.page_id and self.page.specific_class.__name__ not in ("ArticlePage", "VideoPage"):
            raise ValidationError({"page": _("Välj en artikel eller en video.")})
