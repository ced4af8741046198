"""What every content page shares: themes, tags, review date and reviewer, organisation unit,
search fields, admin panels, and the external fields that follow from them."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from ..representation import fields
from ..representation.schema import STRING, nullable, ref


def _reviewed_by(page, resolver) -> str | None:
    user = page.last_reviewed_by
    return (user.get_full_name() or None) if user else None


def _organisation_unit(page, resolver) -> dict | None:
    """The page's own unit, else the unit of the site it belongs to (its home page's)."""
    unit = page.organisation_unit if page.organisation_unit_id else resolver.site_unit(page)
    return unit.external_representation() if unit else None


class KanalPage(Page):
    """Abstract base of the content pages (articles, videos, programs).

    Subclasses add ``tags`` (a ``ClusterTaggableManager`` with their own through model, as
    django-taggit requires one concrete ``content_object`` per through model).
    """

    themes = ParentalManyToManyField(
        "themes.Theme", blank=True, related_name="+", verbose_name=_("themes")
    )
    last_reviewed_at = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("The date the content was last checked. Keep it current."),
    )
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    organisation_unit = models.ForeignKey(
        "cms.OrganisationUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation unit"),
        help_text=_("Leave empty for the site's organisation unit."),
    )

    taxonomy_panels = [
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
    ]
    review_panel = MultiFieldPanel(
        [FieldPanel("last_reviewed_at"), FieldPanel("last_reviewed_by")],
        heading=_("Review"),
    )
    organisation_panel = FieldPanel("organisation_unit")

    # Every content page type ends its ``external_fields`` with these (``last_reviewed_at``
    # is one of the fields every page has, ``cms.representation.pages.COMMON_FIELDS``).
    external_fields = [
        fields.Computed(
            "reviewed_by",
            nullable(STRING),
            get=_reviewed_by,
            select_related=("last_reviewed_by",),
        ),
        fields.Computed(
            "organisation_unit",
            nullable(ref("OrganisationUnit")),
            get=_organisation_unit,
            select_related=("organisation_unit",),
        ),
    ]

    search_fields = [
        *Page.search_fields,
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("last_reviewed_at"),
    ]

    class Meta:
        abstract = True

    def get_template(self, request, *args, **kwargs):
        # One generic template: Kanal is headless and this view exists for preview only.
        return "cms/page.html"
