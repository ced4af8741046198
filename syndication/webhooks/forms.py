from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import get_page_models

from cms.events import EventType
from themes.models import Theme


def page_type_choices():
    return sorted(
        (model._meta.label, str(model._meta.verbose_name).capitalize())
        for model in get_page_models()
        if model._meta.app_label == "cms"
    )


class WebhookEndpointForm(WagtailAdminModelForm):
    event_types = forms.MultipleChoiceField(
        label=_("Event types"),
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen = all types."),
    )
    page_types = forms.MultipleChoiceField(
        label=_("Page types"),
        choices=page_type_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen = all page types."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen = all themes."),
    )


class ReplayForm(forms.Form):
    since = forms.DateTimeField(
        label=_("Resend every event since"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
