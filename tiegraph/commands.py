"""What the CLI's longer commands do; kept apart so `tiegraph --help` stays quick to load."""

import asyncio
import subprocess
import sys
from pathlib import Path

from arq import create_pool
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph.driver import apply_schema, create_driver
from graph.repository import GraphRepository
from ingest.demo import demo_records
from ingest.jobs import enqueue_ingest
from ingest.pipeline import Ingestor, IngestReport
from ingest.sources import SourceOptions, iter_path
from ingest.worker import redis_settings
from tiegraph.processes import ManagedProcess
from tiegraph.services import (
    neo4j_process,
    port_open,
    redis_is_local,
    redis_port,
    redis_process,
)
from tiegraph.settings import Settings


async def apply_schema_now(settings: Settings, console: Console) -> int:
    """`tiegraph schema`: create what is missing of the schema."""
    driver = create_driver(settings)
    try:
        count = await apply_schema(driver, settings.neo4j_database)
    finally:
        await driver.close()
    console.print(f"Schema applied: {count} constraints and indexes present.")
    return 0


def summary_table(report: IngestReport) -> Table:
    """The end-of-run table: counts, skip reasons and the first errors."""
    table = Table(title="Ingestion summary", show_header=False)
    counts = {"read": report.read, "ingested": report.ingested,
              "duplicates": report.duplicates, "errors": report.error_count}  # fmt: skip
    for label, value in counts.items():
        table.add_row(label, str(value))
    for reason, count in sorted(report.skipped.items()):
        table.add_row(f"skipped: {reason}", str(count))
    for issue in report.errors[:20]:
        table.add_row("[red]error[/red]", str(issue))
    return table


async def _ingest_items(
    settings: Settings,
    paths: list[Path],
    console: Console,
    options: SourceOptions | None = None,
    demo: bool = False,
) -> IngestReport:
    driver = create_driver(settings)
    try:
        await driver.verify_connectivity()
        await apply_schema(driver, settings.neo4j_database)
        repo = GraphRepository(driver, settings.neo4j_database)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console, transient=False) as progress:  # fmt: skip
            task = progress.add_task("reading", total=None)

            def show(report: IngestReport) -> None:
                text = f"read {report.read:,} · ingested {report.ingested:,}"
                progress.update(task, description=f"{text} · errors {report.error_count:,}")

            ingestor = Ingestor.for_settings(repo, settings, show)
            if demo:
                await ingestor.run(demo_records())
            for path in paths:
                await ingestor.run(iter_path(path, options))
            show(ingestor.report)
        return ingestor.report
    finally:
        await driver.close()


async def ingest_files(
    settings: Settings, paths: list[Path], options: SourceOptions, console: Console
) -> IngestReport:
    """`tiegraph ingest PATH...`: ingest in this process, with progress and a summary."""
    report = await _ingest_items(settings, paths, console, options)
    console.print(summary_table(report))
    return report


async def load_demo(settings: Settings, console: Console) -> int:
    """`tiegraph demo`: load the deterministic demo firm (loading twice changes nothing)."""
    report = await _ingest_items(settings, [], console, demo=True)
    console.print(summary_table(report))
    return 0


async def queue_files(settings: Settings, paths: list[Path]) -> str:
    """`tiegraph ingest --queue`: hand the files to the worker; returns the job id."""
    pool = await create_pool(redis_settings(settings))
    try:
        return await enqueue_ingest(pool, [str(p.resolve()) for p in paths])
    finally:
        await pool.aclose()


def _start_local_services(settings: Settings, console: Console) -> list[ManagedProcess]:
    started: list[ManagedProcess] = []
    if settings.neo4j_is_local and not port_open("127.0.0.1", settings.neo4j_port):
        neo4j = neo4j_process(settings, console.print)
        console.print("Starting Neo4j (about 10 s)...")
        neo4j.start()
        started.append(neo4j)
    if redis_is_local(settings) and not port_open("127.0.0.1", redis_port(settings)):
        redis = redis_process(settings)
        redis.start()
        started.append(redis)
    return started


def bring_up(settings: Settings, demo: bool, console: Console) -> int:
    """`make run`: start what is missing, load the demo, run worker and API until Ctrl-C."""
    import uvicorn

    from app.main import create_app

    started = _start_local_services(settings, console)
    worker: subprocess.Popen[bytes] | None = None
    try:
        asyncio.run(apply_schema_now(settings, console))
        if demo:
            asyncio.run(load_demo(settings, console))
        worker = subprocess.Popen([sys.executable, "-m", "tiegraph.cli", "worker"])
        url = f"http://{settings.api_host}:{settings.api_port}/graphql"
        console.print(f"[bold green]tiegraph is up.[/] GraphQL: {url}  (Ctrl-C stops everything)")
        uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        for process in reversed(started):
            console.print(f"Stopping {process.name}...")
            process.stop()
    return 0
