import json
from pathlib import Path

from arq import create_pool
from neo4j import AsyncDriver

from app.worker import create_worker, redis_settings
from tiegraph.settings import Settings


async def test_a_queued_ingest_job_runs_on_the_worker(
    tmp_path: Path, settings: Settings, driver: AsyncDriver
) -> None:
    source = tmp_path / "mail.jsonl"
    rows = [{"id": f"q{i}", "kind": "email", "occurredAt": "2026-09-01T10:00:00Z",
             "from": "ann@firm.test", "to": [f"c{i}@acme.com"]} for i in range(120)]  # fmt: skip
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    pool = await create_pool(redis_settings(settings))
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
