"""Where the page went, in Wagtail's page editor: a side panel beside Status, Preview and
Checks (``wagtail.admin.ui.side_panels`` conventions: a ``BaseSidePanel`` with its toggle).

Wagtail 8 has no hook that adds a side panel; it builds them in the page ``EditView``'s
``get_side_panels()``. Its supported extension point is the per-page-type ``PageViewSet``
(``edit_view_class``) registered with the ``register_admin_viewset`` hook: every request for
``/admin/pages/<id>/edit/`` is routed to the viewset registered for that page's type. So
``SyndicatedPageViewSet`` is registered for each content page type (the ``KanalPage``
subclasses) with an ``EditView`` that appends ``SyndicationSidePanel`` — no monkeypatching.
It claims no parent models, so the page explorer's listings stay Wagtail's own.

The panel lists every push target with this page's record: status, the remote post's link,
the last error, the next attempt of a push still retrying, and "Push again" (which retries a
push that was given up, ``delivery.retry_failed``, or pushes the live page again); below, the
page's "do not syndicate" switch. Its toggle counts failed pushes, so an editor sees a problem
without opening the panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.side_panels import BaseSidePanel
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.viewsets.pages import PageViewSet

from cms.models.base import KanalPage

from .models import PushDelivery, PushOptOut, PushTarget, RecordStatus, SyndicationRecord


@dataclass(frozen=True)
class TargetRow:
    target: PushTarget
    record: SyndicationRecord | None
    next_attempt_at: datetime | None  # of a push still retrying

    @property
    def failed(self) -> bool:
        return self.record is not None and self.record.status == RecordStatus.FAILED


def syndication_rows(page_id: int) -> list[TargetRow]:
    """Every target with this page's record and pending retry (four queries in all)."""
    records = {r.target_id: r for r in SyndicationRecord.objects.filter(page_id=page_id)}
    retrying: dict[int, datetime] = {}
    for target_id, when in (
        PushDelivery.objects.pending()
        .filter(page_id=page_id, attempts__gt=0)
        .order_by("next_attempt_at")
        .values_list("target_id", "next_attempt_at")
    ):
        retrying.setdefault(target_id, when)
    return [
        TargetRow(target, records.get(target.pk), retrying.get(target.pk))
        for target in PushTarget.objects.all()
    ]


class SyndicationSidePanel(BaseSidePanel):
    class SidePanelToggle(BaseSidePanel.SidePanelToggle):
        aria_label = _("Show syndication")
        icon_name = "upload"
        counter_classname = "w-bg-critical-200"

        def get_context_data(self, parent_context):
            context = super().get_context_data(parent_context)
            context["count"] = sum(row.failed for row in self.panel.rows)
            return context

    name = "syndication"
    title = _("Syndication")
    template_name = "syndication/push/side_panel.html"
    order = 250  # after Status (100), before Comments (300) and Checks (350)

    @cached_property
    def rows(self) -> list[TargetRow]:
        return syndication_rows(self.object.pk)

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = self.object
        context.update(
            rows=self.rows,
            opted_out=PushOptOut.objects.filter(page_id=page.pk).exists(),
            next_url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
            csrf_token=parent_context.get("csrf_token"),
        )
        return context


class SyndicationEditView(EditView):
    def get_side_panels(self):
        side_panels = super().get_side_panels()
        if not self.expects_json_response:
            side_panels.append(SyndicationSidePanel(self.page, self.request))
        return side_panels


class SyndicatedPageViewSet(PageViewSet):
    edit_view_class = SyndicationEditView

    @cached_property
    def parent_models(self):
        return []  # routing of the edit view only; the explorer's listings stay Wagtail's


def syndicated_page_models() -> list[type]:
    """The content page types (concrete ``KanalPage`` subclasses): what push targets carry."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, KanalPage) and not model._meta.abstract
    ]


def page_viewsets() -> list[SyndicatedPageViewSet]:
    return [
        SyndicatedPageViewSet(
            f"syndicated_{model._meta.app_label}_{model._meta.model_name}", model=model
        )
        for model in syndicated_page_models()
    ]
