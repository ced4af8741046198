"""Snippets: people (contact persons, authors) and organisation units."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import PreviewableMixin
from wagtail.search import index


class OrganisationUnit(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    visiting_address = models.TextField(_("visiting address"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"), blank=True, help_text=_("One line per day or period.")
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("visiting_address"), FieldPanel("postal_address")],
            heading=_("Addresses"),
        ),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("email"), FieldPanel("opening_hours")],
            heading=_("Contact"),
        ),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self) -> str:
        return self.name

    def external_representation(self) -> dict:
        """The unit as the API, event payloads and feeds show it (schema ``OrganisationUnit``)."""
        return {
            "id": self.pk,
            "name": self.name,
            "visiting_address": self.visiting_address,
            "postal_address": self.postal_address,
            "phone": self.phone,
            "email": self.email,
            "opening_hours": self.opening_hours,
        }


class Person(PreviewableMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    photo_alt_text = models.CharField(
        _("photo alt text"),
        max_length=250,
        blank=True,
        help_text=_(
            "Describe the photo for someone who cannot see it, e.g. “Anna Lind in the classroom”."
        ),
    )
    photo_decorative = models.BooleanField(
        _("photo is decorative"),
        default=False,
        help_text=_("Tick if the photo adds nothing for someone who cannot see it."),
    )
    organisation_unit = models.ForeignKey(
        OrganisationUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("organisation unit"),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("email"),
        FieldPanel("phone"),
        MultiFieldPanel(
            [FieldPanel("photo"), FieldPanel("photo_alt_text"), FieldPanel("photo_decorative")],
            heading=_("Photo"),
        ),
        FieldPanel("organisation_unit"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("role"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name

    def clean(self):
        """A photo needs alt text or an explicit "decorative" (WCAG 1.1.1), like images in
        bodies (``cms.blocks.ImageBlock``)."""
        super().clean()
        if self.photo_id and not self.photo_decorative and not self.photo_alt_text.strip():
            raise ValidationError(
                {"photo_alt_text": _("Write alt text for the photo, or mark it as decorative.")}
            )

    @property
    def photo_alt(self) -> str:
        """The photo's alt text as shown: empty when decorative."""
        if not self.photo_id or self.photo_decorative:
            return ""
        return self.photo_alt_text or self.photo.default_alt_text

    def get_preview_template(self, request, mode_name):
        return "cms/person_preview.html"

    def api_summary(self) -> dict:
        """The person as embedded in other objects' API output (contact cards, contacts)."""
        return {
            "id": self.pk,
            "name": self.name,
            "role": self.role,
            "email": self.email,
            "phone": self.phone,
            "photo": self.photo_id,
        }
