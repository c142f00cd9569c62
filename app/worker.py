"""The arq worker: ingestion jobs run here, with their own single driver."""

import asyncio
import dataclasses
import logging
import shutil
import signal
import time
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.constants import default_queue_name, health_check_key_suffix, in_progress_key_prefix
from arq.cron import cron
from arq.worker import Retry, Worker
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from graph.driver import create_driver
from graph.firm import firm_domains
from graph.repository import GraphRepository
from ingest.backtest import Plan, backtest_stored
from ingest.jobs import (
    SERIALIZERS,
    enqueue_sync,
    report_as_dict,
    save_counts,
    save_progress,
    sync_result,
)
from ingest.pipeline import Ingestor
from ingest.profiles import queue_owed_rescore
from ingest.rescore import rescore_all
from ingest.sources import iter_path
from ingest.sync import due_sources, sync_source
from tiegraph.errors import BadInput
from tiegraph.settings import Settings, get_settings

RETRY_DELAY_SECONDS = 10
# A job that never finishes (its worker killed each time: out of memory, say) stops here.
MAX_TRIES = 5
# Reconnecting after Redis or Neo4j went away: 1 s, doubling up to 30 s; back to 1 s once a
# run lasted a minute.
BACKOFF_FIRST, BACKOFF_MAX, BACKOFF_RESET = 1.0, 30.0, 60.0
SERVICE_DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, ServiceUnavailable)

log = logging.getLogger(__name__)


async def _startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    # arq runs _shutdown even when startup failed: the driver is kept before it is verified so
    # it is closed then too, and _shutdown copes with none (a KeyError hid the real failure).
    ctx["driver"] = driver = create_driver(settings)
    await driver.verify_connectivity()
    ctx["repo"] = GraphRepository(driver, settings.neo4j_database)
    ctx["connected"].set()


async def _shutdown(ctx: dict[str, Any]) -> None:
    if "driver" in ctx:
        await ctx.pop("driver").close()


async def _hold_lease(redis: ArqRedis, job_id: str, lease_ms: int) -> None:
    """Renew the running job's lease (arq's in-progress key) a few times per lease: a worker
    that dies stops renewing it, and another worker takes the job up once it ends."""
    while True:
        try:
            await redis.pexpire(in_progress_key_prefix + job_id, lease_ms)
        except SERVICE_DOWN as exc:  # Redis away: the job goes on; its lease may lapse
            log.warning("could not renew the lease of job %s: %s", job_id, exc)
        await asyncio.sleep(lease_ms / 3000)


async def _job_start(ctx: dict[str, Any]) -> None:
    lease_ms = ctx["settings"].job_lease_seconds * 1000
    holder = _hold_lease(ctx["redis"], ctx["job_id"], lease_ms)
    ctx["leases"][ctx["job_id"]] = asyncio.create_task(holder)


async def _job_end(ctx: dict[str, Any]) -> None:
    lease = ctx["leases"].pop(ctx["job_id"], None)
    if lease is not None:
        lease.cancel()


def _keep(settings: Settings) -> int:
    """How long a job's result and progress are kept, in seconds."""
    return round(settings.job_history_days * 86400)


def _uploads(settings: Settings) -> Path:
    return (settings.data_dir / "uploads").resolve()


