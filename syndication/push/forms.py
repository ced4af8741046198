"""The admin form of a push target: the secret is write-only (never rendered back)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from themes.models import Theme

from ..webhooks.forms import page_type_choices
from .credentials import CredentialsError


class PushTargetForm(WagtailAdminModelForm):
    secret = forms.CharField(
        label=_("Password or token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "WordPress: an application password. Micropub: an access token. Stored encrypted "
            "and never shown again; leave empty to keep the one stored."
        ),
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

    def clean(self):
        cleaned = super().clean()
        secret = cleaned.get("secret")
        if secret:
            try:
                self.instance.set_secret(secret)
            except CredentialsError as exc:
                self.add_error("secret", str(exc))
        elif not (cleaned.get("credentials_env") or self.instance.credentials_encrypted):
            self.add_error(
                "secret", _("Enter a password/token, or an environment variable that holds it.")
            )
        if cleaned.get("kind") == "wordpress" and not cleaned.get("username"):
            self.add_error("username", _("WordPress needs the user name of the password."))
        return cleaned

    def save(self, commit=True):
        target = super().save(commit=False)
        # New credentials: the target is trusted again and its stopped pushes resume.
        if self.cleaned_data.get("secret") or "credentials_env" in self.changed_data:
            target.healthy, target.auth_failures, target.last_error = True, 0, ""
        if commit:
            target.save()
            self.save_m2m()
        return target
