"""Smoke test of `make run`'s serve step: the Procfile's web process starts, serves the
admin login page, and stops cleanly on SIGTERM (as honcho does on Ctrl-C)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_serve_step_starts_answers_and_stops(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        KANAL_SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        KANAL_MEDIA_ROOT=str(tmp_path / "media"),
        PATH=f"{BIN}:{env.get('PATH', '')}",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "honcho"), "start", "-f", "Procfile", "-p", str(port), "web"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        status = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/admin/login/", timeout=2
                ) as response:
                    status = response.status
                    body = response.read().decode()
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.5)
        assert status == 200, process.stdout.read().decode() if process.poll() else "no answer"
        assert "csrfmiddlewaretoken" in body
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    # Ctrl-C: honcho sends gunicorn SIGTERM, gunicorn shuts down gracefully, and honcho
    # exits with 128 + SIGINT like any interrupted command (a crash would exit otherwise).
    output = process.stdout.read().decode()
    assert process.returncode == 128 + signal.SIGINT, output
    assert "Shutting down: Master" in output
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2)
