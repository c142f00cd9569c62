"""Uploads, the job queue and crash recovery, on real Redis, Neo4j and worker processes."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from arq.connections import ArqRedis
from arq.jobs import Job, JobStatus
from fastapi import FastAPI
from neo4j import AsyncDriver

from app.worker import create_worker, queue_pool
from ingest.jobs import enqueue_ingest, job_report
from ingest.pipeline import Ingestor
from ingest.sources import iter_path
from tests.conftest import free_port
from tests.integration.conftest import EMPTY_BUT_THE_FIRM
from tests.integration.fixtures import message, write_mbox
from tests.integration.graphstate import graph_state
from tiegraph.settings import Settings


async def _run_worker_until_idle(settings: Settings) -> None:
    worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.1)
    await worker.main()
    await worker.close()


async def test_upload_is_detected_by_content_queued_and_reported(
    app: FastAPI, api: httpx.AsyncClient, tmp_path: Path, driver: AsyncDriver
) -> None:
    mbox = write_mbox(tmp_path / "export.bin", [
        message("u1@firm.test", "ann@firm.test", "joe@acme.com"),
        message("u2@acme.com", "noreply@acme.com", "ann@firm.test"),
    ])  # fmt: skip
    response = await api.post("/ingest", files={"files": ("export.bin", mbox.read_bytes())})
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["files"] == [{"name": "export.bin", "format": "mbox"}]
    job_id = body["job_id"]
    queued = (await api.get(f"/jobs/{job_id}")).json()
    assert queued["status"] == "queued"

    # The worker shares the API's data_dir, as in production: it removes only uploads there.
    uploads = app.state.settings.data_dir / "uploads"
    assert (uploads / job_id).is_dir()
    await _run_worker_until_idle(app.state.settings)

    done = (await api.get(f"/jobs/{job_id}")).json()
    assert done["status"] == "complete"
    assert (done["read"], done["ingested"], done["skipped"]) == (2, 1, {"automated-sender": 1})
    query = {
        "query": f'{{ ingestJob(id: "{job_id}") {{ status ingested skipped {{ reason count }} }} }}'
    }
    graphql = (await api.post("/graphql", json=query)).json()["data"]["ingestJob"]
    assert graphql == {"status": "COMPLETE", "ingested": 1,
                       "skipped": [{"reason": "automated-sender", "count": 1}]}  # fmt: skip
    assert not (uploads / job_id).exists()  # the upload is removed once ingested


async def test_unknown_uploads_and_jobs_get_clear_errors(api: httpx.AsyncClient) -> None:
    response = await api.post("/ingest", files={"files": ("notes.txt", b"\x00\x01binary")})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BAD_INPUT"
    assert error["message"].startswith("notes.txt: cannot tell its format")
    assert "/" not in error["message"]  # nothing of where the server keeps uploads
    missing = await api.get("/jobs/no-such-job")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "NOT_FOUND"


def _start_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    # The default job timeout (an hour) and lease: a killed job must not wait for the former.
    env = {**os.environ, "TIEGRAPH_NEO4J_URI": settings.neo4j_uri,
           "TIEGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
           "TIEGRAPH_REDIS_URL": settings.redis_url, "TIEGRAPH_FIRM_DOMAINS": "firm.test",
           "TIEGRAPH_INGEST_BATCH_SIZE": "100"}  # fmt: skip
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], env=env,
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip


async def _count(driver: AsyncDriver) -> int:
    result = await driver.execute_query("MATCH (i:Interaction) RETURN count(i) AS n")
    return int(result.records[0]["n"])


async def test_a_job_killed_half_way_and_run_again_gives_the_clean_graph(
    settings: Settings, tmp_path: Path, driver: AsyncDriver, ingestor: Ingestor
) -> None:
    source = tmp_path / "big.jsonl"
    rows = [{"id": f"k{i}", "kind": "email", "occurredAt": f"2026-09-{1 + i % 28:02d}T10:00:00Z",
             "from": f"m{i % 7}@firm.test", "to": [f"c{i % 301}@acme{i % 13}.com"],
             "cc": [f"c{(i * 7) % 301}@acme{i % 13}.com"]} for i in range(4000)]  # fmt: skip
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    log = tmp_path / "worker.log"
    # The first worker starts (3-5 s of imports) while the clean graph is built, and idles
    # until the job.
    pool = await queue_pool(settings)
    first = _start_worker(settings, log)
    try:
        await ingestor.run(iter_path(source))
        clean = await graph_state(driver)
        await driver.execute_query(EMPTY_BUT_THE_FIRM)

        await enqueue_ingest(pool, [str(source)], job_id="kill-me")
        for _ in range(1200):  # until some batches are in and the job is far from done
            assert first.poll() is None, log.read_text()
            if await _count(driver) >= 500:
                break
            await asyncio.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = time.monotonic()
        stopped_at = await _count(driver)
        assert 0 < stopped_at < len(rows)
        assert (await job_report(pool, "kill-me")).status == "in_progress"

        # A new worker picks the abandoned job up once its lease (30 s, renewed only while a
        # worker runs it) ends: within a minute, though the job's timeout is an hour.
        second = _start_worker(settings, log)
        try:
            while time.monotonic() - killed_at < 60:
                if await _count(driver) == len(rows) and await _job_done(pool):
                    break
                await asyncio.sleep(0.1)
            assert await _job_done(pool), f"not done a minute after the kill: {log.read_text()}"
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
    finally:
        if first.poll() is None:  # the test failed before it was killed
            first.kill()
            first.wait()
        await pool.aclose()
    assert await graph_state(driver) == clean


async def _job_done(pool: ArqRedis) -> bool:
    return await Job("kill-me", pool).status() is JobStatus.complete


async def test_an_upload_refused_with_redis_down_leaves_nothing_on_disk(
    app: FastAPI, api: httpx.AsyncClient
) -> None:
    uploads = app.state.settings.data_dir / "uploads"
    before = set(uploads.iterdir()) if uploads.exists() else set()
    live_queue = app.state.queue
    app.state.queue = ArqRedis(host="127.0.0.1", port=free_port())  # a Redis nobody runs
    try:
        response = await api.post("/ingest", files={"files": ("a.jsonl", b'{"id": "x"}\n')})
    finally:
        await app.state.queue.aclose()
        app.state.queue = live_queue
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "UNAVAILABLE"
    assert set(uploads.iterdir()) == before
