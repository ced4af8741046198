"""Refuse hostile XML before any parser sees it, and hand the parser one known encoding.

Why this module exists: XML entity declarations are the root of billion laughs (exponential
expansion), quadratic blow-up (one huge entity referenced many times) and XXE (external
entities reading files or URLs). A feed never needs them. So we refuse any document that
declares an entity or carries an internal DTD subset, *in whatever encoding it arrives*:

1. A raw-byte check with NUL bytes removed: in UTF-16 and UTF-32 every ASCII character is the
   ASCII byte plus NULs, so ``<!ENTITY`` written in UTF-16LE/BE or UTF-32 (with or without a
   BOM, and whatever the prolog claims) becomes visible to an ASCII regex.
2. We decode the document ourselves (BOM, then the XML declaration, then the HTTP charset,
   then UTF-8 with replacement), check the decoded text again, and walk the prolog (XML
   declaration, processing instructions, comments, DOCTYPE) up to the root element: an
   internal subset ``[...]`` is refused; an external DOCTYPE (RSS 0.91's Netscape one) is
   dropped, never fetched.
3. The text that passed is re-encoded as UTF-8 with the XML declaration rewritten to say so,
   so the parser reads exactly the characters we checked — a lying or malformed prolog
   cannot make it decode differently (UTF-7 tricks included).

The parser (``pull.parse``) additionally pins feedparser to expat (never ``drv_libxml2``) and
hands it bytes in a ``BytesIO`` only.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


class RefusedDocument(ValueError):
    """The document is refused before parsing; ``str(exc)`` says why, for the admin."""


@dataclass(frozen=True)
class GuardedDocument:
    body: bytes  # UTF-8, XML declaration (if any) says utf-8, no DOCTYPE
    kind: str  # "xml" or "json"
    source_encoding: str
    warnings: list[str] = field(default_factory=list)


_ENTITY_BYTES = re.compile(rb"<!\s*entity", re.IGNORECASE)
_ENTITY_TEXT = re.compile(r"<!\s*entity", re.IGNORECASE)
_XML_DECL = re.compile(r"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["'][^>]*\?>""")
_XML_DECL_ANY = re.compile(r"^<\?xml[^>]*\?>")
_ENCODING_ATTR = re.compile(r"""(encoding\s*=\s*["'])[A-Za-z0-9._:-]+(["'])""")
_ASCII_PROBE = bytes(range(0x20, 0x7F)) + b"+ADw-"  # UTF-7 decodes this to "<"
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)

# Encodings a feed may use. Anything else (UTF-7, EBCDIC, ...) is decoded as UTF-8 with
# replacement characters, so a declaration cannot smuggle markup past the checks above.
_ALLOWED_ENCODINGS = {
    "utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "ascii",
    "latin-1", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-7", "iso8859-9",
    "iso8859-10", "iso8859-13", "iso8859-15", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254",
    "cp1257", "koi8-r", "koi8-u", "shift_jis", "euc_jp", "gb2312", "gbk", "gb18030", "big5",
    "euc_kr", "mac-roman",
}  # fmt: skip
_ALLOWED_CODECS = {codecs.lookup(name).name for name in _ALLOWED_ENCODINGS}


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return name if name in _ALLOWED_CODECS else None


def _sniff_bom(data: bytes) -> tuple[str | None, int]:
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return name, len(bom)
    # No BOM: XML spec appendix F, the first characters are "<?" or "<" in some width.
    head = data[:4]
    if head == b"<\0\0\0":
        return "utf-32-le", 0
    if head == b"\0\0\0<":
        return "utf-32-be", 0
    if head[:2] == b"<\0":
        return "utf-16-le", 0
    if head[:2] == b"\0<":
        return "utf-16-be", 0
    return None, 0


