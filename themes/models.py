"""Theme and ThemeAlias.

A ``Theme`` is one development area. A ``ThemeAlias`` maps an external label (a feed
category, a hashtag, an abbreviation such as "SKUA") onto a theme; labels are matched on
their normalised form (see ``themes.labels``), so case and accents do not matter.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Page
from wagtail.search import index

from .labels import normalise_label

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Give a colour as #RRGGBB, for example #1f6f8b.")
)


class ThemeQuerySet(models.QuerySet):
    """The one home of two rules other apps share: which theme a label stands for
    (``label_map``, ``resolve``) and which pages carry a theme (``pages_condition``)."""

    def label_map(self) -> dict[str, Theme]:
        """Every normalised label that names a theme -> the theme, in two queries.

        A theme answers to its name and its slug (the first theme in sort order wins a
        clash); an alias (``ThemeAlias``) overrides both. Imports load this once per poll.
        """
        themes: dict[str, Theme] = {}
        for theme in self.only("pk", "name", "slug"):
            themes.setdefault(normalise_label(theme.name), theme)
            themes.setdefault(normalise_label(theme.slug), theme)
        for alias in ThemeAlias.objects.filter(theme__in=self).select_related("theme"):
            themes[alias.normalised] = alias.theme
        themes.pop("", None)
        return themes

    def resolve(self, label: str) -> Theme | None:
        """The theme a label stands for (see ``label_map``), or None."""
        key = normalise_label(label)
        return self.label_map().get(key) if key else None

    def pages_condition(self) -> Q:
        """A condition on ``wagtailcore.Page``: pages that carry any theme of this queryset.

        Every page type with a many-to-many field to ``Theme`` counts, found through the app
        registry, so the API filter and cache invalidation agree without this app naming
        ``cms``'s page types (``themes`` imports nothing of Kanal's).
        """
        theme_ids = self.values("pk")
        condition = Q(pk__in=[])
        for field in _page_theme_fields():
            through = field.remote_field.through
            pages = through.objects.filter(
                **{f"{field.m2m_reverse_field_name()}__in": theme_ids}
            ).values(field.m2m_field_name())
            condition |= Q(pk__in=pages)
        return condition


def _page_theme_fields() -> list[models.ManyToManyField]:
    return [
        field
        for model in apps.get_models()
        if issubclass(model, Page)
        for field in model._meta.local_many_to_many
        if field.related_model is Theme
    ]


class Theme(index.Indexed, ClusterableModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=False)
    description = models.TextField(_("description"), blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#1f6f8b", validators=[hex_colour])
    icon = models.CharField(
        _("icon"), max_length=40, default="tag", help_text=_("Name of a Wagtail icon.")
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0, db_index=True)

    objects = ThemeQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("colour"),
        FieldPanel("icon"),
        InlinePanel("aliases", label=_("Alias")),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("slug"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)


class ThemeAlias(index.Indexed, models.Model):
    theme = ParentalKey(Theme, on_delete=models.CASCADE, related_name="aliases")
    label = models.CharField(
        _("label"),
        max_length=120,
        help_text=_("An external label, e.g. “SKUA” or “language development”."),
    )
    normalised = models.CharField(max_length=120, unique=True, editable=False)

    panels = [FieldPanel("theme"), FieldPanel("label")]
    search_fields = [
        index.SearchField("label"),
        index.AutocompleteField("label"),
        index.RelatedFields("theme", [index.SearchField("name")]),
    ]

    class Meta:
        ordering = ["theme__sort_order", "label"]
        verbose_name = _("theme alias")
        verbose_name_plural = _("theme aliases")

    def __str__(self) -> str:
        return f"{self.label} → {self.theme}"

    def save(self, *args, **kwargs):
        self.normalised = normalise_label(self.label)
        super().save(*args, **kwargs)

    def clean(self):
        self.normalised = normalise_label(self.label)
        if not self.normalised:
            raise ValidationError({"label": _("The label must not be empty.")})
        clash = ThemeAlias.objects.filter(normalised=self.normalised).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError(
                {"label": _("The label is already used for the theme “%s”.") % clash.first().theme}
            )
