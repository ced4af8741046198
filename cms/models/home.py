"""The home page and the three index pages under it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..blocks import RICH_TEXT_FEATURES
from ..representation import fields
from ..representation.schema import STRING, nullable, ref


class HomePage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("text"), blank=True, features=RICH_TEXT_FEATURES)
    organisation_unit = models.ForeignKey(
        "cms.OrganisationUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation unit"),
        help_text=_("Shown as the sender, with address and opening hours."),
    )

    template = "cms/page.html"
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ArticleIndexPage", "cms.VideoIndexPage", "cms.ProgramIndexPage"]
    max_count_per_parent = 1
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("organisation_unit"),
    ]
    external_fields = [
        fields.Value("intro", STRING),
        fields.RichText("body"),
        fields.Computed(
            "organisation_unit",
            nullable(ref("OrganisationUnit")),
            get=lambda page, resolver: (
                page.organisation_unit.external_representation() if page.organisation_unit else None
            ),
            select_related=("organisation_unit",),
        ),
    ]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


class IndexPage(Page):
    """Abstract base of the index pages: an introduction and a list of children."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["cms.HomePage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    external_fields = [fields.Value("intro", STRING)]

    class Meta:
        abstract = True

    def get_template(self, request, *args, **kwargs):
        # One generic template: Kanal is headless and this view exists for preview only.
        return "cms/page.html"
