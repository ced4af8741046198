"""The cms app's admin wiring, all of it: content snippets (people, organisation units), the
review panel, and the API's screens (API keys, the feedback report, the headless preview
button), whose views live in ``cms/api/admin_views.py``."""

from django.contrib.admin.utils import quote
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import AdminOnlyMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .api.admin_views import api_key_viewset, feedback_report, headless_preview
from .models import OrganisationUnit, Person
from .review import pages_due_for_review
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
    """Dashboard panel: live pages whose "last reviewed" date has gone stale."""

    name = "kanal_review"
    order = 150
    template_name = "cms/admin/review_panel.html"

    def get_context_data(self, parent_context=None):
        return {"pages": pages_due_for_review()}


@hooks.register("construct_homepage_panels")
def add_review_panel(request, panels):
    panels.append(ReviewPanel())


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
        path("kanal/preview/<int:page_id>/", headless_preview, name="kanal_headless_preview"),
    ]


@hooks.register("register_reports_menu_item")
def register_feedback_report_menu_item():
    return AdminOnlyMenuItem(
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
