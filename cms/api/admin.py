"""Admin wiring of the API: API keys, the feedback report, the headless preview button.

Loaded from ``cms/wagtail_hooks.py`` (Wagtail discovers hooks only in app modules named
``wagtail_hooks``).
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import AdminOnlyMenuItem
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.models import Page

from ..models import SCOPES, ApiKey, PageFeedback
from .preview import frontend_preview_url


class ApiKeyForm(WagtailAdminModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Behörigheter"),
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
    menu_label = _("API-nycklar")
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


def feedback_report(request):
    """Per page: how many readers found it useful, and the latest comments."""
    if not request.user.has_perm("cms.view_pagefeedback") and not request.user.is_superuser:
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
    return TemplateResponse(request, "cms/api/feedback_report.html", {"rows": rows})


def headless_preview(request, page_id: int):
    """Sign a preview token for the page's latest revision and open the front end with it."""
    page = get_object_or_404(Page, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    revision = page.latest_revision or page.save_revision(user=request.user)
    return redirect(frontend_preview_url(page, revision))


@hooks.register("register_admin_viewset")
def register_api_key_viewset():
    return api_key_viewset


@hooks.register("register_admin_urls")
def register_api_admin_urls():
    return [
        path("kanal/feedback/", feedback_report, name="kanal_feedback_report"),
        path("kanal/preview/<int:page_id>/", headless_preview, name="kanal_headless_preview"),
    ]


@hooks.register("register_reports_menu_item")
def register_feedback_report_menu_item():
    return AdminOnlyMenuItem(
        _("Återkoppling från läsare"),
        reverse("kanal_feedback_report"),
        name="kanal-feedback",
        icon_name="comment",
        order=900,
    )


@hooks.register("register_page_header_buttons")
def headless_preview_button(page, user, view_name, next_url=None):
    if page.depth > 1 and page.permissions_for_user(user).can_edit():
        yield Button(
            _("Förhandsgranska på webbplatsen"),
            reverse("kanal_headless_preview", args=[quote(page.pk)]),
            icon_name="view",
            attrs={"target": "_blank", "rel": "noopener"},
            priority=5,
        )
