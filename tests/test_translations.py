"""Kanal's strings are English in the source and Swedish in one complete, compiled catalogue.

* every msgid of ``locale/sv/LC_MESSAGES/django.po`` has a Swedish translation (none empty,
  none fuzzy, plurals complete);
* the committed ``django.mo`` is exactly what the .po compiles to (``cms.catalogue``), so
  what ``make run`` loads on a machine without GNU gettext is the reviewed text;
* no msgid passed to gettext in Kanal's source (Python calls and template tags) contains
  å, ä or ö: Swedish written in the source would reach English-speaking users untranslated;
* every msgid in the source is in the catalogue (a new string was not forgotten).

The source scan parses Python with ``ast`` (calls to ``_``, ``gettext``, ``gettext_lazy``,
``ngettext``, ``pgettext`` …) and templates with the patterns Django's ``makemessages`` reads
(``{% trans %}``/``{% translate %}``, ``{% blocktrans %}``/``{% blocktranslate %}`` bodies,
``_("…")`` in tag arguments).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext

from cms.catalogue import MO_PATH, PO_PATH, compiled

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cms", "syndication", "themes")
# Content, not interface: the demo site is Swedish on purpose (issue 13).
NOT_INTERFACE = ("cms/demo/", "/migrations/")
GETTEXT_FUNCTIONS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
SWEDISH_LETTERS = re.compile("[åäöÅÄÖ]")
TEMPLATE_PATTERNS = [
    re.compile(r"\{%\s*(?:trans|translate)\s+\"([^\"]*)\""),
    re.compile(r"\{%\s*(?:trans|translate)\s+'([^']*)'"),
    re.compile(r"\b_\(\"([^\"]*)\"\)"),
    re.compile(
        r"\{%\s*blocktrans(?:late)?\b[^%]*%\}(.*?)\{%\s*(?:plural|endblocktrans(?:late)?)", re.S
    ),
    re.compile(r"\{%\s*plural\s*%\}(.*?)\{%\s*endblocktrans(?:late)?", re.S),
]


def source_files(suffix: str):
    for app in APPS:
        for path in sorted((ROOT / app).rglob(f"*{suffix}")):
            relative = path.relative_to(ROOT).as_posix()
            if not any(part in relative for part in NOT_INTERFACE):
                yield relative, path


def python_msgids(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in GETTEXT_FUNCTIONS:
            continue
        for argument in node.args:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.append((node.lineno, argument.value))
    return found


def template_msgids(source: str) -> list[tuple[int, str]]:
    found = []
    for pattern in TEMPLATE_PATTERNS:
        for match in pattern.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            found.append((line, match.group(1)))
    return found


def source_msgids() -> list[tuple[str, int, str]]:
    msgids = []
    for relative, path in source_files(".py"):
        msgids += [(relative, line, m) for line, m in python_msgids(path.read_text())]
    for relative, path in source_files(".html"):
        msgids += [(relative, line, m) for line, m in template_msgids(path.read_text())]
    return msgids


def as_catalogue_msgid(msgid: str) -> str:
    """A template msgid as makemessages stores it: ``{{ x }}`` -> ``%(x)s``, trimmed blocks."""
    msgid = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", msgid)
    return " ".join(msgid.split()) if "\n" in msgid else msgid


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


class TestCatalogue:
    def test_every_msgid_has_a_swedish_translation(self, catalogue):
        assert len(catalogue) > 400, "the premise: Kanal's whole interface is in it"
        untranslated = [e.msgid for e in catalogue.untranslated_entries()]
        fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
        incomplete_plurals = [
            e.msgid for e in catalogue if e.msgid_plural and not all(e.msgstr_plural.values())
        ]
        # A "#| msgid" line is msgmerge's guess from a similar old msgid, not a translation.
        guessed = [e.msgid for e in catalogue if e.previous_msgid]
        assert untranslated == [] and fuzzy == [] and incomplete_plurals == [] and guessed == []

    def test_the_committed_mo_is_the_compiled_po(self):
        assert MO_PATH.read_bytes() == compiled(), (
            "locale/sv/LC_MESSAGES/django.mo is stale: run `make messages` "
            "(or `.venv/bin/python -m cms.catalogue`) and commit it"
        )

    def test_django_loads_the_catalogue(self):
        with translation.override("sv"):
            assert gettext("Sources") == "Källor"
            assert gettext("Push targets") == "Publiceringsmål"
        with translation.override("en"):
            assert gettext("Sources") == "Sources"


class TestSource:
    def test_the_scan_finds_the_source_strings(self):
        """The premise: the scanner sees Python calls and every template form."""
        msgids = {m for _, _, m in source_msgids()}
        assert {"Sources", "Content to review", "Watch the video on {{ provider }}"} <= msgids
        assert len(msgids) > 400

    def test_the_scan_would_see_swedish(self):
        python = 'label = _("Källor")\nhelp = gettext_lazy("Tomt = alla.")\n'
        template = '{% trans "Sidor" %}{% blocktrans %}Hämta {{ x }}{% endblocktrans %}'
        found = [m for _, m in python_msgids(python)] + [m for _, m in template_msgids(template)]
        assert found == ["Källor", "Tomt = alla.", "Sidor", "Hämta {{ x }}"]
        assert [m for m in found if SWEDISH_LETTERS.search(m)] == ["Källor", "Hämta {{ x }}"]

    def test_no_msgid_in_the_source_is_swedish(self):
        swedish = [
            f"{path}:{line}: {msgid!r}"
            for path, line, msgid in source_msgids()
            if SWEDISH_LETTERS.search(msgid)
        ]
        assert swedish == [], (
            "write Kanal's strings in English and put the Swedish in "
            "locale/sv/LC_MESSAGES/django.po:\n" + "\n".join(swedish)
        )

    def test_every_source_msgid_is_in_the_catalogue(self, catalogue):
        known = {e.msgid for e in catalogue} | {e.msgid_plural for e in catalogue}
        missing = sorted(
            {
                f"{path}: {msgid!r}"
                for path, _line, msgid in source_msgids()
                if as_catalogue_msgid(msgid) not in known
            }
        )
        assert missing == [], "run `make messages` and translate:\n" + "\n".join(missing)
