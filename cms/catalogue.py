"""Kanal's Swedish catalogue: where it lives and how its compiled form is made.

The source is English; ``locale/sv/LC_MESSAGES/django.po`` holds the Swedish and the compiled
``django.mo`` beside it is **committed**, so ``make run`` on a fresh machine needs no GNU
gettext (``compilemessages`` calls ``msgfmt``, which Debian ships in the ``gettext`` package,
not installed by default). The .mo is written by polib, in pure Python, so it can be rebuilt
anywhere and its bytes are reproducible: ``tests/test_translations.py`` rebuilds it and fails
when the committed file is stale. ``make messages`` re-extracts the msgids (that step does
need xgettext) and then runs this module.
"""

from __future__ import annotations

from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
PO_PATH = LOCALE_DIR / "sv" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")


def compiled(po_path: Path = PO_PATH) -> bytes:
    """The .mo bytes for ``po_path`` (polib: a development dependency, imported here only)."""
    import polib

    return polib.pofile(str(po_path)).to_binary()


def main() -> None:
    MO_PATH.write_bytes(compiled())
    print(f"Wrote {MO_PATH.relative_to(LOCALE_DIR.parent)}")


if __name__ == "__main__":
    main()
