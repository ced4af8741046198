"""The page's syndication in the admin: where it goes, status, remote link, last error,
"Push again" per target and the page's "do not syndicate" switch. The page editor shows the
same in its side panel (``side_panel``), whose forms post here with ``next`` = the editor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from .delivery import retry_failed
from .dispatch import push_again
from .models import PushDelivery, PushOptOut, PushTarget, SyndicationRecord
from .side_panel import syndication_rows
from .tasks import enqueue_push_deliveries


def _editable_page(request, page_id: int) -> Page:
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def _back(request, page: Page):
    """To ``next`` (the page editor, from its side panel) when it is ours, else the page's
    syndication view."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("syndication_page", page_id=page.pk)


def page_syndication(request, page_id: int):
    page = _editable_page(request, page_id)
    rows = syndication_rows(page.pk)
    return render(
        request,
        "syndication/push/page_syndication.html",
        {
            "page": page,
            "rows": rows,
            "opted_out": PushOptOut.objects.filter(page_id=page.pk).exists(),
        },
    )


@require_POST
def page_push_again(request, page_id: int, target_id: int):
    page = _editable_page(request, page_id)
    target = get_object_or_404(PushTarget, pk=target_id)
    # A push that was given up is retried as it was (a failed withdrawal stays a withdrawal);
    # otherwise the live page is pushed again.
    ids = retry_failed(PushDelivery.objects.filter(page_id=page.pk, target=target))
    if not ids:
        ids = [push_again(page.pk, target).pk]
    enqueue_push_deliveries(ids)
    messages.success(request, _("“%(page)s” is being pushed again to %(target)s.") % {
        "page": page.title, "target": target.name})  # fmt: skip
    return _back(request, page)


@require_POST
def page_opt_out(request, page_id: int):
    page = _editable_page(request, page_id)
    if request.POST.get("opt_out") == "1":
        PushOptOut.objects.get_or_create(page_id=page.pk)
        # Copies already out there are withdrawn now (a push of an opted-out page withdraws).
        holding = PushTarget.objects.filter(
            pk__in=SyndicationRecord.objects.filter(page_id=page.pk)
            .exclude(remote_id="")
            .values_list("target_id", flat=True)
        )
        enqueue_push_deliveries([push_again(page.pk, target).pk for target in holding])
        messages.success(
            request, _("The page is no longer syndicated; published copies are being withdrawn.")
        )
    else:
        PushOptOut.objects.filter(page_id=page.pk).delete()
        messages.success(request, _("The page is syndicated again (from the next publish)."))
    return _back(request, page)
