"""The pull side's admin forms: the source form (whatever the editor pastes is resolved to a
feed URL when saved) and the OPML import form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Page

from cms.models import ArticleIndexPage, VideoIndexPage

from .discovery import DiscoveryError, discover, resolve_offline
from .models import ImportPolicy, Source


class SourceForm(WagtailAdminModelForm):
    class Meta:
        model = Source
        fields = [
            "name", "url", "index_page", "policy", "default_themes", "default_tags",
            "poll_interval", "active",
        ]  # fmt: skip
        widgets = {"default_themes": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("url")
        if not url or self.errors:
            return cleaned
        if self.instance.pk and url == self.instance.url and self.instance.feed_url:
            return cleaned
        resolved = resolve_offline(url)
        if resolved is None:
            try:
                resolved = discover(url)
            except DiscoveryError as exc:
                raise forms.ValidationError({"url": str(exc)}) from exc
        self.instance.kind, self.instance.feed_url = resolved.kind, resolved.feed_url
        return cleaned

    def clean_poll_interval(self):
        value = self.cleaned_data["poll_interval"]
        if value < 5:
            raise forms.ValidationError(_("Fetch at most every five minutes."))
        return value


class OPMLImportForm(forms.Form):
    file = forms.FileField(label=_("OPML file"))
    index_page = forms.ModelChoiceField(queryset=Page.objects.none(), label=_("Import into"))
    policy = forms.ChoiceField(choices=ImportPolicy.choices, label=_("On import"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["index_page"].queryset = Page.objects.type(ArticleIndexPage, VideoIndexPage)
