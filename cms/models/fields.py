"""A multiple-choice model field stored as a JSON list, portable across SQLite and PostgreSQL.

Django has no portable multiple-choice field (``ArrayField`` is PostgreSQL-only); a JSON list
keeps the value a list in Python, in the database and in the API.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


class MultipleChoiceField(models.JSONField):
    def __init__(self, *args, choices_list=(), **kwargs):
        self.choices_list = list(choices_list)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_list"] = self.choices_list
        if kwargs.get("default") is list:
            del kwargs["default"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = {key for key, _label in self.choices_list}
        unknown = [item for item in value or [] if item not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown choices: %(choices)s") % {"choices": ", ".join(map(str, unknown))}
            )

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.choices_list,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name.capitalize() if self.verbose_name else None,
            help_text=self.help_text,
        )
