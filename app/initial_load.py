"""`tiegraph ingest --initial`: a firm's history into an empty graph through Neo4j's own bulk
importer (`ingest.bulk` makes the files), then the normal incremental path from there.

The local Neo4j that `tiegraph db` runs is stopped, its store replaced by
`neo4j-admin database import full`, and started again (any other Neo4j is emptied and written
with CREATE-only transactions, `ingest.bulk_write`); what the graph held before (settings,
tokens, the scoring profile, the erasure list, reference data: never an interaction) is read
first and written back, then the schema and the paths' reference rows. A failure after the
store was touched leaves it as it was before: without an interaction.
"""

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from neo4j import AsyncDriver
from neo4j.exceptions import Neo4jError
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from app.local.neo4j_server import ensure_installed, import_argv, store_home
from app.local.services import neo4j_process
from app.token_commands import connected
from graph.driver import apply_schema
from graph.firm import checked_firm
from graph.models import GraphSnapshot
from graph.repository import GraphRepository
from ingest.bulk import Admission, BulkResult, prepare_bulk, prepare_bulk_records
from ingest.bulk_write import create_from_files
from ingest.sources import SourceOptions
from scoring.policy import IngestPolicy
from tiegraph.domain import InteractionRecord
from tiegraph.errors import BadInput, Unavailable
from tiegraph.reference import ReferenceRow
from tiegraph.settings import Settings


@dataclass(frozen=True)
class _Before:
    """What the graph held before the load, and what admitting records needs from it."""

    snapshot: GraphSnapshot
    admission: Admission
    aliases: dict[str, str]


async def _read_before(settings: Settings, options: SourceOptions) -> _Before:
    async with connected(settings) as driver:
        repo = GraphRepository(driver, settings.neo4j_database)
        if await repo.has_interactions():
            raise BadInput(
                "the database already holds interactions; --initial loads an empty one "
                "(run `tiegraph ingest` without --initial to add to it)",
                location=settings.neo4j_uri,
            )
        # The firm and its capture controls as every ingestion reads them (refused before init).
        firm = await checked_firm(repo, settings.firm_domains)
        profile = await repo.scoring_profile()
        policy = IngestPolicy(firm_domains=firm.domains, profile=profile, capture=firm)
        admission = Admission(policy, {}, await repo.erased_hashes(), options)
        return _Before(await repo.snapshot(), admission, await repo.aliases())


class _Bar:
    """One progress bar per stage, with its total and an ETA; a finished stage is also told
    to `on_done` (the benchmark's breakdown)."""

    def __init__(self, progress: Progress, on_done: Callable[[str], None]) -> None:
        self._progress = progress
        self._on_done = on_done
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)
        if done >= total:
            self._on_done(stage)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<14}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=console, transient=False,
    )  # fmt: skip


