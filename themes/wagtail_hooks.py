"""Themes and their aliases in the admin: an ordered, searchable snippet listing."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Theme, ThemeAlias


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Teman")
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "description"]
    sort_order_field = "sort_order"
    ordering = ["sort_order", "name"]


class ThemeAliasViewSet(SnippetViewSet):
    model = ThemeAlias
    icon = "link"
    menu_label = _("Temaalias")
    list_display = ["label", "theme"]
    list_filter = ["theme"]
    search_fields = ["label"]
    ordering = ["theme__sort_order", "label"]


class ThemesGroup(SnippetViewSetGroup):
    items = (ThemeViewSet, ThemeAliasViewSet)
    menu_icon = "tag"
    menu_label = _("Teman")
    menu_name = "themes"
    menu_order = 250


register_snippet(ThemesGroup)
