"""Admin wiring for the content snippets (people, organisation units)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import OrganisationUnit, Person


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

from .api import admin as api_admin  # noqa: E402, F401  (API keys, feedback report, preview)
