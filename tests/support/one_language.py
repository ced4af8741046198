"""Checking that a screen speaks one language: the labels of its language present, none of
the other's (issue 13). Shared by ``tests/test_one_language.py`` (test client) and
``tests/e2e/test_one_language.py`` (the browser).

Labels are English msgids as written in the source; their Swedish comes from the catalogues
(Wagtail's and Kanal's). A label that reads the same in both languages is left out.
"""

from __future__ import annotations

import html
import re

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

LANGUAGES = ("sv", "en")

# Wagtail's own words that every admin screen shows (the main menu) or that a screen of
# its kind shows; Wagtail's Swedish catalogue translates each.
WAGTAIL_MENU = ["Pages", "Images", "Documents", "Reports", "Settings"]
# Kanal's menu items and dashboard panels.
KANAL_MENU = ["Themes", "People", "Organisation units", "Sources", "Push targets"]
KANAL_DASHBOARD = ["Content to review", "Syndication: sources", "Poll now", "All sources"]


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return capfirst(gettext(msgid))


def visible_words(content: bytes) -> str:
    """The page's text as a reader (or the sidebar's JSON props) carries it: entities and
    JSON ``\\uXXXX`` escapes decoded, so "K\\u00e4llor" in the menu's props reads "Källor"."""
    text = html.unescape(content.decode())
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def contains(text: str, label: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text) is not None


def check_one_language(content: bytes, language: str, msgids: list[str]) -> None:
    """Every label of ``msgids`` present in ``language`` and absent in the other."""
    other = "en" if language == "sv" else "sv"
    text = visible_words(content)
    distinct = [m for m in msgids if in_language("sv", m) != in_language("en", m)]
    assert distinct, "the check needs labels that differ between the languages"
    missing = [
        in_language(language, m) for m in distinct if not contains(text, in_language(language, m))
    ]
    foreign = [in_language(other, m) for m in distinct if contains(text, in_language(other, m))]
    assert not missing, f"expected in {language}: {missing}"
    assert not foreign, f"{other} words on a {language} screen: {foreign}"
