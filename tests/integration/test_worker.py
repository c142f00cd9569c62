import json
from pathlib import Path

from arq import create_pool
from arq.jobs import Job, JobStatus
from neo4j import AsyncDriver

from app.worker import create_worker, queue_pool, redis_settings
from tiegraph.settings import Settings


async def test_a_queued_ingest_job_runs_on_the_worker(
    tmp_path: Path, settings: Settings, driver: AsyncDriver
) -> None:
    source = tmp_path / "mail.jsonl"
    rows = [{"id": f"q{i}", "kind": "email", "occurredAt": "2026-09-01T10:00:00Z",
             "from": "ann@firm.test", "to": [f"c{i}@acme.com"]} for i in range(120)]  # fmt: skip
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    pool = await queue_pool(settings)
    try:
        job = await pool.enqueue_job("ingest_paths", [str(source)])
        assert job is not None
        worker = create_worker(settings.model_copy(update={}))
        worker.burst = True
        worker.handle_signals = False
        await worker.main()
        await worker.close()
        result = await job.result(timeout=10)
    finally:
        await pool.aclose()
    assert (result["read"], result["ingested"], result["error_count"]) == (121, 120, 1)
    assert result["errors"] == ["mail.jsonl:121: not valid JSON (Expecting value at column 1)"]
    count = await driver.execute_query("MATCH (:TeamMember)-[t:KNOWS]->() RETURN count(t) AS n")
    assert count.records[0]["n"] == 120


class _Planted:
    """What an attacker pickles: reading it back runs `Path.touch` on the marker."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return Path.touch, (self.marker,)


async def test_a_pickled_job_planted_in_redis_runs_no_code(
    tmp_path: Path, settings: Settings
) -> None:
    marker = tmp_path / "code-ran"
    planter = await create_pool(redis_settings(settings))  # arq's default: pickle
    try:
        job = await planter.enqueue_job("ingest_paths", [_Planted(marker)], _job_id="planted")
        assert job is not None
        worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.1)
        await worker.main()
        await worker.close()
        assert not marker.exists()
        assert await Job("planted", planter).status() is not JobStatus.queued
    finally:
        await planter.delete("arq:job:planted", "arq:result:planted")
        await planter.aclose()
