"""Admin wiring of syndication: the Sources menu, the dashboard panel, admin URLs."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views
from .admin_forms import SourceForm
from .models import ImportedItem, Source


class HealthColumn(Column):
    cell_template_name = "syndication/admin/health_cell.html"

    def get_value(self, instance):
        return instance


class SourceViewSet(ModelViewSet):
    model = Source
    icon = "link-external"
    menu_label = _("Källor")
    menu_order = 280
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = [
        "name",
        "kind",
        HealthColumn("health", label=_("Status")),
        DateColumn("last_polled_at", label=_("Senast hämtad")),
        DateColumn("next_poll_at", label=_("Nästa hämtning")),
        "imported_count",
        "error_count",
    ]
    list_filter = ["kind", "active", "policy"]

    def get_form_class(self, for_update=False):
        return SourceForm


source_viewset = SourceViewSet("syndication_source")


@hooks.register("register_admin_viewset")
def register_source_viewset():
    return source_viewset


class SourcesPanel(Component):
    """Dashboard: every source's status, with "Poll now"."""

    template_name = "syndication/admin/sources_panel.html"
    order = 205

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        sources = list(Source.objects.select_related(None).order_by("-error_count", "name")[:50])
        edited = ImportedItem.objects.filter(locally_edited=True).count()
        return {
            "sources": sources,
            "locally_edited": edited,
            "request": self.request,
            "csrf_token": parent_context.get("csrf_token"),
            "next": reverse("wagtailadmin_home"),
        }


@hooks.register("construct_homepage_panels")
def add_sources_panel(request, panels):
    if request.user.has_perm("syndication.view_source"):
        panels.append(SourcesPanel(request))


@hooks.register("register_admin_urls")
def register_syndication_admin_urls():
    return [
        path("syndication/sources/<int:pk>/poll/", admin_views.poll_now,
             name="syndication_poll_now"),
        path("syndication/sources/<int:pk>/items/", admin_views.imported_items,
             name="syndication_imported_items"),
        path("syndication/opml/export/", admin_views.opml_export, name="syndication_opml_export"),
        path("syndication/opml/import/", admin_views.opml_import, name="syndication_opml_import"),
    ]  # fmt: skip
