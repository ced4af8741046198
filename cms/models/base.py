"""What every content page shares: themes, tags, review date, search fields, admin panels."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index


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

    taxonomy_panels = [
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
    ]
    review_panel = MultiFieldPanel(
        [FieldPanel("last_reviewed_at"), FieldPanel("last_reviewed_by")],
        heading=_("Review"),
    )

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
