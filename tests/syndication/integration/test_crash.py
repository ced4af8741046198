"""At least once, through crashes: 0 events lost while workers are SIGKILLed, few duplicates,
and every duplicate carries the same ``webhook-id`` (and the same bytes)."""

from __future__ import annotations

import random
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.support.cluster import Cluster

from .conftest import (
    FAST_CLOCK,
    REDIS_TEST_URL,
    SECRET,
    SETUP,
    FlakyReceiver,
    emit_in_background,
    event_ids,
    report,
    requires_postgres,
    reset,
    summary,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, requires_postgres]

EVENTS = 1000
DEADLINE = 240  # seconds; the runs take ~60-90 s on 2 busy cores
STALL = 60  # seconds without a single new delivery: something is broken, stop early


def all_delivered(database) -> bool:
    [(pending,)] = database.query(
        "SELECT count(*) FROM syndication_delivery WHERE status <> 'delivered'"
    )
    [(events,)] = database.query("SELECT count(*) FROM cms_event WHERE dispatched_at IS NULL")
    return pending == 0 and events == 0


def run_crash_test(scratch_db, *, redis_url: str | None, name: str) -> dict:
    reset(scratch_db)
    receiver = FlakyReceiver()
    with receiver.server:
        cluster = Cluster(scratch_db.url, redis_url=redis_url, extra_env=FAST_CLOCK)
        cluster.python(SETUP.format(url=receiver.url(), secret=SECRET))
        started = time.monotonic()
        cluster.start(workers=3)
        rng = random.Random(11)
        try:
            emitter = emit_in_background(cluster, EVENTS)
            # Kill a random worker every ~0.5 s while events are produced and delivered.
            progress, last_progress = 0, time.monotonic()
            while time.monotonic() - started < DEADLINE:
                if len(receiver.accepted) > progress:
                    progress, last_progress = len(receiver.accepted), time.monotonic()
                assert time.monotonic() - last_progress < STALL, "no delivery progress"
                time.sleep(rng.uniform(0.35, 0.65))
                cluster.kill_worker(rng.randrange(3))
                cluster.revive_dead()
                if not emitter.is_alive() and len(receiver.accepted) >= EVENTS:
                    break
            emitter.join(timeout=60)
            assert not emitter.errors, emitter.errors
            # Stop killing; let the relay recover what the last kills left leased.
            while time.monotonic() - started < DEADLINE and not all_delivered(scratch_db):
                cluster.revive_dead()
                time.sleep(0.5)
        finally:
            cluster.stop()
        seconds = time.monotonic() - started
        ids = event_ids(scratch_db)
    figures = summary(receiver, ids, cluster, seconds)
    report(name, figures)

    assert figures["events"] == EVENTS
    assert figures["lost"] == 0, f"lost {figures['lost']} events"
    assert figures["kills"] >= 20
    assert figures["duplicate_rate"] <= 0.05
    assert receiver.bad_signatures == 0 and receiver.mismatched_ids == 0
    # A duplicate is the same message: same webhook-id, byte-identical body.
    assert all(len(bodies) == 1 for bodies in receiver.bodies.values())
    assert set(receiver.accepted) == ids
    return figures


class TestCrashes:
    def test_database_backend_loses_nothing_while_workers_are_killed(self, scratch_db):
        run_crash_test(scratch_db, redis_url=None, name="crash db_worker")

    @pytest.mark.redis
    def test_rq_backend_loses_nothing_while_workers_are_killed(self, scratch_db):
        # Redis itself is checked by the ``redis`` marker's fixture (tests/conftest.py).
        redis.Redis.from_url(REDIS_TEST_URL).flushdb()  # db 3 is reserved for these tests
        run_crash_test(scratch_db, redis_url=REDIS_TEST_URL, name="crash rqworker")


def postgres_cluster_name() -> str | None:
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*"))
    return versions[0] if versions else None


def restart_postgres_immediately() -> None:
    version = postgres_cluster_name()
    subprocess.run(
        [
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            version,
            "main",
            "restart",
            "-m",
            "immediate",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    for _ in range(60):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
            return
        time.sleep(0.5)
    raise AssertionError("PostgreSQL did not come back within 30 s")


class TestDatabaseRestart:
    @pytest.mark.skipif(postgres_cluster_name() is None, reason="needs a local pg_ctlcluster")
    def test_postgres_restarted_mid_run_loses_nothing(self, scratch_db):
        from django.db import connections

        reset(scratch_db)
        receiver = FlakyReceiver(fail_rate=0.0, slow_rate=0.0)
        count = 300
        with receiver.server:
            cluster = Cluster(scratch_db.url, extra_env=FAST_CLOCK)
            cluster.python(SETUP.format(url=receiver.url(), secret=SECRET))
            started = time.monotonic()
            cluster.start(workers=3)
            try:
                emitter = emit_in_background(cluster, count, pause=0.01)
                while len(receiver.accepted) < count // 3:
                    assert time.monotonic() - started < DEADLINE
                    time.sleep(0.05)
                emitter.join(timeout=120)
                restart_postgres_immediately()
                # Events were recorded before the restart; keep producing after it as well.
                more = emit_in_background(cluster, 50)
                more.join(timeout=120)
                while time.monotonic() - started < DEADLINE and not all_delivered(scratch_db):
                    time.sleep(0.5)
                alive = cluster.alive_workers()
            finally:
                cluster.stop()
                connections.close_all()  # this process's own connections died with the server
            ids = event_ids(scratch_db)
            figures = summary(receiver, ids, cluster, time.monotonic() - started)
        figures["workers_alive_after_restart"] = alive
        report("postgres restart", figures)
        assert not emitter.errors and not more.errors, emitter.errors + more.errors
        assert figures["events"] == count + 50
        assert figures["lost"] == 0
        assert alive == 3, "workers must reconnect, not exit"
