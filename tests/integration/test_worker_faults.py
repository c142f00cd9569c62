"""What a crash leaves: the worker through a Redis restart, `tiegraph up` through its children's
deaths, a killed job's lease, and a job whose input is unusable. Real processes, real kills."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from neo4j import AsyncDriver

from app.local.processes import ManagedProcess
from app.local.redis_server import local_redis
from app.worker import create_worker, queue_pool
from ingest.jobs import enqueue_ingest, job_report
from tests.conftest import REDIS_PASSWORD, free_port
from tiegraph.settings import Settings


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment a user's shell would give tiegraph for these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIEGRAPH_")}
    return {**env, "TIEGRAPH_NEO4J_URI": settings.neo4j_uri,
            "TIEGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
            "TIEGRAPH_REDIS_URL": settings.redis_url, "TIEGRAPH_FIRM_DOMAINS": "firm.test",
            "TIEGRAPH_DATA_DIR": str(settings.data_dir), **extra}  # fmt: skip


def _spawn(log: Path, env: dict[str, str], *argv: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "app.cli", *argv], env=env,
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip


def _check(settings: Settings) -> int:
    """`tiegraph worker --check`, as docker-compose's health check runs it."""
    argv = [sys.executable, "-m", "app.cli", "worker", "--check"]
    return subprocess.run(argv, env=_env(settings), capture_output=True, check=False).returncode


def _jsonl(path: Path, prefix: str, count: int) -> Path:
    rows = [{"id": f"{prefix}{i}", "kind": "email", "occurredAt": "2026-09-01T10:00:00Z",
             "from": "ann@firm.test", "to": [f"c{i}@acme.com"]} for i in range(count)]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


async def _wait_for_job(settings: Settings, job_id: str, seconds: float) -> str:
    pool = await queue_pool(settings)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status = (await job_report(pool, job_id)).status
            if status in {"complete", "failed"}:
                return status
            await asyncio.sleep(0.2)
        return (await job_report(pool, job_id)).status
    finally:
        await pool.aclose()


@pytest.fixture
def own_redis(settings: Settings, tmp_path: Path) -> Iterator[tuple[ManagedProcess, Settings]]:
    """A Redis of this test's own (it is stopped and started), and settings that use it."""
    port = free_port()
    redis = local_redis(tmp_path / "redis-home", port, REDIS_PASSWORD)
    redis.start()
    url = f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"
    try:
        yield redis, settings.model_copy(update={"redis_url": url, "data_dir": tmp_path})
    finally:
        redis.stop()


async def test_the_worker_outlives_a_redis_restart_and_runs_what_is_queued_after(
    own_redis: tuple[ManagedProcess, Settings], tmp_path: Path, driver: AsyncDriver
) -> None:
    redis, settings = own_redis
    log = tmp_path / "worker.log"
    assert _check(settings) == 1  # no worker yet: what a container's health check sees
    worker = _spawn(log, _env(settings), "worker")
    try:
        deadline = time.monotonic() + 60
        while "Starting worker" not in log.read_text():
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            await asyncio.sleep(0.2)
        for _ in range(50):  # its first poll writes the health key
            if _check(settings) == 0:
                break
            await asyncio.sleep(0.2)
        assert _check(settings) == 0
        redis.stop()
        await asyncio.sleep(5)  # the worker notices within its poll, then backs off
        assert worker.poll() is None, log.read_text()
        redis.start()
        pool = await queue_pool(settings)
        try:
            job = await enqueue_ingest(pool, [str(_jsonl(tmp_path / "after.jsonl", "r", 3))])
        finally:
            await pool.aclose()
        assert await _wait_for_job(settings, job, 60) == "complete", log.read_text()
    finally:
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(30)
    assert code == 0, log.read_text()
    assert "reconnecting in" in log.read_text()
    found = await driver.execute_query("MATCH (i:Interaction) RETURN count(i) AS n")
    assert found.records[0]["n"] == 3


async def test_a_job_with_nothing_usable_fails_once_with_its_located_error(
    settings: Settings, tmp_path: Path
) -> None:
    poison = tmp_path / "invite.ics"
    poison.write_text("\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//EN", "BEGIN:VEVENT", "UID:flood@x",
        "DTSTAMP:20260101T000000Z", "DTSTART:20260101T000000Z", "DTEND:20260101T000001Z",
        "RRULE:FREQ=SECONDLY", "ORGANIZER:mailto:ann@firm.test", "ATTENDEE:mailto:joe@acme.com",
        "END:VEVENT", "END:VCALENDAR",
    ]) + "\r\n")  # fmt: skip
    pool = await queue_pool(settings)
    try:
        job = await enqueue_ingest(pool, [str(poison)])
        worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.1)
        await worker.main()
        await worker.close()
        report = await job_report(pool, job)
        assert await pool.get(f"arq:retry:{job}") in (None, b"1")  # one try, no retry
    finally:
        await pool.aclose()
    assert report.status == "failed"
    assert report.failure is not None
    assert "invite.ics#flood@x" in report.failure
    assert report.error_count == 1
    assert report.errors[0].startswith("invite.ics#flood@x")


def _children(pid: int) -> dict[str, int]:
    """`up`'s children by command (worker, serve)."""
    found: dict[str, int] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if len(argv) > 2:  # not a zombie (killed, not yet reaped by `up`)
                found[argv[-2].decode()] = int(child)
    return found


def _wait_for(check: object, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {seconds} s; log:\n{log.read_text()}")


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_up_restarts_a_killed_worker_and_api(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "up.log"
    up = _spawn(log, _env(settings.model_copy(update={"data_dir": tmp_path}),
                          TIEGRAPH_API_PORT=str(port)), "up")  # fmt: skip
    try:
        _wait_for(lambda: _healthy(port), 90, "the API answers", log)
        first = _children(up.pid)
        os.kill(first["worker"], signal.SIGKILL)
        os.kill(first["serve"], signal.SIGKILL)
        _wait_for(lambda: set(_children(up.pid)) == {"worker", "serve"}
                  and first["worker"] not in _children(up.pid).values(), 30,
                  "a new worker and API", log)  # fmt: skip
        _wait_for(lambda: _healthy(port), 90, "the restarted API answers", log)
    finally:
        up.send_signal(signal.SIGINT)
        code = up.wait(60)
    output = log.read_text()
    assert code == 0, output
    assert "worker exited with code -9; restarting it in 1 s" in output
    assert "API exited with code -9; restarting it in 1 s" in output


async def test_a_job_whose_worker_kept_dying_ends_failed_and_says_so(
    settings: Settings, tmp_path: Path
) -> None:
    pool = await queue_pool(settings)
    try:
        # As arq finds a job after five workers died running it: its sixth try.
        job = await pool.enqueue_job("ingest_paths", [str(tmp_path)], _job_try=6)
        assert job is not None
        worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.1)
        await worker.main()
        await worker.close()
        report = await job_report(pool, job.job_id)
    finally:
        await pool.aclose()
    assert report.status == "failed"
    assert report.failure == (
        "started 5 times without finishing (its worker stopped each time: killed, or out of "
        "memory?); not tried again"
    )
