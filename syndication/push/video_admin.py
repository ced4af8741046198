"""The video targets in the Wagtail admin: today's YouTube quota spend and the updates that
wait for it (a report page and a dashboard panel). Imported by ``syndication.wagtail_hooks``
so Wagtail registers the hooks below."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from . import quota
from .models import PushDelivery, PushTarget, TargetKind

PERMISSION = "syndication.change_pushtarget"


def quota_days(now=None) -> list[quota.QuotaDay]:
    now = now or timezone.now()
    return [quota.today(t, now) for t in PushTarget.objects.filter(kind=TargetKind.YOUTUBE)]


def video_quota(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    waiting = list(
        PushDelivery.objects.pending()
        .filter(target__kind=TargetKind.YOUTUBE)
        .select_related("target")
        .order_by("next_attempt_at")[:200]
    )
    titles = dict(
        Page.objects.filter(pk__in={d.page_id for d in waiting}).values_list("pk", "title")
    )
    rows = [(d, titles.get(d.page_id, f"#{d.page_id}")) for d in waiting]
    return render(
        request,
        "syndication/push/video_quota.html",
        {"days": quota_days(), "rows": rows},
    )


class QuotaPanel(Component):
    name = "youtube_quota"
    order = 92
    template_name = "syndication/push/video_quota_panel.html"

    def __init__(self, days):
        self.days = days

    def get_context_data(self, parent_context=None):
        return {"days": self.days, "url": reverse("syndication_video_quota")}


@hooks.register("register_admin_urls")
def register_video_admin_urls():
    return [path("syndication/video-quota/", video_quota, name="syndication_video_quota")]


class QuotaMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_reports_menu_item")
def register_quota_menu_item():
    return QuotaMenuItem(
        _("YouTube quota"), reverse("syndication_video_quota"), icon_name="time", order=700
    )


@hooks.register("construct_homepage_panels")
def add_quota_panel(request, panels):
    if not request.user.has_perm(PERMISSION):
        return
    days = quota_days()
    if days:
        panels.append(QuotaPanel(days))
