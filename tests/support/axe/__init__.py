"""axe-core for the browser tests: the vendored file, checked, and helpers to run it.

``install_axe(page)`` loads axe into every document the page opens; ``run_axe(page)`` returns
``axe.run``'s results; ``serious_violations(results)`` keeps the violations a WCAG 2.1 AA audit
must fix (impact ``serious`` or ``critical``).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_PATH = Path(__file__).with_name("axe.min.js")
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@lru_cache(maxsize=1)
def axe_source() -> str:
    data = AXE_PATH.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != AXE_SHA256:
        raise RuntimeError(f"{AXE_PATH} is not axe-core {AXE_VERSION} as vendored ({digest}).")
    return data.decode("utf-8")


def install_axe(page) -> None:
    """Load axe into every document the page opens, as a Playwright init script: injected by
    the browser itself, so the views' strict Content-Security-Policy (no inline scripts)
    neither blocks it nor reports a violation."""
    page.add_init_script(script=axe_source())


def run_axe(page, *, options: dict | None = None, spec: dict | None = None) -> dict:
    """Run axe on the page's document (after ``install_axe``); ``spec`` goes to axe.configure."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        raise RuntimeError("axe is not loaded: call install_axe(page) before opening the page.")
    if spec:
        page.evaluate("spec => window.axe.configure(spec)", spec)
    return page.evaluate(
        "options => window.axe.run(document, options)",
        options if options is not None else {"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}},
    )


def serious_violations(results: dict) -> list[dict]:
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations
    )
