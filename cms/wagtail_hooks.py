"""Admin wiring for the content snippets (people, organisation units)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .api import admin as api_admin  # noqa: F401  (API keys, feedback report, preview)
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
    menu_label = _("Personer")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["name", "role", "email", "phone"]
    list_filter = ["organisation_unit"]
    search_fields = ["name", "role"]


class OrganisationUnitViewSet(SnippetViewSet):
    model = OrganisationUnit
    icon = "site"
    menu_label = _("Organisationsenheter")
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