def _run_import(settings: Settings, result: BulkResult, work: Path,
                stage: Callable[[str], None]) -> None:  # fmt: skip
    """Stop the local Neo4j, replace its store with the import, start it again."""
    process = neo4j_process(settings)
    home = store_home(settings.data_dir)
    argv = import_argv(ensure_installed(), settings.neo4j_database, result.files.arguments(),
                       work / "import.report")  # fmt: skip
    process.stop()
    stage("neo4j stopped")
    try:
        # On an interrupt `run` kills the importer; what it wrote so far is no store to start.
        done = subprocess.run(  # noqa: S603 - argv is ours; paths are our own files
            argv, env={**os.environ, "NEO4J_HOME": str(home)}, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise Unavailable("neo4j-admin database import failed; nothing was loaded:\n"
                              + _importer_error(done.stdout + done.stderr))  # fmt: skip
        stage("import full ran")
    except BaseException:
        _empty_store(home, settings.neo4j_database)
        raise
    finally:
        process.start()


def _importer_error(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    wanted = [line for line in lines if "rror" in line or "xception" in line or "FAIL" in line]
    return "\n".join((wanted or lines)[-8:])


def _empty_store(home: Path, database: str) -> None:
    """Remove a database's store: Neo4j starts it again empty."""
    for folder in ("databases", "transactions"):
        shutil.rmtree(home / "data" / folder / database, ignore_errors=True)


async def _finish(driver: AsyncDriver, settings: Settings, before: _Before,
                  result: BulkResult) -> None:  # fmt: skip
    """The schema, what the graph held before, and the paths' reference rows."""
    await apply_schema(driver, settings.neo4j_database)
    repo = GraphRepository(driver, settings.neo4j_database)
    if not before.snapshot.empty:
        await repo.restore(before.snapshot)
    firm = before.admission.policy.firm_domain_set
    size = settings.ingest_batch_size
    for spill in result.references:  # as the incremental path: per path, in batches
        for rows in spill.batches(size):
            await repo.write_reference(rows, firm)


async def _after_import(settings: Settings, before: _Before, result: BulkResult) -> None:
    async with connected(settings) as driver:
        try:
            await _finish(driver, settings, before, result)
        except BaseException:
            await _wipe(driver, settings, before)
            raise


async def _put_back(settings: Settings, before: _Before) -> None:
    """The schema and the graph as it was (after a failed import or a failed write)."""
    async with connected(settings) as driver:
        await apply_schema(driver, settings.neo4j_database)
        await _wipe(driver, settings, before)


async def _wipe(driver: AsyncDriver, settings: Settings, before: _Before) -> None:
    """Back to the graph as it was before the load (after a failure past the import)."""
    repo = GraphRepository(driver, settings.neo4j_database)
    await repo.empty_graph()
    if not before.snapshot.empty:
        await repo.restore(before.snapshot)


async def _create(settings: Settings, result: BulkResult, bar: "_Bar") -> None:
    """The import files written with CREATE-only transactions into an emptied graph (what it
    held is in the snapshot, written back after as on the importer's path)."""
    async with connected(settings) as driver:
        repo = GraphRepository(driver, settings.neo4j_database)
        await repo.empty_graph()
        await apply_schema(driver, settings.neo4j_database)
        try:
            await create_from_files(repo, result.files, settings.ingest_batch_size,
                                    lambda done, total: bar("writing", done, total))  # fmt: skip
        except Neo4jError as exc:
            raise Unavailable(f"writing the first load with CREATE failed; nothing was loaded:"
                              f"\n{exc.message}") from exc  # fmt: skip


_NOT_OURS = (
    "{uri} is not a Neo4j `tiegraph db` runs here, so Neo4j's importer cannot replace its "
    "store: writing the prepared rows with batched CREATE transactions instead"
)

Prepare = Callable[[_Before, Path, _Bar], BulkResult]


def ingest_initial(
    settings: Settings, paths: list[Path], options: SourceOptions, console: Console,
    workers: int = 2, on_stage: Callable[[str, float], None] | None = None,
) -> BulkResult:  # fmt: skip
    """`tiegraph ingest --initial PATH...`: the first load, with progress; returns what it
    loaded (`report`, sizes, the workers' peak memory)."""
    for path in paths:
        if not path.exists():
            raise BadInput("no such file or directory", location=str(path))

    def prepare(before: _Before, work: Path, bar: _Bar) -> BulkResult:
        return prepare_bulk(paths, before.admission, before.aliases, settings.ingest_batch_size,
                            work, bar, workers)  # fmt: skip

    return _load(settings, options, console, prepare, on_stage)


def load_initial_records(
    settings: Settings, references: Iterable[ReferenceRow], records: Iterable[InteractionRecord],
    console: Console, workers: int = 2,
) -> BulkResult:  # fmt: skip
    """The first load of records made in this process (bench/generate.py's firm)."""

    def prepare(before: _Before, work: Path, bar: _Bar) -> BulkResult:
        return prepare_bulk_records(references, records, before.admission,
                                    settings.ingest_batch_size, work, bar, workers)  # fmt: skip

    return _load(settings, SourceOptions(), console, prepare, None)


def _load(
    settings: Settings, options: SourceOptions, console: Console, prepare: Prepare,
    on_stage: Callable[[str, float], None] | None,
) -> BulkResult:  # fmt: skip
    started = time.perf_counter()

    def stage(name: str) -> None:
        _stage(on_stage, name, started)

    before = asyncio.run(_read_before(settings, options))
    with tempfile.TemporaryDirectory(prefix="initial-", dir=_work_root(settings)) as folder:
        work = Path(folder)
        with _progress(console) as progress:
            bar = _Bar(progress, stage)
            result = prepare(before, work, bar)
            _stage(on_stage, "prepared", started)
            try:
                if neo4j_process(settings).pid() is not None:
                    bar("importing", 0, 1)
                    _run_import(settings, result, work, stage)
                    bar("importing", 1, 1)
                else:
                    console.print(_NOT_OURS.format(uri=settings.neo4j_uri))
                    asyncio.run(_create(settings, result, bar))
            except BaseException:
                asyncio.run(_put_back(settings, before))
                raise
            _stage(on_stage, "imported", started)
            bar("indexes, refs", 0, 1)
            asyncio.run(_after_import(settings, before, result))
            bar("indexes, refs", 1, 1)
    _stage(on_stage, "done", started)
    seconds = time.perf_counter() - started
    console.print(f"{result.report.ingested:,} interactions, {result.people:,} people and "
                  f"{result.ties:,} ties loaded in {seconds:.1f} s")  # fmt: skip
    return result


def _stage(on_stage: Callable[[str, float], None] | None, name: str, started: float) -> None:
    if on_stage is not None:
        on_stage(name, time.perf_counter() - started)


def _work_root(settings: Settings) -> Path:
    # Beside the store: the spill and the CSV files can be as large as the input.
    root = settings.data_dir.resolve() / "work"
    root.mkdir(parents=True, exist_ok=True)
    return root