async def ingest_paths(ctx: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """Ingest files on the worker's disk; returns the report. Safe to run again: every batch is
    atomic and known ids are skipped, so a retry after a crash ends with the same graph."""
    settings: Settings = ctx["settings"]
    progress = partial(save_progress, ctx["redis"], ctx["job_id"], _keep(settings))
    ingestor = Ingestor.for_settings(ctx["repo"], settings, progress)
    try:
        for path in paths:
            await ingestor.run(iter_path(Path(path)))
    except (ServiceUnavailable, SessionExpired, TransientError) as exc:
        # 10 s, then 20, 30, 40: the tries last through a Neo4j restart (a minute or so).
        raise Retry(defer=RETRY_DELAY_SECONDS * ctx["job_try"]) from exc
    for done in map(Path, paths):  # uploads are ours to remove once ingested
        if done.resolve().is_relative_to(_uploads(settings)):
            shutil.rmtree(done.parent, ignore_errors=True)
    report = ingestor.report
    if report.errors and report.read <= report.error_count and not report.reference_rows:
        # Nothing usable in it: the job failed on its input (retrying cannot help); the
        # progress kept beside it still has every count and error.
        await save_progress(ctx["redis"], ctx["job_id"], _keep(settings), report)
        raise BadInput(f"nothing could be ingested; first error: {report.errors[0]}")
    return report_as_dict(report)


async def rescore_ties(ctx: dict[str, Any], rescore_id: str | None = None) -> dict[str, Any]:
    """Rebuild every tie under the active scoring profile, then clear the owed rescore it was
    queued for. Progress: interactions read, then ties written; `ingested` reaches `read`
    when every tie is back."""
    settings: Settings = ctx["settings"]

    async def progress(read: int, written: int) -> None:
        counts = {"read": read, "ties_written": written}
        await save_counts(ctx["redis"], ctx["job_id"], _keep(settings), counts)

    firm = await firm_domains(ctx["repo"], settings.firm_domains)
    done = await rescore_all(ctx["repo"], firm, progress)
    if rescore_id is not None:
        await ctx["repo"].rescore_done(rescore_id)
    return {"read": done.interactions, "ingested": done.interactions, "ties_written": done.ties}


async def backtest_ties(
    ctx: dict[str, Any], every_days: float, horizon_days: float, split: str | None
) -> dict[str, Any]:
    """Backtest the stored history under the active profile. Progress: interactions read,
    then cut-offs scored of `cutoffs`; the figures are the job's `result`."""
    settings: Settings = ctx["settings"]
    plan = Plan(every_days=every_days, horizon_days=horizon_days,
                split=datetime.fromisoformat(split) if split else None)  # fmt: skip

    async def progress(counts: dict[str, int]) -> None:
        await save_counts(ctx["redis"], ctx["job_id"], _keep(settings), counts)

    firm = await firm_domains(ctx["repo"], settings.firm_domains)
    return await backtest_stored(ctx["repo"], firm, plan, progress)


async def owed_rescores(ctx: dict[str, Any]) -> None:
    """Queue a rescore a profile change is owed but could not queue (Redis was down)."""
    await queue_owed_rescore(ctx["repo"], ctx["redis"])


async def sync_source_job(ctx: dict[str, Any], source_id: str) -> dict[str, Any]:
    """Sync one source (scheduled or asked for). A sync of the same source already running,
    here or anywhere (a slow one outlasting the interval, `tiegraph source sync`), makes this
    one a no-op: both would read the same new mail (`graph.sources.claim_sync`)."""
    try:
        report = await sync_source(ctx["repo"], ctx["settings"], source_id)
    except (ServiceUnavailable, SessionExpired, TransientError) as exc:
        raise Retry(defer=RETRY_DELAY_SECONDS) from exc
    return sync_result(report)


async def schedule_syncs(ctx: dict[str, Any]) -> None:
    """Queue a sync of every source that is due (see `ingest.sync.is_due`)."""
    settings: Settings = ctx["settings"]
    interval = timedelta(seconds=settings.sync_interval)
    tick = int(datetime.now(UTC).timestamp()) // settings.sync_interval
    for source in await due_sources(ctx["repo"], interval):
        await enqueue_sync(ctx["redis"], source.id, job_id=f"sync-{source.id}-{tick}")


def _sync_seconds(interval: int) -> set[int]:
    """The seconds of each minute the schedule looks for due sources: often enough for the
    interval (every 5 s at most), every minute for intervals of a minute or more."""
    step = max(d for d in (5, 10, 15, 20, 30, 60) if d <= max(5, min(60, interval)))
    return set(range(0, 60, step))


def redis_settings(settings: Settings) -> RedisSettings:
    """arq's connection settings for `TIEGRAPH_REDIS_URL`."""
    return RedisSettings.from_dsn(settings.redis_url)


async def queue_pool(settings: Settings, **connection: Any) -> ArqRedis:
    """A connection to the job queue that reads and writes jobs as the worker does;
    `connection` overrides fields of arq's RedisSettings (conn_retries, say)."""
    redis = dataclasses.replace(redis_settings(settings), **connection)
    return await create_pool(redis, **SERIALIZERS)


def create_worker(settings: Settings | None = None, **overrides: Any) -> Worker:
    """A worker bound to `settings` (the environment's by default)."""
    settings = settings or get_settings()
    options: dict[str, Any] = {
        "functions": [ingest_paths, rescore_ties, backtest_ties, sync_source_job],
        "redis_settings": redis_settings(settings),
        "on_startup": _startup,
        "on_shutdown": _shutdown,
        "on_job_start": _job_start,
        "on_job_end": _job_end,
        "max_tries": MAX_TRIES,
        "keep_result": _keep(settings),
        # The key `tiegraph worker --check` (and docker-compose's health check) looks for.
        "health_check_interval": 10,
        # Every minute, and at start: a profile saved while Redis was down gets its rescore.
        "cron_jobs": [
            cron(owed_rescores, second=0, run_at_startup=True),
            cron(schedule_syncs, second=_sync_seconds(settings.sync_interval), run_at_startup=True),
        ],
        "ctx": {"settings": settings, "leases": {}, "connected": asyncio.Event()},
        "job_timeout": settings.job_timeout_seconds,
        "handle_signals": True,
        **SERIALIZERS,
    }
    worker = Worker(**{**options, **overrides})
    # The lease a job takes when it is picked (arq's default: its whole timeout + 10 s), then
    # renewed while it runs (`_hold_lease`).
    worker.in_progress_timeout_s = settings.job_lease_seconds
    return worker


async def worker_alive(settings: Settings) -> bool:
    """True when a worker on this queue has reported within its health-check interval (arq
    rewrites the key every 10 s with an 11 s expiry): `tiegraph worker --check`."""
    pool = await queue_pool(settings, conn_retries=0)
    try:
        return bool(await pool.exists(default_queue_name + health_check_key_suffix))
    finally:
        await pool.aclose()


async def run_worker(settings: Settings) -> None:
    """`tiegraph worker`: run jobs until SIGTERM or SIGINT. Redis or Neo4j going away does not
    stop it: it says so, waits (1 s, doubling to 30 s) and connects again; jobs it was running
    are taken up again once their lease ends. Only when neither answers at the very start does
    it stop (the settings are more likely wrong than the servers down), with the error."""
    stopping, connected = asyncio.Event(), asyncio.Event()
    current: list[Worker] = []

    def stop(sig: signal.Signals) -> None:
        stopping.set()
        for worker in current:
            worker.handle_sig(sig)

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop, sig)
    delay = BACKOFF_FIRST
    while not stopping.is_set():
        current[:] = [worker := create_worker(settings, handle_signals=False)]
        worker.ctx["connected"] = connected
        began = time.monotonic()
        try:
            await worker.async_run()
        except SERVICE_DOWN as exc:
            if not connected.is_set():
                raise
            log.warning("lost Redis or Neo4j (%s: %s); reconnecting in %.0f s",
                        type(exc).__name__, exc, delay)  # fmt: skip
        except asyncio.CancelledError:
            if not stopping.is_set():
                raise
        finally:
            await _close(worker)
        delay = BACKOFF_FIRST if time.monotonic() - began > BACKOFF_RESET else delay
        with suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), delay)
        delay = min(delay * 2, BACKOFF_MAX)


async def _close(worker: Worker) -> None:
    """arq's close, which gives up half-way when Redis is down: the driver is closed anyway."""
    try:
        await worker.close()
    except SERVICE_DOWN:
        await _shutdown(worker.ctx)
        with suppress(*SERVICE_DOWN):
            await worker.pool.close(close_connection_pool=True)
