"""Benchmark: Kanal's API against stock Wagtail API v2 and a pre-rendered ceiling.

Run with ``make bench`` (never part of ``make test``). For each database (SQLite, and
PostgreSQL when reachable at ``BENCH_POSTGRES_URL``) and each size (1,000 and 10,000 seeded
articles; ``BENCH_SIZES`` overrides), it starts gunicorn with 2 workers on 127.0.0.1, warms
the caches, and loads each URL with ``wrk`` (installed from Debian if missing; otherwise a
Python keep-alive load generator) for ``BENCH_SECONDS`` seconds:

* ours: the 20-item ``fields=*`` article list, a detail, and 304 revalidation of the list;
* stock: Wagtail's API v2 ``PagesAPIViewSet`` mounted at ``/bench/stock/`` on the same data
  (under ``ATOMIC_REQUESTS``, as a project mounts it) and at ``/bench/stock-na/`` (outside it,
  as Kanal mounts its own API);
* v3: Wagtail 8's own API v3 (``wagtail.api.v3``, Django Ninja) at ``/bench/v3/``. Its list
  has no ``fields`` parameter: it always answers id, title and meta only, so the v3 list is
  lighter than ours; its detail carries every declared ``api_fields`` entry, like ours;
* ceiling: a view returning our list's bytes, pre-rendered.

It prints req/s, p50, p99 and body size for each, and the ratios against the issue's targets.
It asserts nothing about speed (figures depend on the machine); it fails only if a server errs
or a baseline does not carry the article's fields.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/kanal_api_bench"
)
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found or os.environ.get("BENCH_NO_INSTALL"):
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            capture_output=True,
            check=False,
        )
    return shutil.which("wrk")


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(wrk: str, name: str, url: str, headers: dict[str, str]) -> Result:
    command = [
        wrk,
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{SECONDS}s",
        "--timeout",
        "30s",
        "--latency",
        url,
    ]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))

    def parse(text: str) -> float:
        match = re.match(r"([\d.]+)(us|ms|s)", text)
        return _ms(match.group(1), match.group(2))

    # Errors are answers >= 400 and socket errors (wrk's timeout is 30 s, far above any
    # latency here, so a timeout is a real failure).
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    count = int(errors.group(1)) if errors else 0
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if socket_errors:
        count += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Result(name, rps, parse(latency["50"]), parse(latency["99"]), count)


def run_python(name: str, url: str, headers: dict[str, str]) -> Result:
    """Fallback load generator: CONNECTIONS threads, one keep-alive connection each."""
    match = re.match(r"http://([^/:]+):(\d+)(/.*)", url)
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + SECONDS

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=30)
        mine = []
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=30)
            except OSError:
                errors[0] += 1
                connection = http.client.HTTPConnection(host, port, timeout=30)
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0
    return Result(
        name, len(latencies) / SECONDS, statistics.median(latencies or [0]), p99, errors[0]
    )


class Server:
    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.env = env
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "cms.wsgi:application",
                "--workers=2",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                "--chdir",
                str(ROOT),
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(self.base + "/api/v2/themes/", timeout=5).read()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def get(self, path: str, headers: dict[str, str] | None = None):
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], env=env, cwd=ROOT, check=True)


def measure(env: dict[str, str], label: str, workdir: Path) -> list[Result]:
    wrk = ensure_wrk()
    server = Server(env)
    try:
        ours_list = "/api/v2/pages/?type=cms.ArticlePage&fields=*&limit=20"
        stock_list = "/bench/stock/pages/?type=cms.ArticlePage&fields=*&limit=20"
        stock_na_list = "/bench/stock-na/pages/?type=cms.ArticlePage&fields=*&limit=20"
        v3_list = "/bench/v3/pages/?type=cms.ArticlePage&limit=20"
        status, headers, body = server.get(ours_list)
        assert status == 200, body[:300]
        detail_id = re.search(rb'"id":(\d+)', body).group(1).decode()
        ours_detail = f"/api/v2/pages/{detail_id}/"
        stock_detail = f"/bench/stock/pages/{detail_id}/"
        stock_na_detail = f"/bench/stock-na/pages/{detail_id}/"
        v3_detail = f"/bench/v3/pages/{detail_id}/"
        Path(env["BENCH_CEILING_FILE"]).write_bytes(body)
        etag = headers["ETag"]
        scenarios = [
            ("ours list", ours_list, {}),
            ("ours detail", ours_detail, {}),
            ("ours 304 (list)", ours_list, {"If-None-Match": etag}),
            ("stock list", stock_list, {}),
            ("stock detail", stock_detail, {}),
            ("stock-na list", stock_na_list, {}),
            ("stock-na detail", stock_na_detail, {}),
            ("v3 list (no fields)", v3_list, {}),
            ("v3 detail", v3_detail, {}),
            ("ceiling (same bytes)", "/bench/ceiling/", {}),
        ]
        sizes: dict[str, int] = {}
        for name, path, extra in scenarios:
            for _ in range(4):  # each worker builds its own local-memory cache
                status, _h, content = server.get(path, extra)
                assert status == (304 if extra else 200), (path, status, content[:300])
            sizes[name] = len(content)
        # A baseline without the article's content would flatter ours: the stock api_fields
        # must have reached v2 and v3 (v3 builds its schemas once, at start-up).
        for path in (stock_list, stock_detail, stock_na_list, v3_detail):
            status, _h, content = server.get(path)
            assert b'"body"' in content and b'"intro"' in content, (path, content[:300])
        results = []
        for name, path, extra in scenarios:
            if wrk:
                results.append(run_wrk(wrk, name, server.base + path, extra))
            else:
                results.append(run_python(name, server.base + path, extra))
        report(label, results, sizes, "wrk" if wrk else "python")
        return results
    finally:
        server.stop()


def report(label: str, results: list[Result], sizes: dict[str, int], tool: str) -> None:
    by = {r.name: r for r in results}
    print(f"\n== {label}  (gunicorn 2 workers, {tool}, {CONNECTIONS} connections, {SECONDS}s each)")
    print(f"{'scenario':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'bytes':>10}")
    for r in results:
        print(
            f"{r.name:<24}{r.rps:>10.0f}{r.p50_ms:>10.2f}{r.p99_ms:>10.2f}{r.errors:>8}"
            f"{sizes[r.name]:>10}"
        )

    def ratio(a: str, b: str) -> float:
        return by[a].rps / by[b].rps if by[b].rps else float("inf")

    # What a v3 client pays for the same 20 articles with their fields: the list, then one
    # detail per item (the v3 list cannot carry fields). Derived, not measured.
    v3_list, v3_detail = by["v3 list (no fields)"].rps, by["v3 detail"].rps
    v3_full_list = 1 / (1 / v3_list + 20 / v3_detail) if v3_list and v3_detail else 0.0
    checks = [
        ("list ours/stock", ratio("ours list", "stock list"), ">= 5"),
        ("detail ours/stock", ratio("ours detail", "stock detail"), ">= 3"),
        ("304 / stock list", ratio("ours 304 (list)", "stock list"), ">= 10"),
        ("list ceiling/ours", ratio("ceiling (same bytes)", "ours list"), "<= 2"),
        ("list ours/stock-na", ratio("ours list", "stock-na list"), ""),
        ("detail ours/stock-na", ratio("ours detail", "stock-na detail"), ""),
        ("list ours/v3 (no fields)", ratio("ours list", "v3 list (no fields)"), ""),
        ("detail ours/v3", ratio("ours detail", "v3 detail"), ""),
        (
            "list ours/v3 list+20 det.",
            by["ours list"].rps / v3_full_list if v3_full_list else float("inf"),
            "",
        ),
    ]
    for name, value, target in checks:
        if not target:
            print(f"{name:<26}{value:>8.2f}   (no target)")
            continue
        op, limit = target.split()
        met = value >= float(limit) if op == ">=" else value <= float(limit)
        print(f"{name:<26}{value:>8.2f}   target {target:<6} {'met' if met else 'MISSED'}")


def database_envs(workdir: Path) -> list[tuple[str, dict[str, str]]]:
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "KANAL_MEDIA_ROOT": str(workdir / "media"),
        "KANAL_STATIC_ROOT": str(workdir / "static"),
        "BENCH_CEILING_FILE": str(workdir / "ceiling.json"),
        "PYTHONPATH": str(ROOT),
    }
    base.pop("REDIS_URL", None)
    envs = [("SQLite", {**base, "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3"})]
    if not os.environ.get("BENCH_SKIP_POSTGRES"):
        name = POSTGRES_URL.rsplit("/", 1)[1]
        server = ["-h", "127.0.0.1", "-U", "postgres"]
        ready = subprocess.run(["pg_isready", "-h", "127.0.0.1"], capture_output=True)
        if ready.returncode == 0:
            subprocess.run(["dropdb", "--if-exists", *server, name], check=False)
            subprocess.run(["createdb", *server, name], check=True)
            envs.append(("PostgreSQL", {**base, "DATABASE_URL": POSTGRES_URL}))
    return envs


@pytest.mark.timeout(0)  # seeding 10,000 pages twice takes longer than the suite's limit
def test_api_benchmark():
    workdir = Path(tempfile.mkdtemp(prefix="kanal-bench-"))
    failures = []
    try:
        for database, env in database_envs(workdir):
            manage(env, "migrate", "--noinput", "-v0")
            for size in SIZES:
                started = time.perf_counter()
                subprocess.run(
                    [PYTHON, "-m", "tests.bench.seed", str(size)], env=env, cwd=ROOT, check=True
                )
                took = time.perf_counter() - started
                print(f"\nseeded {size} articles on {database} in {took:.0f}s")
                results = measure(env, f"{database}, {size} articles", workdir)
                failures += [f"{database} {size} {r.name}" for r in results if r.errors]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        pytest.fail(f"errors under load: {failures}")
