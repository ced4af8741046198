"""A real Kanal back end in subprocesses, for crash tests and benchmarks.

``ScratchDatabase`` creates (and drops) a uniquely named PostgreSQL database next to the one
``DATABASE_URL`` points at, so parallel CI runs never share one. ``Cluster`` runs workers and
a relay against it with ``cms.settings.integration``, can SIGKILL and restart them, and
queries the database directly (it must keep working while the server restarts).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parents[2]


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class ScratchDatabase:
    def __init__(self, prefix: str = "kanal_events_"):
        base = postgres_url()
        assert base, "ScratchDatabase needs DATABASE_URL to point at PostgreSQL"
        self.name = f"{prefix}{os.getpid()}_{secrets.token_hex(4)}"
        parts = urlsplit(base)
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def create(self, template: str | None = None) -> None:
        """Create it empty, or as a copy of the database ``template`` (e.g. one migrated
        once for a whole benchmark module)."""
        clause = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"{clause}')

    def drop(self) -> None:
        for _ in range(30):
            try:
                with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=3) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                return
            except psycopg.OperationalError:
                time.sleep(1)

    def query(self, sql: str, params=None, retries: int = 60) -> list[tuple]:
        """Run one query, retrying while the server is down or restarting."""
        for attempt in range(retries):
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=3) as conn:
                    cursor = conn.execute(sql, params)
                    return cursor.fetchall() if cursor.description else []
            except psycopg.OperationalError:
                if attempt == retries - 1:
                    raise
                time.sleep(0.5)
        return []


class Cluster:
    """Worker and relay processes for one scratch database."""

    def __init__(
        self,
        database_url: str,
        *,
        redis_url: str | None = None,
        extra_env=None,
        worker_interval: float = 0.05,
        base_dir: Path = BASE_DIR,
        queues: tuple[str, ...] = ("default", "deliveries"),
    ):
        """``base_dir`` runs another checkout of Kanal (a benchmark's baseline) with this
        environment; ``queues`` are the task queues every worker serves."""
        self.worker_interval = worker_interval
        self.base_dir = Path(base_dir)
        self.queues = queues
        self.env = {
            **os.environ,
            "PYTHONPATH": str(self.base_dir),
            "DJANGO_SETTINGS_MODULE": "cms.settings.integration",
            "DATABASE_URL": database_url,
            "KANAL_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.env.pop("REDIS_URL", None)
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.rq = bool(redis_url)
        self.workers: dict[int, int] = {}  # slot -> pid of a worker forked by the zygote
        # Scripts run by ``python`` (e.g. an event emitter in a background thread): ``stop``
        # ends those still running, so a failed test leaves nothing writing into the database
        # the next test of its module reuses.
        self.scripts: list[subprocess.Popen] = []
        self.zygote: subprocess.Popen | None = None
        self.relay: subprocess.Popen | None = None
        self.kills = 0
        self.restarts = 0
        self._generation = 0
        self.log_dir = Path(os.environ.get("KANAL_TEST_LOG_DIR", "/tmp"))

    def manage(self, *args: str, timeout: float = 600, attempts: int = 2):
        """Run a management command; retried once, since the shared PostgreSQL server may be
        restarted by another suite's restart test while we migrate."""
        for attempt in range(attempts):
            result = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=self.base_dir,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            if result.returncode == 0:
                return result
            if attempt < attempts - 1:
                time.sleep(5)
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")

    def python(self, code: str, timeout: float = 600) -> str:
        script = "import django; django.setup()\n" + code
        process = subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=self.base_dir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.scripts.append(process)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
        finally:
            self.scripts.remove(process)
        if process.returncode:
            raise RuntimeError(f"child failed:\n{stderr[-3000:]}")
        return stdout

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen:
        log = open(self.log_dir / f"kanal-{name}.log", "ab")  # noqa: SIM115
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=self.base_dir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes its children too
        )

    def worker_args(self, slot: int) -> list[str]:
        self._generation += 1
        if self.rq:
            return [
                "rqworker",
                *self.queues,
                "--worker-class",
                "rq.worker.SimpleWorker",
                "--job-class",
                "django_tasks_rq.Job",
                "--name",
                f"w{slot}-{self._generation}-{secrets.token_hex(3)}",
            ]
        return [
            "worker",
            "--queue-name",
            ",".join(self.queues),
            "--interval",
            str(self.worker_interval),
            "--no-startup-delay",
            "--no-reload",
            "--worker-id",
            f"w{slot}-{self._generation}",
        ]

    def _start_zygote(self) -> None:
        self.zygote = subprocess.Popen(
            [sys.executable, str(self.base_dir / "tests" / "support" / "zygote.py")],
            cwd=self.base_dir,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def start_worker(self, slot: int) -> None:
        if self.zygote is None:
            self._start_zygote()
        log = self.log_dir / f"kanal-worker{slot}.log"
        self.zygote.stdin.write(" ".join([str(log), *self.worker_args(slot)]) + "\n")
        self.zygote.stdin.flush()
        self.workers[slot] = int(self.zygote.stdout.readline())

    @staticmethod
    def is_alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def start(self, workers: int = 3, relay_interval: float = 0.5) -> None:
        for slot in range(workers):
            self.start_worker(slot)
        self.relay = self._spawn(["relay", "--interval", str(relay_interval)], "relay")

    def kill_worker(self, slot: int) -> None:
        pid = self.workers[slot]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        for _ in range(200):
            if not self.is_alive(pid):
                break
            time.sleep(0.01)
        self.kills += 1
        self.start_worker(slot)

    def revive_dead(self) -> int:
        """Restart processes that exited on their own (what a supervisor would do)."""
        revived = 0
        for slot, pid in list(self.workers.items()):
            if not self.is_alive(pid):
                self.start_worker(slot)
                revived += 1
        if self.relay and self.relay.poll() is not None:
            self.relay = self._spawn(["relay", "--interval", "0.5"], "relay")
            revived += 1
        self.restarts += revived
        return revived

    def alive_workers(self) -> int:
        return sum(self.is_alive(pid) for pid in self.workers.values())

    def stop(self) -> None:
        for script in list(self.scripts):
            with contextlib.suppress(ProcessLookupError):
                script.kill()
        pids = list(self.workers.values())
        if self.relay is not None and self.relay.poll() is None:
            pids.append(self.relay.pid)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(self.is_alive(pid) for pid in pids):
            time.sleep(0.05)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        if self.relay is not None:
            self.relay.wait()
        if self.zygote is not None:
            self.zygote.stdin.close()
            try:
                self.zygote.wait(10)
            except subprocess.TimeoutExpired:  # a loaded machine: it is not needed any more
                self.zygote.kill()
                self.zygote.wait()
