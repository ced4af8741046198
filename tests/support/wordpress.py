"""A REAL WordPress for tests and benchmarks (Debian's ``wordpress`` on PHP's built-in server
with its own MariaDB, started by ``tests/peers/wordpress.sh``), and a small client of its own
REST API to check what Kanal did.

``start_wordpress()`` skips when the Debian packages are missing, unless
``KANAL_REQUIRE_WORDPRESS`` is set (CI), where a WordPress that cannot start is a failure.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PEER_SCRIPT = ROOT / "tests" / "peers" / "wordpress.sh"
WORDPRESS_PACKAGES = {
    "/usr/share/wordpress/wp-load.php": "wordpress",
    "/usr/sbin/mariadbd": "mariadb-server",
    "/usr/bin/php": "php-cli",
}


@dataclass(frozen=True)
class WordPress:
    url: str
    user: str
    app_password: str

    def api(self, route: str, method: str = "GET", body: dict | None = None, **params):
        """The blog's own REST API, driven directly (to check what Kanal did)."""
        query = urllib.parse.urlencode({"rest_route": route, **params}, safe="/,")
        request = urllib.request.Request(
            f"{self.url}/?{query}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": "Basic "
                + base64.b64encode(f"{self.user}:{self.app_password}".encode()).decode(),
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def posts(self, slug: str, status: str = "publish,draft,pending,private,future,trash"):
        return self.api("/wp/v2/posts", slug=slug, status=status, context="edit")

    def all_posts_like(self, marker: str):
        return self.api(
            "/wp/v2/posts",
            search=marker,
            status="publish,draft,pending,private,future,trash",
            per_page=100,
            context="edit",
        )

    def rss(self) -> bytes:
        with urllib.request.urlopen(f"{self.url}/?feed=rss2", timeout=30) as response:
            return response.read()


def _missing_packages() -> list[str]:
    return [pkg for path, pkg in WORDPRESS_PACKAGES.items() if not os.path.exists(path)]


def start_wordpress() -> WordPress:
    required = bool(os.environ.get("KANAL_REQUIRE_WORDPRESS"))
    missing = _missing_packages()
    if missing and not required:
        pytest.skip(
            f"WordPress packages missing ({', '.join(missing)}): run `sudo bash "
            f"tests/peers/wordpress.sh start` once, or see .ci/apt-packages"
        )
    if os.geteuid() != 0 and not required:
        pytest.skip("tests/peers/wordpress.sh needs root (it runs MariaDB as mysql)")
    result = subprocess.run(
        ["bash", str(PEER_SCRIPT), "start"], capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        pytest.fail(f"WordPress did not start:\n{result.stderr[-3000:]}")
    values = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition("=")
        values[name] = value
    return WordPress(values["WP_URL"], values["WP_USER"], values["WP_APP_PASSWORD"])
