"""Hostile XML is refused before any parser sees it, in every encoding, with figures.

Each refusal is measured: files opened and sockets connected on the parsing thread (Python
audit hooks), and peak traced memory. Figures are printed with ``-s`` for the report.
"""

from __future__ import annotations

import xml.sax

import feedparser.api
import pytest

from syndication.pull import parse as parse_module
from syndication.pull.guard import RefusedDocument, guard
from syndication.pull.parse import parse

from .conftest import corpus
from .hostile import (
    BILLION_LAUGHS,
    MALFORMED_PROLOGS,
    external_dtd,
    measured,
    quadratic_blowup,
    utf16,
    xxe,
    xxe_parameter,
)

MiB = 1024 * 1024


def guard_and_parse(body: bytes, url: str = "https://feeds.example.org/feed.xml"):
    return parse(guard(body), url)


def assert_refused_safely(body: bytes, label: str):
    with measured() as m:
        guard_and_parse(body)
    assert isinstance(m.error, RefusedDocument), f"{label}: not refused ({m.error!r})"
    assert m.opened == [], f"{label}: files opened {m.opened}"
    assert m.connections == [], f"{label}: connections {m.connections}"
    assert m.peak_bytes < 50 * MiB
    return m


class TestEntityDeclarationsAreRefused:
    def test_billion_laughs(self):
        assert_refused_safely(BILLION_LAUGHS, "billion laughs utf-8")

    def test_quadratic_blowup(self):
        assert_refused_safely(quadratic_blowup(), "quadratic blow-up utf-8")

    def test_external_entity_to_a_file(self, tmp_path):
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP SECRET")
        m = assert_refused_safely(xxe(secret.as_uri()), "XXE file utf-8")
        assert str(secret) not in " ".join(m.opened)

    def test_external_entity_to_a_url_makes_no_connection(self, feed_server):
        body = xxe(feed_server.url("/leak"))
        assert_refused_safely(body, "XXE http utf-8")
        assert feed_server.connections == 0

    def test_external_parameter_entity(self, feed_server):
        assert_refused_safely(xxe_parameter(feed_server.url("/dtd")), "XXE parameter entity")
        assert feed_server.connections == 0

    @pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
    @pytest.mark.parametrize("big_endian", [False, True], ids=["le", "be"])
    @pytest.mark.parametrize(
        "document", ["billion", "quadratic", "xxe"], ids=["billion", "quadratic", "xxe"]
    )
    def test_in_utf16(self, document, bom, big_endian, tmp_path):
        body = {
            "billion": BILLION_LAUGHS.replace(
                b'version="1.0"?>', b'version="1.0" encoding="UTF-8"?>'
            ),
            "quadratic": quadratic_blowup(10_000, 1_000).replace(
                b'version="1.0"?>', b'version="1.0" encoding="UTF-8"?>'
            ),
            "xxe": xxe((tmp_path / "s.txt").as_uri()),
        }[document]
        assert_refused_safely(
            utf16(body, bom=bom, big_endian=big_endian),
            f"{document} utf-16-{'be' if big_endian else 'le'} {'bom' if bom else 'no bom'}",
        )

    @pytest.mark.parametrize("declare", [None, "UTF-8", "ISO-8859-1"], ids=str)
    def test_in_utf16_with_a_lying_declaration(self, declare):
        body = utf16(BILLION_LAUGHS, bom=False, big_endian=False, declare=declare)
        assert_refused_safely(body, f"billion laughs utf-16 declared {declare}")

    def test_in_utf32(self):
        body = b"\xff\xfe\x00\x00" + BILLION_LAUGHS.decode().encode("utf-32-le")
        assert_refused_safely(body, "billion laughs utf-32")

    @pytest.mark.parametrize("name", sorted(MALFORMED_PROLOGS))
    def test_malformed_prologs(self, name):
        assert_refused_safely(MALFORMED_PROLOGS[name], f"malformed prolog: {name}")

    def test_refusal_says_what_to_do(self):
        with pytest.raises(RefusedDocument, match="entit"):
            guard(BILLION_LAUGHS)


class TestWhatPassesTheGuard:
    def test_external_doctype_is_dropped_and_never_fetched(self, feed_server):
        with measured() as m:
            feed = guard_and_parse(external_dtd(feed_server.url("/rss-0.91.dtd")))
        assert m.error is None
        assert [e.title for e in feed.entries] == ["ok"]
        assert feed_server.connections == 0
        assert m.connections == []

    def test_utf16_feed_without_entities_is_read(self):
        body = utf16(corpus("rss20_school_blog.xml"), bom=True, big_endian=True)
        feed = guard_and_parse(body)
        assert feed.entries[0].title == "Läsfrämjande i förskoleklass"

    def test_latin1_is_decoded_from_the_declaration(self):
        feed = guard_and_parse(corpus("rss_latin1.xml"))
        assert feed.title == "Latin-1 åäö"
        assert feed.entries[0].title == "Räksmörgås"

    def test_output_is_utf8_with_a_matching_declaration(self):
        document = guard(corpus("rss_latin1.xml"))
        assert document.body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        assert "Räksmörgås".encode() in document.body

    def test_nul_bytes_are_removed(self):
        body = corpus("rss_no_guids.xml").replace(b"<title>Andra", b"<title>An\x00dra")
        feed = guard_and_parse(body)
        assert "Andra" in [e.title for e in feed.entries]

    def test_json_is_recognised(self):
        assert guard(corpus("jsonfeed11.json")).kind == "json"

    def test_empty_document_is_refused(self):
        with pytest.raises(RefusedDocument):
            guard(b"  \n")


class TestFeedparserNeverUsesLibxml2:
    def test_preferred_parsers_are_pinned_to_expat(self):
        assert feedparser.api.PREFERRED_XML_PARSERS == ["xml.sax.expatreader"]
        reader = xml.sax.make_parser(feedparser.api.PREFERRED_XML_PARSERS)
        assert type(reader).__module__ == "xml.sax.expatreader"

    def test_pin_is_restored_if_someone_changes_it(self, monkeypatch):
        monkeypatch.setattr(feedparser.api, "PREFERRED_XML_PARSERS", ["drv_libxml2"])
        guard_and_parse(corpus("rss_no_guids.xml"))
        assert feedparser.api.PREFERRED_XML_PARSERS == parse_module.SAFE_XML_PARSERS

    def test_feedparser_is_given_a_stream_never_a_path(self, tmp_path):
        # feedparser.parse(bytes) would try open(bytes) as a file name first.
        target = tmp_path / "feed.xml"
        target.write_bytes(corpus("rss_no_guids.xml"))
        with measured() as m:
            feed = parse(guard(str(target).encode()), "https://x.example.org/")
        assert m.opened == []
        assert isinstance(m.error, Exception) or not feed.entries


class TestTheMeasurementCanFail:
    """Controls: the probes used above do see file reads and connections when they happen."""

    def test_file_reads_are_seen(self, tmp_path):
        target = tmp_path / "seen.txt"
        target.write_text("x")
        with measured() as m:
            target.read_text()
        assert str(target) in m.opened

    def test_connections_are_seen(self, feed_server):
        import urllib.request

        with measured() as m:
            urllib.request.urlopen(feed_server.url("/rss_no_guids.xml")).read()
        assert m.connections
