"""Sources as an admin sees them: the CLI, GraphQL, the worker's jobs and schedule, /metrics,
and secrets that appear in none of them, nor in the logs or the graph."""

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis
from neo4j import AsyncDriver

from app.worker import create_worker, queue_pool, schedule_syncs
from graph.repository import GraphRepository
from graph.sources import add_source, list_sources, record_failure, set_paused
from tests.clirun import run_cli, set_env
from tests.integration.apihelp import gql
from tests.integration.fixtures import message
from tests.integration.mailservers import Dovecot, dovecot_server
from tiegraph.settings import Settings
from tiegraph.sources import Security, imap_spec

ANN = "ann@firm.test"
SECRET = "ann-imap-Secret-7"
USERS = {ANN: SECRET}


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    with dovecot_server(USERS) as server:
        server.append(ANN, "INBOX", [message(f"a{i}@acme.test", f"c{i}@acme.test", ANN)
                                     for i in range(2)])  # fmt: skip
        yield server


@pytest.fixture
async def queue(settings: Settings) -> Any:
    pool = await queue_pool(settings)
    await pool.flushdb()  # no job of another test is run by this test's worker
    yield pool
    await pool.aclose()


async def run_worker(settings: Settings) -> None:
    """Run the queued jobs to the end (the schedule is called by the tests themselves)."""
    worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.05,
                           cron_jobs=[])  # fmt: skip
    await worker.main()
    await worker.close()


def test_the_source_commands(
    capsys: pytest.CaptureFixture[str], settings: Settings, monkeypatch: pytest.MonkeyPatch,
    dovecot: Dovecot, tmp_path: Path,
) -> None:  # fmt: skip
    set_env(monkeypatch, neo4j_uri=settings.neo4j_uri, redis_url=settings.redis_url,
            firm_domains="firm.test")  # fmt: skip
    monkeypatch.setenv("COLUMNS", "300")
    secret_file = tmp_path / "imap-password"
    secret_file.write_text(SECRET + "\n")
    common = ["--user", ANN, "--host", "127.0.0.1", "--port", str(dovecot.port),
              "--security", "none"]  # fmt: skip
    outsider = run_cli(capsys, "source", "add", "imap", "--name", "x", "--member", "joe@acme.test",
                       *common, "--password", f"file:{secret_file}")  # fmt: skip
    assert (outsider.code, outsider.err.splitlines()) == (
        1, ["error: member: joe@acme.test is not on a firm domain; a source belongs to a team "
            "member"])  # fmt: skip
    added = run_cli(capsys, "source", "add", "imap", "--name", "Ann mail", "--member", ANN,
                    *common, "--password", f"file:{secret_file}")  # fmt: skip
    assert added.code == 0, added.err
    source_id = added.err.split()[1]

    synced = run_cli(capsys, "source", "sync", source_id)
    assert (synced.code, synced.err.strip()) == (
        0, f"Source {source_id}: 2 read, 2 written, 0 already stored.")  # fmt: skip
    listed = run_cli(capsys, "source", "list")
    assert source_id in listed.out
    assert f"file:{secret_file}" in listed.out
    assert " ok " in listed.out
    assert run_cli(capsys, "source", "pause", source_id).code == 0
    assert " paused " in run_cli(capsys, "source", "list").out
    assert run_cli(capsys, "source", "resume", source_id).code == 0
    assert run_cli(capsys, "source", "remove", source_id).code == 0
    assert source_id not in run_cli(capsys, "source", "list").out
    gone = run_cli(capsys, "source", "sync", source_id)
    assert (gone.code, gone.err.strip()) == (1, f"error: no source '{source_id}'")
    assert SECRET not in "".join(r.out + r.err for r in (outsider, added, synced, listed))


SOURCES = """{ sources { id state secret lastError lagSeconds itemsRead itemsWritten failures
                         nextAttemptAt } }"""
ADD = """mutation($input: ImapSourceInput!) { addImapSource(input: $input) { id state } }"""


