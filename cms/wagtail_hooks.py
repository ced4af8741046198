"""The cms app's admin wiring, all of it: content snippets (people, organisation units), the
review panel, and the API's screens (API keys, the feedback report, the headless preview
button), whose views live in ``cms/api/admin_views.py``."""

from django.contrib.admin.utils import quote
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import review
from .accessibility import use_kanal_checker
from .api.admin_views import (
    api_key_viewset,
    feedback_delete,
    feedback_delete_older,
    feedback_report,
    headless_preview,
)
from .models import OrganisationUnit, Person
from .rich_text import (
    PublicDocumentLinkHandler,
    PublicImageEmbedHandler,
    PublicPageLinkHandler,
)


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["name", "role", "email", "phone"]
    list_filter = ["organisation_unit"]
    search_fields = ["name", "role"]


class OrganisationUnitViewSet(SnippetViewSet):
    model = OrganisationUnit
    icon = "site"
    menu_label = _("Organisation units")
    menu_order = 270
    add_to_admin_menu = True
    list_display = ["name", "phone", "email"]
    search_fields = ["name"]


register_snippet(PersonViewSet)
register_snippet(OrganisationUnitViewSet)


class ReviewPanel(Component):
    """Dashboard panel: live pages whose "last reviewed" date has gone stale — the user's own
    (editors) or everyone's (those who may publish) — and, instead of imported posts, one line
    per source other apps contribute (``cms.review.register_line_provider``)."""

    name = "kanal_review"
    order = 150
    template_name = "cms/admin/review_panel.html"

    def __init__(self, user, lines):
        self.user = user
        self.lines = lines

    def get_context_data(self, parent_context=None):
        if not review.writes_pages(self.user):
            return {"writes_pages": False, "lines": self.lines}
        owner = None if review.sees_everyones_pages(self.user) else self.user
        return {
            "writes_pages": True,
            "pages": review.pages_due_for_review(owner=owner),
            "total": review.count_due(owner=owner),
            "own_only": owner is not None,
            "lines": self.lines,
        }


@hooks.register("construct_homepage_panels")
def add_review_panel(request, panels):
    """For those who write pages, or look after what contributes lines (sources)."""
    lines = review.contributed_lines(request.user)
    if lines or review.writes_pages(request.user):
        panels.append(ReviewPanel(request.user, lines))


@hooks.register("construct_wagtail_userbar")
def kanal_accessibility_rules(request, items, page):
    """Wagtail's content checker, in the editor and the userbar, with Kanal's rules."""
    use_kanal_checker(items)


@hooks.register("register_rich_text_features", order=100)
def public_references_only(features):
    """After Wagtail's own handlers (order 0): links and images render only what is public."""
    features.register_link_type(PublicPageLinkHandler)
    features.register_link_type(PublicDocumentLinkHandler)
    features.register_embed_type(PublicImageEmbedHandler)


# -- the API's screens -------------------------------------------------------------------


@hooks.register("register_admin_viewset")
def register_api_key_viewset():
    return api_key_viewset


@hooks.register("register_admin_urls")
def register_api_admin_urls():
    return [
        path("kanal/feedback/", feedback_report, name="kanal_feedback_report"),
        path("kanal/feedback/<int:pk>/delete/", feedback_delete, name="kanal_feedback_delete"),
        path(
            "kanal/feedback/delete-older/",
            feedback_delete_older,
            name="kanal_feedback_delete_older",
        ),
        path("kanal/preview/<int:page_id>/", headless_preview, name="kanal_headless_preview"),
    ]


class FeedbackMenuItem(MenuItem):
    """Shown to those who may read readers' feedback (editors, moderators, administrators)."""

    def is_shown(self, request):
        return request.user.has_perm("cms.view_pagefeedback")


@hooks.register("register_reports_menu_item")
def register_feedback_report_menu_item():
    return FeedbackMenuItem(
        _("Feedback from readers"),
        reverse("kanal_feedback_report"),
        name="kanal-feedback",
        icon_name="comment",
        order=900,
    )


@hooks.register("register_page_header_buttons")
def headless_preview_button(page, user, view_name, next_url=None):
    if page.depth > 1 and page.permissions_for_user(user).can_edit():
        yield Button(
            _("Preview on the website"),
            reverse("kanal_headless_preview", args=[quote(page.pk)]),
            icon_name="view",
            attrs={"target": "_blank", "rel": "noopener"},
            priority=5,
        )
