"""The arq worker: ingestion jobs run here, with their own single driver."""

import dataclasses
import shutil
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.cron import cron
from arq.worker import Retry, Worker
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

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
from tiegraph.settings import Settings, get_settings

RETRY_DELAY_SECONDS = 10


async def _startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    # arq runs _shutdown even when startup failed: the driver is kept before it is verified so
    # it is closed then too, and _shutdown copes with none (a KeyError hid the real failure).
    ctx["driver"] = driver = create_driver(settings)
    await driver.verify_connectivity()
    ctx["repo"] = GraphRepository(driver, settings.neo4j_database)


async def _shutdown(ctx: dict[str, Any]) -> None:
    if "driver" in ctx:
        await ctx["driver"].close()


def _uploads(settings: Settings) -> Path:
    return (settings.data_dir / "uploads").resolve()


async def ingest_paths(ctx: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """Ingest files on the worker's disk; returns the report. Safe to run again: every batch is
    atomic and known ids are skipped, so a retry after a crash ends with the same graph."""
    settings: Settings = ctx["settings"]
    progress = partial(save_progress, ctx["redis"], ctx["job_id"])
    ingestor = Ingestor.for_settings(ctx["repo"], settings, progress)
    try:
        for path in paths:
            await ingestor.run(iter_path(Path(path)))
    except (ServiceUnavailable, SessionExpired, TransientError) as exc:
        raise Retry(defer=RETRY_DELAY_SECONDS) from exc
    for done in map(Path, paths):  # uploads are ours to remove once ingested
        if done.resolve().is_relative_to(_uploads(settings)):
            shutil.rmtree(done.parent, ignore_errors=True)
    return report_as_dict(ingestor.report)


async def rescore_ties(ctx: dict[str, Any], rescore_id: str | None = None) -> dict[str, Any]:
    """Rebuild every tie under the active scoring profile, then clear the owed rescore it was
    queued for. Progress: interactions read, then ties written; `ingested` reaches `read`
    when every tie is back."""
    settings: Settings = ctx["settings"]

    async def progress(read: int, written: int) -> None:
        counts = {"read": read, "ties_written": written}
        await save_counts(ctx["redis"], ctx["job_id"], counts)

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
        await save_counts(ctx["redis"], ctx["job_id"], counts)

    firm = await firm_domains(ctx["repo"], settings.firm_domains)
    return await backtest_stored(ctx["repo"], firm, plan, progress)


async def owed_rescores(ctx: dict[str, Any]) -> None:
    """Queue a rescore a profile change is owed but could not queue (Redis was down)."""
    await queue_owed_rescore(ctx["repo"], ctx["redis"])


def _lock_key(source_id: str) -> str:
    return f"tiegraph:sync-lock:{source_id}"


async def sync_source_job(ctx: dict[str, Any], source_id: str) -> dict[str, Any]:
    """Sync one source (scheduled or asked for). A sync of the same source already running
    (a slow one outlasting the interval, or one asked for meanwhile) makes this one a no-op:
    both would read the same new mail."""
    settings: Settings = ctx["settings"]
    redis: ArqRedis = ctx["redis"]
    lock = _lock_key(source_id)
    if not await redis.set(lock, ctx["job_id"], nx=True, ex=settings.job_timeout_seconds + 10):
        return {"result": {"source": source_id, "skipped": "a sync of it is running"}}
    try:
        report = await sync_source(ctx["repo"], settings, source_id)
    except (ServiceUnavailable, SessionExpired, TransientError) as exc:
        raise Retry(defer=RETRY_DELAY_SECONDS) from exc
    finally:
        await redis.delete(lock)
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
        "cron_jobs": [
            # Every minute, and at start: a profile saved while Redis was down gets its rescore.
            cron(owed_rescores, second=0, run_at_startup=True),
            cron(schedule_syncs, second=_sync_seconds(settings.sync_interval), run_at_startup=True),
        ],
        "ctx": {"settings": settings},
        "job_timeout": settings.job_timeout_seconds,
        "handle_signals": True,
        **SERIALIZERS,
    }
    return Worker(**{**options, **overrides})
