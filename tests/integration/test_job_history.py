"""The job history: queued, running and finished jobs, kept TIEGRAPH_JOB_HISTORY_DAYS."""

import json
from pathlib import Path

import httpx
from fastapi import FastAPI

from app.worker import create_worker, queue_pool
from ingest.jobs import enqueue_ingest
from tiegraph.settings import Settings


async def test_finished_jobs_are_listed_and_kept_for_the_history_days(
    app: FastAPI, api: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "h1", "kind": "email", "occurredAt": "2026-09-01T10:00:00Z",
                                "from": "ann@firm.test", "to": ["joe@acme.com"]}) + "\n")  # fmt: skip
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "b1", "kind": "email"}\n')
    pool = await queue_pool(settings)
    try:
        done = await enqueue_ingest(pool, [str(good)])
        failed = await enqueue_ingest(pool, [str(bad)])
        worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.1)
        await worker.main()
        await worker.close()
        queued = await enqueue_ingest(pool, [str(good)])
        kept = await pool.ttl(f"arq:result:{done}")
    finally:
        await pool.aclose()
    assert kept > 29 * 86400  # the default 30 days, not arq's hour

    listed = (await api.get("/jobs", params={"first": 100})).json()["jobs"]
    by_id = {job["id"]: job for job in listed}
    assert by_id[done]["status"] == "complete"
    assert (by_id[done]["kind"], by_id[done]["read"], by_id[done]["ingested"]) == ("ingest", 1, 1)
    assert by_id[done]["finished_at"] is not None
    assert by_id[failed]["status"] == "failed"
    assert by_id[failed]["failure"].startswith(
        "nothing could be ingested; first error: bad.jsonl:1"
    )
    assert by_id[queued]["status"] == "queued"
    assert listed[0]["id"] == queued  # newest first
    assert str(tmp_path) not in json.dumps(listed)  # never a job's arguments

    graphql = await api.post("/graphql", json={"query": "{ jobs(first: 100) { id kind status } }"})
    jobs = {job["id"]: job for job in graphql.json()["data"]["jobs"]}
    assert jobs[failed] == {"id": failed, "kind": "ingest", "status": "FAILED"}
    too_many = await api.get("/jobs", params={"first": 10_000})
    assert too_many.json()["error"]["code"] == "LIMIT"
