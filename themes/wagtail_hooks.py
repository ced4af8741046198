"""Themes and their aliases in the admin: an ordered, searchable snippet listing.

The listings search through the models' own search index (``search_fields`` on the models,
with their ``AutocompleteField``), so the viewsets name no ``search_fields``: passing field
names makes the SQLite full-text backend query columns its index does not have (a 500).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Theme, ThemeAlias


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    list_display = ["name", "slug", "sort_order"]
    sort_order_field = "sort_order"
    ordering = ["sort_order", "name"]


class ThemeAliasViewSet(SnippetViewSet):
    model = ThemeAlias
    icon = "link"
    menu_label = _("Theme aliases")
    list_display = ["label", "theme"]
    list_filter = ["theme"]
    ordering = ["theme__sort_order", "label"]


class ThemesGroup(SnippetViewSetGroup):
    items = (ThemeViewSet, ThemeAliasViewSet)
    menu_icon = "tag"
    menu_label = _("Themes")
    menu_name = "themes"
    menu_order = 250


register_snippet(ThemesGroup)
