"""Admin wiring for syndication: webhook endpoints and the disabled-endpoint notice."""

from django.forms import modelform_factory
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from .webhooks.forms import WebhookEndpointForm
from .webhooks.models import WebhookEndpoint
from .webhooks.views import EndpointCreateView, EndpointDeliveriesView, EndpointEditView


class StateColumn(Column):
    def get_value(self, instance):
        if not instance.active:
            return _("Avstängd") if instance.disabled_at else _("Inaktiv")
        if instance.failing_since:
            return _("Misslyckas sedan %(when)s") % {
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
    form_fields = ["name", "url", "event_types", "page_types", "themes", "active"]
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
