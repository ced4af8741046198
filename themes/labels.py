"""Normalising external labels so that "Språkutveckling", "SPRAKUTVECKLING" and
" språk­utveckling " all find the same theme."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"[\s_\-\u00ad]+")


def normalise_label(label: str) -> str:
    """Case-fold, strip accents and diacritics, collapse whitespace, hyphens and underscores."""
    decomposed = unicodedata.normalize("NFKD", label or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.casefold()).strip()
