"""Theme and ThemeAlias.

A ``Theme`` is one development area. A ``ThemeAlias`` maps an external label (a feed
category, a hashtag, an abbreviation such as "SKUA") onto a theme; labels are matched on
their normalised form (see ``themes.labels``), so case and accents do not matter.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.search import index

from .labels import normalise_label

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Ange en färg som #RRGGBB, till exempel #1f6f8b.")
)


class ThemeQuerySet(models.QuerySet):
    def resolve(self, label: str) -> Theme | None:
        """The theme a label stands for: its own name or slug, else one of its aliases."""
        key = normalise_label(label)
        if not key:
            return None
        alias = ThemeAlias.objects.select_related("theme").filter(normalised=key).first()
        if alias is not None:
            return alias.theme
        for theme in self.only("pk", "name", "slug"):
            if key in (normalise_label(theme.name), normalise_label(theme.slug)):
                return theme
        return None


class Theme(index.Indexed, ClusterableModel):
    name = models.CharField(_("namn"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=False)
    description = models.TextField(_("beskrivning"), blank=True)
    colour = models.CharField(_("färg"), max_length=7, default="#1f6f8b", validators=[hex_colour])
    icon = models.CharField(
        _("ikon"), max_length=40, default="tag", help_text=_("Namn på en Wagtail-ikon.")
    )
    sort_order = models.PositiveIntegerField(_("sorteringsordning"), default=0, db_index=True)

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
        verbose_name = _("tema")
        verbose_name_plural = _("teman")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)


class ThemeAlias(index.Indexed, models.Model):
    theme = ParentalKey(Theme, on_delete=models.CASCADE, related_name="aliases")
    label = models.CharField(
        _("etikett"),
        max_length=120,
        help_text=_("En extern etikett, t.ex. ”SKUA” eller ”språkutveckling”."),
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
        verbose_name = _("temaalias")
        verbose_name_plural = _("temaalias")

    def __str__(self) -> str:
        return f"{self.label} → {self.theme}"

    def save(self, *args, **kwargs):
        self.normalised = normalise_label(self.label)
        super().save(*args, **kwargs)

    def clean(self):
        self.normalised = normalise_label(self.label)
        if not self.normalised:
            raise ValidationError({"label": _("Etiketten får inte vara tom.")})
        clash = ThemeAlias.objects.filter(normalised=self.normalised).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError(
                {"label": _("Etiketten används redan för temat ”%s”.") % clash.first().theme}
            )
