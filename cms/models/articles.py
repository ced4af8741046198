"""Articles: news, reports and blog posts, written here or imported by syndication."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import ArticleBodyBlock
from ..representation import fields
from ..representation.schema import STRING
from .base import KanalPage
from .home import IndexPage


class ArticleIndexPage(IndexPage):
    subpage_types = ["cms.ArticlePage"]

    class Meta:
        verbose_name = _("article index")
        verbose_name_plural = _("article indexes")


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class OriginMixin(models.Model):
    """Where an imported page came from. Written only by syndication; read-only for editors."""

    origin_source = models.CharField(_("source"), max_length=255, blank=True)
    origin_url = models.URLField(_("original URL"), max_length=2000, blank=True)

    origin_panel = MultiFieldPanel(
        [FieldPanel("origin_source", read_only=True), FieldPanel("origin_url", read_only=True)],
        heading=_("Origin (imported content)"),
        classname="collapsed",
    )

    class Meta:
        abstract = True

    @property
    def is_imported(self) -> bool:
        return bool(self.origin_url)


class ArticlePage(OriginMixin, KanalPage):
    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True, verbose_name=_("body"))
    author = models.ForeignKey(
        "cms.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    author_name = models.CharField(
        _("author name"),
        max_length=200,
        blank=True,
        help_text=_("Used when the author is not a person in Kanal (e.g. imported posts)."),
    )
    publication_date = models.DateTimeField(_("publication date"), default=timezone.now)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))

    parent_page_types = ["cms.ArticleIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("author"), FieldPanel("author_name"), FieldPanel("publication_date")],
            heading=_("Byline"),
        ),
        *KanalPage.taxonomy_panels,
        KanalPage.organisation_panel,
        KanalPage.review_panel,
        OriginMixin.origin_panel,
    ]
    search_fields = [
        *KanalPage.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("publication_date"),
        index.FilterField("origin_url"),
    ]
    external_fields = [
        fields.Value("intro", STRING),
        fields.Stream("body", component="ArticleBodyBlock"),
        fields.Person("author"),
        fields.Value("author_name", STRING),
        fields.DateTime("publication_date"),
        *KanalPage.external_fields,
    ]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-publication_date"]