async def graph_text(driver: AsyncDriver) -> str:
    result = await driver.execute_query("MATCH (n) RETURN properties(n) AS p")
    return repr([r["p"] for r in result.records])


async def test_sources_over_graphql_and_the_worker_never_show_a_secret(
    api: httpx.AsyncClient, driver: AsyncDriver, settings: Settings, queue: ArqRedis,
    dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("ANN_IMAP_PASSWORD", SECRET)
    monkeypatch.setenv("STALE_IMAP_PASSWORD", SECRET[::-1])
    base = {"host": "127.0.0.1", "port": dovecot.port, "security": "NONE", "user": ANN,
            "member": ANN}  # fmt: skip
    good = await gql(api, ADD, input={**base, "name": "good", "password": "env:ANN_IMAP_PASSWORD"})
    bad = await gql(api, ADD, input={**base, "name": "bad", "password": "env:STALE_IMAP_PASSWORD"})
    ids = [good["data"]["addImapSource"]["id"], bad["data"]["addImapSource"]["id"]]
    jobs = [await gql(api, "mutation($id: String!) { syncSource(id: $id) }", id=i) for i in ids]
    await run_worker(settings)

    done = await gql(api, "query($id: String!) { ingestJob(id: $id) { status read ingested } }",
                     id=jobs[0]["data"]["syncSource"])  # fmt: skip
    assert done["data"]["ingestJob"] == {"status": "COMPLETE", "read": 2, "ingested": 2}
    answer = await gql(api, SOURCES)
    by_id = {s["id"]: s for s in answer["data"]["sources"]}
    assert by_id[ids[0]]["state"] == "OK" and by_id[ids[0]]["itemsWritten"] == 2  # noqa: PT018
    assert by_id[ids[0]]["lagSeconds"] is not None
    failing = by_id[ids[1]]
    assert (failing["state"], failing["failures"], failing["secret"]) == (
        "FAILING", 1, "env:STALE_IMAP_PASSWORD")  # fmt: skip
    assert failing["lastError"].startswith("imap: sign-in refused")
    assert failing["nextAttemptAt"] is not None
    metrics = (await api.get("/metrics")).text
    assert f'tiegraph_source_errors_total{{kind="imap",source="{ids[1]}"}} 1.0' in metrics
    assert f'tiegraph_source_lag_seconds{{kind="imap",source="{ids[0]}"}}' in metrics

    seen = repr([good, bad, jobs, done, answer]) + metrics + caplog.text
    seen += await graph_text(driver)
    for secret in (SECRET, SECRET[::-1]):
        assert secret not in seen


async def test_the_schedule_queues_the_due_sources_only(
    repo: GraphRepository, settings: Settings, queue: ArqRedis, dovecot: Dovecot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ANN_IMAP_PASSWORD", SECRET)

    async def source(name: str) -> str:
        spec = imap_spec(name, "127.0.0.1", ANN, ANN, port=dovecot.port, security=Security.NONE,
                         password="env:ANN_IMAP_PASSWORD")  # fmt: skip
        return (await add_source(repo, spec, settings.firm_domains)).id

    due, paused, waiting = await source("due"), await source("paused"), await source("waiting")
    await set_paused(repo, paused, True)
    now = datetime.now(UTC)
    await record_failure(repo, waiting, "imap: x", now, now + timedelta(hours=1), (0, 0))
    ctx = {"settings": settings, "repo": repo, "redis": queue}
    await schedule_syncs(ctx)
    await schedule_syncs(ctx)  # the same tick: queued once
    queued = [job.args for job in await queue.queued_jobs()]
    assert queued == [[due]]  # job arguments are JSON
    await run_worker(settings)
    state = {s.id: s for s in await list_sources(repo)}
    assert state[due].items_written == 2
    assert state[paused].last_attempt_at is None and state[waiting].last_attempt_at is None  # noqa: PT018
    await schedule_syncs(ctx)  # just synced: not due again before the interval
    assert await queue.queued_jobs() == []
