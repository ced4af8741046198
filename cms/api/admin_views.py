"""The API's admin screens: API keys (the secret shown once), the readers' feedback report (with
deleting one entry, or every entry older than a date) and the headless preview redirect.

Registered in ``cms/wagtail_hooks.py``, the only module that wires the cms app into the
admin (Wagtail discovers hooks only in app modules named ``wagtail_hooks``).
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from ..models import SCOPES, ApiKey, PageFeedback
from .preview import frontend_preview_url


class ApiKeyForm(WagtailAdminModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=SCOPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiKey
        fields = ["name", "scopes", "rate_limit_per_minute", "revoked_at"]


class ApiKeyCreateView(CreateView):
    """Creates the key and shows its secret once; only the hash is kept."""

    def save_instance(self):
        instance = self.form.save(commit=False)
        self.secret = instance.set_new_secret()
        instance.created_by = self.request.user
        instance.save()
        return instance

    def form_valid(self, form):
        self.form = form
        with transaction.atomic():
            self.object = self.save_instance()
        response = TemplateResponse(
            self.request,
            "cms/api/key_created.html",
            {"key": self.object, "secret": self.secret, "index_url": reverse("api_keys:index")},
        )
        response["Cache-Control"] = "no-store"
        return response


class ApiKeyViewSet(ModelViewSet):
    model = ApiKey
    form_class = ApiKeyForm
    add_view_class = ApiKeyCreateView
    icon = "key"
    menu_label = _("API keys")
    add_to_settings_menu = True
    name = "api_keys"
    list_display = [
        "name",
        "prefix",
        "scopes",
        "rate_limit_per_minute",
        "last_used_at",
        "revoked_at",
    ]

    def get_form_class(self, for_update=False):
        return ApiKeyForm


api_key_viewset = ApiKeyViewSet()


class DeleteOlderForm(forms.Form):
    before = forms.DateField(
        label=_("Delete all feedback from before"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def feedback_report(request):
    """Per page: how many readers found it useful, and the latest comments."""
    if not request.user.has_perm("cms.view_pagefeedback"):
        raise PermissionDenied
    pages = (
        Page.objects.filter(api_feedback__isnull=False)
        .annotate(
            yes=Count("api_feedback", filter=Q(api_feedback__useful=True)),
            no=Count("api_feedback", filter=Q(api_feedback__useful=False)),
        )
        .order_by("-no", "-yes", "title")
    )
    rows = []
    for page in pages:
        comments = PageFeedback.objects.filter(page=page).exclude(comment="")[:5]
        rows.append({"page": page, "yes": page.yes, "no": page.no, "comments": comments})
    return TemplateResponse(
        request,
        "cms/api/feedback_report.html",
        {
            "rows": rows,
            "can_delete": request.user.has_perm("cms.delete_pagefeedback"),
            "older_form": DeleteOlderForm(),
        },
    )


def _may_delete_feedback(request) -> None:
    if not request.user.has_perm("cms.delete_pagefeedback"):
        raise PermissionDenied


@require_POST
def feedback_delete(request, pk: int):
    """Delete one reader's answer (an abusive or personal comment, say)."""
    _may_delete_feedback(request)
    get_object_or_404(PageFeedback, pk=pk).delete()
    messages.success(request, _("The feedback was deleted."))
    return redirect("kanal_feedback_report")


@require_POST
def feedback_delete_older(request):
    """Delete every answer given before a date (midnight, in the site's time zone)."""
    _may_delete_feedback(request)
    form = DeleteOlderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date, for example 2026-01-31."))
        return redirect("kanal_feedback_report")
    before = timezone.make_aware(datetime.combine(form.cleaned_data["before"], time.min))
    count, _by_model = PageFeedback.objects.filter(created_at__lt=before).delete()
    messages.success(
        request,
        ngettext(
            "%(count)d answer from before %(date)s was deleted.",
            "%(count)d answers from before %(date)s were deleted.",
            count,
        )
        % {"count": count, "date": form.cleaned_data["before"].isoformat()},
    )
    return redirect("kanal_feedback_report")


def headless_preview(request, page_id: int):
    """Sign a preview token for the page's latest revision and open the front end with it."""
    page = get_object_or_404(Page, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    revision = page.latest_revision
    if revision is None:  # previewing must not write: ask the editor to save a draft
        messages.warning(
            request, _("Save the page as a draft first; the preview shows the latest draft.")
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    response = redirect(frontend_preview_url(page, revision))
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
