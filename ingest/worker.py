"""The arq worker: ingestion jobs run here, with their own single driver."""

from dataclasses import asdict
from pathlib import Path
from typing import Any

from arq.connections import RedisSettings
from arq.worker import Worker

from graph.driver import create_driver
from graph.repository import GraphRepository
from ingest.pipeline import Ingestor, IngestReport
from ingest.sources import iter_path
from tiegraph.settings import Settings, get_settings


def report_as_dict(report: IngestReport) -> dict[str, Any]:
    """A JSON-friendly report, as jobs store it in Redis."""
    data = asdict(report)
    data["skipped"] = dict(report.skipped)
    data["errors"] = [str(e) for e in report.errors]
    return data


async def _startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    driver = create_driver(settings)
    await driver.verify_connectivity()
    ctx["driver"] = driver
    ctx["repo"] = GraphRepository(driver, settings.neo4j_database)


async def _shutdown(ctx: dict[str, Any]) -> None:
    await ctx["driver"].close()


async def ingest_paths(ctx: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """Ingest files already on the worker's disk; returns the report."""
    settings: Settings = ctx["settings"]
    ingestor = Ingestor.for_settings(ctx["repo"], settings)
    for path in paths:
        await ingestor.run(iter_path(Path(path)))
    return report_as_dict(ingestor.report)


def redis_settings(settings: Settings) -> RedisSettings:
    """arq's connection settings for `TIEGRAPH_REDIS_URL`."""
    return RedisSettings.from_dsn(settings.redis_url)


def create_worker(settings: Settings | None = None) -> Worker:
    """A worker bound to `settings` (the environment's by default)."""
    settings = settings or get_settings()
    return Worker(
        functions=[ingest_paths],
        redis_settings=redis_settings(settings),
        on_startup=_startup,
        on_shutdown=_shutdown,
        ctx={"settings": settings},
        handle_signals=True,
    )
