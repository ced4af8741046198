"""Admin wiring for syndication: webhook endpoints and the disabled-endpoint notice (push
side); sources, the sources dashboard panel with "Poll now", imported items and OPML (pull
side)."""

from django.forms import modelform_factory
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from .pull import views as admin_views
from .pull.forms import SourceForm
from .pull.models import ImportedItem, Source
from .push import video_admin  # noqa: F401 — registers the video targets' admin hooks
from .push import views as push_views
from .push.forms import PushTargetForm
from .push.models import PushTarget
from .push.side_panel import page_viewsets
from .webhooks.forms import WebhookEndpointForm
from .webhooks.models import WebhookEndpoint
from .webhooks.views import EndpointCreateView, EndpointDeliveriesView, EndpointEditView


class StateColumn(Column):
    def get_value(self, instance):
        if not instance.active:
            return _("Disabled") if instance.disabled_at else _("Inactive")
        if instance.failing_since:
            return _("Failing since %(when)s") % {
                "when": instance.failing_since.strftime("%Y-%m-%d %H:%M")
            }
        return _("OK")


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Webhooks")
    menu_order = 800
    add_to_admin_menu = True
    url_prefix = "webhooks"
    name = "webhooks"
    form_fields = [
        "name",
        "url",
        "event_types",
        "page_types",
        "themes",
        "include_private_content",
        "active",
    ]
    list_display = ["name", "url", StateColumn("state", label=_("Status"))]
    search_fields = ["name", "url"]
    add_view_class = EndpointCreateView
    edit_view_class = EndpointEditView

    def get_form_class(self, for_update=False):
        return modelform_factory(self.model, form=WebhookEndpointForm, fields=self.form_fields)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "deliveries/<int:pk>/",
                EndpointDeliveriesView.as_view(),
                name="deliveries",
            ),
        ]


webhook_viewset = WebhookEndpointViewSet()


@hooks.register("register_admin_viewset")
def register_webhook_viewset():
    return webhook_viewset


class DisabledEndpointsPanel(Component):
    """Tells editors on the dashboard which webhooks were switched off, and why."""

    name = "disabled_webhooks"
    order = 90
    template_name = "syndication/webhooks/disabled_panel.html"

    def __init__(self, endpoints):
        self.endpoints = endpoints

    def get_context_data(self, parent_context=None):
        return {
            "endpoints": [(e, reverse("webhooks:deliveries", args=[e.pk])) for e in self.endpoints]
        }


@hooks.register("construct_homepage_panels")
def add_disabled_endpoints_panel(request, panels):
    if not request.user.has_perm("syndication.change_webhookendpoint"):
        return
    disabled = list(WebhookEndpoint.objects.filter(active=False, disabled_at__isnull=False))
    if disabled:
        panels.append(DisabledEndpointsPanel(disabled))


# -- pull: sources ----------------------------------------------------------------------
class HealthColumn(Column):
    cell_template_name = "syndication/admin/health_cell.html"

    def get_value(self, instance):
        return instance


class SourceViewSet(ModelViewSet):
    model = Source
    icon = "link-external"
    menu_label = _("Sources")
    menu_order = 280
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = [
        "name",
        "kind",
        HealthColumn("health", label=_("Status")),
        DateColumn("last_polled_at", label=_("Last polled")),
        DateColumn("next_poll_at", label=_("Next poll")),
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


# -- push: targets, the page's syndication (editor side panel), stopped targets ----------
class PushTargetViewSet(ModelViewSet):
    model = PushTarget
    icon = "upload"
    menu_label = _("Push targets")
    menu_order = 810
    add_to_admin_menu = True
    copy_view_enabled = False
    url_prefix = "push-targets"
    name = "push_targets"
    form_fields = [
        "kind",
        "name",
        "endpoint",
        "username",
        "credentials_env",
        "page_types",
        "themes",
        "tags",
        "unpublish_action",
        "active",
    ]
    list_display = ["name", "kind", "endpoint", "healthy", "active"]
    search_fields = ["name", "endpoint"]

    def get_form_class(self, for_update=False):
        return modelform_factory(self.model, form=PushTargetForm, fields=self.form_fields)


push_target_viewset = PushTargetViewSet()


@hooks.register("register_admin_viewset")
def register_push_target_viewset():
    return push_target_viewset


class UnhealthyTargetsPanel(Component):
    name = "unhealthy_push_targets"
    order = 91
    template_name = "syndication/push/unhealthy_panel.html"

    def __init__(self, targets):
        self.targets = targets

    def get_context_data(self, parent_context=None):
        return {"targets": [(t, reverse("push_targets:edit", args=[t.pk])) for t in self.targets]}


@hooks.register("construct_homepage_panels")
def add_unhealthy_targets_panel(request, panels):
    if not request.user.has_perm("syndication.change_pushtarget"):
        return
    stopped = list(PushTarget.objects.filter(healthy=False))
    if stopped:
        panels.append(UnhealthyTargetsPanel(stopped))


@hooks.register("register_admin_viewset")
def register_syndicated_page_viewsets():
    """The content page types' editor gets the syndication side panel (see push.side_panel)."""
    return page_viewsets()


@hooks.register("register_admin_urls")
def register_push_admin_urls():
    return [
        path("syndication/pages/<int:page_id>/", push_views.page_syndication,
             name="syndication_page"),
        path("syndication/pages/<int:page_id>/push/<int:target_id>/", push_views.page_push_again,
             name="syndication_page_push_again"),
        path("syndication/pages/<int:page_id>/opt-out/", push_views.page_opt_out,
             name="syndication_page_opt_out"),
    ]  # fmt: skip
