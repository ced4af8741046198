"""Feed HTML -> Wagtail rich text: the XSS corpus leaves nothing executable."""

from __future__ import annotations

import html
import re

import pytest

from syndication.pull.richtext import sanitise_html

from .test_parse import items

# normalise asks the echo checks, and push's (our remote copies) reads the database.
pytestmark = pytest.mark.django_db

DANGEROUS = [
    re.compile(r"<\s*(script|style|svg|math|iframe|object|embed|form|input|button|meta|base|"
               r"template|noscript|details|img)\b", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"(href|src|action|data)\s*=\s*[\"']?\s*(javascript|vbscript|data):", re.I),
    re.compile(r"\sstyle\s*=", re.I),
]  # fmt: skip


def surviving_vectors(stored: str) -> list[str]:
    unescaped = html.unescape(stored)
    return [p.pattern for p in DANGEROUS if p.search(stored) or p.search(unescaped)]


class TestXssCorpus:
    def test_zero_vectors_survive(self):
        _feed, result, _ = items("xss_vectors.xml")
        body = result[0].body
        assert surviving_vectors(body) == []

    def test_text_is_kept_and_the_safe_link_survives(self):
        _feed, result, _ = items("xss_vectors.xml")
        body = result[0].body
        assert "<p>Start</p>" in body and "<p>Slut</p>" in body
        assert '<a href="https://ok.example.org/">ok-link</a>' in body

    def test_title_markup_is_stripped(self):
        _feed, result, _ = items("xss_vectors.xml")
        assert "<" not in result[0].title

    def test_the_checker_can_fail(self):
        assert surviving_vectors('<p onclick="x">a</p><a href="javascript:1">b</a>')


class TestAllowList:
    @pytest.mark.parametrize(
        ("given", "stored"),
        [
            ("<h1>Rubrik</h1>", "<h2>Rubrik</h2>"),
            ("<h5>Liten</h5>", "<h4>Liten</h4>"),
            ("<p><b>fet</b> <i>kursiv</i></p>", "<p><b>fet</b> <i>kursiv</i></p>"),
            ("<ol><li>ett</li></ol>", "<ol><li>ett</li></ol>"),
            ("<div><span>löst</span> text</div>", "<p>löst text</p>"),
            ('<p><a href="mailto:a@b.se">mejl</a></p>', '<p><a href="mailto:a@b.se">mejl</a></p>'),
            ("<table><tr><td>cell</td></tr></table>", "<p>cell</p>"),
            ("bara text", "<p>bara text</p>"),
            ("", ""),
        ],
    )
    def test_conversion(self, given, stored):
        assert sanitise_html(given, "https://x.example.org/") == stored

    def test_relative_urls_resolve_against_the_base(self):
        assert 'href="https://x.example.org/a/b"' in sanitise_html(
            '<a href="b">l</a>', "https://x.example.org/a/"
        )
