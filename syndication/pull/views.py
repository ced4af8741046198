"""Views of the pull side.

* Admin views: "Poll now", imported items per source, OPML in and out. Wired in
  ``syndication/wagtail_hooks.py``; each requires the matching ``syndication.*_source``
  permission.
* The public WebSub callback (mounted by ``syndication/urls.py``).

Views are entry points, like tasks: "Poll now" enqueues through ``syndication.pull.tasks``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import tasks, websub
from .forms import OPMLImportForm
from .images import describe
from .models import ImportedItem, Source
from .opml import OPMLError, export_opml, import_opml

MAX_NOTIFICATION_BYTES = 5 * 1024 * 1024


@require_POST
@permission_required("syndication.change_source", raise_exception=True)
def poll_now(request, pk: int):
    source = get_object_or_404(Source, pk=pk)
    tasks.enqueue_poll(source)
    messages.success(request, _("Fetching “%s” has started.") % source.name)
    target = request.POST.get("next") or ""
    # Only back into this site: never another host, a scheme like javascript:, or a view name.
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("wagtailadmin_home")
    return redirect(target)


@permission_required("syndication.view_source", raise_exception=True)
def imported_items(request, pk: int):
    source = get_object_or_404(Source, pk=pk)
    items = (
        ImportedItem.objects.filter(source=source)
        .select_related("page")
        .order_by("-imported_at")[:500]
    )
    for item in items:
        item.described_notes = [describe(note) for note in item.notes or []]
    return render(
        request, "syndication/admin/imported_items.html", {"source": source, "items": items}
    )


@permission_required("syndication.view_source", raise_exception=True)
def opml_export(request):
    response = HttpResponse(export_opml(), content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kanal-kallor.opml"'
    return response


@permission_required("syndication.add_source", raise_exception=True)
def opml_import(request):
    form = OPMLImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            form.add_error("file", _("The file is larger than 2 MiB."))
        else:
            try:
                result = import_opml(
                    upload.read(), form.cleaned_data["index_page"],
                    policy=form.cleaned_data["policy"],
                )  # fmt: skip
            except OPMLError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(
                    request,
                    _("%(created)d sources created, %(skipped)d skipped.")
                    % {"created": len(result.created), "skipped": len(result.skipped)},
                )
                return redirect("syndication_source:index")
    return render(request, "syndication/admin/opml_import.html", {"form": form})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def websub_callback(request, source_id: int, token: str):
    """WebSub callback: GET = verification of intent, POST = content distribution.

    The URL's token is the subscription's secret (``websub.callback_url``): a request with
    any other token is a 404, exactly like an unknown source.
    """
    source = get_object_or_404(Source, pk=source_id)
    if not websub.token_matches(source, token):
        raise Http404("no such subscription")
    if request.method == "GET":
        status, body = websub.verify_intent(source, request.GET)
        return HttpResponse(body, status=status, content_type="text/plain")
    length = int(request.headers.get("Content-Length") or 0)
    if length > MAX_NOTIFICATION_BYTES:
        return HttpResponse("Too large", status=413, content_type="text/plain")
    if not source.active:
        return HttpResponse(status=410)
    websub.receive(
        source,
        request.body,
        request.headers.get("Content-Type", ""),
        request.headers.get("X-Hub-Signature"),
    )
    return HttpResponse(status=202)
