"""Admin views of the pull side: "Poll now", imported items per source, OPML in and out.

Wired in ``wagtail_hooks.py``; every view requires the matching ``syndication.*_source``
permission.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from cms.models import ArticleIndexPage, VideoIndexPage

from .models import ImportedItem, Source
from .models.pull import ImportPolicy
from .pull import schedule
from .pull.opml import OPMLError, export_opml, import_opml


@require_POST
@permission_required("syndication.change_source", raise_exception=True)
def poll_now(request, pk: int):
    source = get_object_or_404(Source, pk=pk)
    schedule.poll_now(source)
    messages.success(request, _("Hämtning av ”%s” har startats.") % source.name)
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
    return render(
        request, "syndication/admin/imported_items.html", {"source": source, "items": items}
    )


@permission_required("syndication.view_source", raise_exception=True)
def opml_export(request):
    response = HttpResponse(export_opml(), content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kanal-kallor.opml"'
    return response


class OPMLImportForm(forms.Form):
    file = forms.FileField(label=_("OPML-fil"))
    index_page = forms.ModelChoiceField(queryset=Page.objects.none(), label=_("Importera till"))
    policy = forms.ChoiceField(choices=ImportPolicy.choices, label=_("Vid import"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["index_page"].queryset = Page.objects.type(ArticleIndexPage, VideoIndexPage)


@permission_required("syndication.add_source", raise_exception=True)
def opml_import(request):
    form = OPMLImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            form.add_error("file", _("Filen är större än 2 MiB."))
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
                    _("%(created)d källor skapades, %(skipped)d hoppades över.")
                    % {"created": len(result.created), "skipped": len(result.skipped)},
                )
                return redirect("syndication_source:index")
    return render(request, "syndication/admin/opml_import.html", {"form": form})