def _decode(data: bytes, content_type: str) -> tuple[str, str, list[str]]:
    warnings: list[str] = []
    bom_encoding, skip = _sniff_bom(data)
    if bom_encoding:
        text = data[skip:].decode(bom_encoding, errors="replace")
        return text, bom_encoding, warnings
    # ASCII-compatible from here on: the declaration is readable as Latin-1.
    head = data[:200].decode("latin-1")
    declared = _XML_DECL.match(head.lstrip())
    http_charset = _CHARSET.search(content_type or "")
    for label in (
        declared.group(1) if declared else None,
        http_charset.group(1) if http_charset else None,
    ):
        if label is None:
            continue
        try:
            codec = codecs.lookup(label.strip().lower()).name
        except LookupError:
            codec = ""
        if codec and not codec.startswith(("utf-16", "utf-32")):
            try:
                ascii_compatible = _ASCII_PROBE.decode(codec) == _ASCII_PROBE.decode("ascii")
            except (UnicodeError, LookupError):
                ascii_compatible = False
            if not ascii_compatible:
                raise RefusedDocument(
                    f"The feed declares the encoding {label!r}, which can hide markup from "
                    "safety checks; Kanal reads UTF-8, UTF-16 and the common 8-bit encodings."
                )
        encoding = _codec_name(label)
        if encoding and not encoding.startswith(("utf-16", "utf-32")):
            return data.decode(encoding, errors="replace"), encoding, warnings
        warnings.append(f"Unsupported or inconsistent encoding {label!r}; read as UTF-8.")
        break
    return data.decode("utf-8", errors="replace"), "utf-8", warnings


def _skip_prolog(text: str) -> str:
    """Walk the prolog; return the text with any (external) DOCTYPE removed.

    Raises RefusedDocument for an internal DTD subset or an unterminated construct.
    """
    pos, length = 0, len(text)
    while pos < length:
        while pos < length and text[pos] in " \t\r\n\ufeff":
            pos += 1
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
            if end < 0:
                raise RefusedDocument("Malformed XML prolog: unterminated processing instruction.")
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos)
            if end < 0:
                raise RefusedDocument("Malformed XML prolog: unterminated comment.")
            pos = end + 3
        elif text[pos : pos + 9].upper() == "<!DOCTYPE":
            quote, cursor = None, pos + 9
            while cursor < length:
                char = text[cursor]
                if quote:
                    if char == quote:
                        quote = None
                elif char in "\"'":
                    quote = char
                elif char == "[":
                    raise RefusedDocument(
                        "The feed carries an internal DTD subset (entity declarations). Kanal "
                        "refuses these to stay safe from entity-expansion attacks; ask the "
                        "publisher to remove the DOCTYPE."
                    )
                elif char == ">":
                    break
                cursor += 1
            else:
                raise RefusedDocument("Malformed XML prolog: unterminated DOCTYPE.")
            return text[:pos] + text[cursor + 1 :]
        else:
            return text
    return text


def guard(data: bytes, content_type: str = "") -> GuardedDocument:
    """Check a fetched document and return it as safe UTF-8, or raise RefusedDocument."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise RefusedDocument(f"The document is larger than {MAX_DOCUMENT_BYTES} bytes.")
    if not data.strip():
        raise RefusedDocument("The document is empty.")
    if _ENTITY_BYTES.search(data.replace(b"\0", b"")):
        raise RefusedDocument(
            "The feed declares XML entities (<!ENTITY>). Kanal refuses these to stay safe from "
            "entity-expansion and external-entity attacks; ask the publisher to remove them."
        )
    text, encoding, warnings = _decode(data, content_type)
    text = text.replace("\x00", "")
    if _ENTITY_TEXT.search(text):
        raise RefusedDocument("The feed declares XML entities (<!ENTITY>) after decoding.")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        return GuardedDocument(stripped.encode("utf-8"), "json", encoding, warnings)
    text = _skip_prolog(stripped)
    declaration = _XML_DECL_ANY.match(text)
    if declaration:
        fixed = _ENCODING_ATTR.sub(r"\1utf-8\2", declaration.group(0))
        text = fixed + text[declaration.end() :]
    return GuardedDocument(text.encode("utf-8"), "xml", encoding, warnings)
