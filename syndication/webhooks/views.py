"""Admin views for webhook endpoints: create (secret shown once), deliveries with actions."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Min
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from . import operations
from .forms import ReplayForm
from .models import Delivery, DeliveryStatus, WebhookEndpoint
from .tasks import enqueue_deliveries

RECENT_DELIVERIES = 50


def _show_secret(request, endpoint: WebhookEndpoint, secret: str, rotated: bool):
    return TemplateResponse(
        request,
        "syndication/webhooks/secret.html",
        {
            "endpoint": endpoint,
            "secret": secret,
            "rotated": rotated,
            "deliveries_url": reverse("webhooks:deliveries", args=[endpoint.pk]),
        },
    )


def delivery_summary(endpoint: WebhookEndpoint, now=None) -> dict:
    """Counts by status (every status, zeros included) and the oldest pending delivery's age:
    what an administrator needs to see whether an endpoint keeps up."""
    counts = dict(
        Delivery.objects.filter(endpoint=endpoint, event__isnull=False)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    oldest = (
        Delivery.objects.filter(endpoint=endpoint, event__isnull=False)
        .pending()
        .aggregate(oldest=Min("created_at"))["oldest"]
    )
    return {
        "counts": [(label, counts.get(value, 0)) for value, label in DeliveryStatus.choices],
        "oldest_pending": oldest,
        "oldest_pending_age": (now or timezone.now()) - oldest if oldest else None,
    }


class EndpointCreateView(CreateView):
    def save_action(self):
        # The only time the secret is shown: in this response, never again.
        return _show_secret(self.request, self.object, self.object.secret, rotated=False)


class EndpointEditView(EditView):
    def get_header_buttons(self):
        return [
            *super().get_header_buttons(),
            HeaderButton(
                _("Deliveries"),
                url=reverse("webhooks:deliveries", args=[self.object.pk]),
                icon_name="list-ul",
            ),
        ]


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class EndpointDeliveriesView(BaseObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    """Recent deliveries of one endpoint, and the actions on them (POST ``action=``)."""

    model = WebhookEndpoint
    template_name = "syndication/webhooks/deliveries.html"
    header_icon = "link-external"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("syndication.change_webhookendpoint"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Deliveries: %(name)s") % {"name": self.object.name}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("webhooks:index"), "label": _("Webhooks")},
            {"url": reverse("webhooks:edit", args=[self.object.pk]), "label": self.object.name},
            {"url": "", "label": _("Deliveries")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["endpoint"] = self.object
        context["deliveries"] = (
            Delivery.objects.filter(endpoint=self.object)
            .select_related("event")
            .order_by("-created_at", "-pk")[:RECENT_DELIVERIES]
        )
        context["replay_form"] = kwargs.get("replay_form") or ReplayForm()
        context["summary"] = delivery_summary(self.object)
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        endpoint = self.object
        if action == "test":
            if not endpoint.active:
                messages.error(request, _("Activate the webhook before sending a test event."))
            else:
                delivery = operations.send_test_event(endpoint)
                if delivery.status == "delivered":
                    messages.success(
                        request,
                        _("The test event was delivered (response %(code)s).")
                        % {"code": delivery.last_status_code},
                    )
                else:
                    messages.error(
                        request,
                        _("The test event did not arrive: %(error)s")
                        % {"error": delivery.last_error or delivery.last_status_code},
                    )
        elif action == "retry":
            delivery = Delivery.objects.filter(
                endpoint=endpoint, pk=request.POST.get("delivery")
            ).first()
            if delivery is None:
                messages.error(request, _("The delivery no longer exists."))
            else:
                with transaction.atomic():
                    operations.retry_delivery(delivery)
                    transaction.on_commit(partial(enqueue_deliveries, [delivery.pk]))
                messages.success(request, _("The delivery is being sent again."))
        elif action == "replay":
            form = ReplayForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(replay_form=form))
            count = operations.replay_since(endpoint, form.cleaned_data["since"])
            messages.success(request, _("%(count)d events are being resent.") % {"count": count})
        elif action == "rotate":
            secret = endpoint.rotate_secret()
            return _show_secret(request, endpoint, secret, rotated=True)
        else:
            messages.error(request, _("Unknown action."))
        return redirect("webhooks:deliveries", endpoint.pk)
