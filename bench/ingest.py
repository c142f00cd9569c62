"""The ingestion benchmark: header parsing, the Neo4j write path, end to end, a naive baseline
and the peak memory of an end-to-end run, all in one run.

    python -m bench.ingest [--messages 200000] [--naive 2000] [--batch-size 5000]
                           [--neo4j-uri bolt://...] [--wipe] [--seed 7]

Steps, in order, on the synthetic mailbox of `bench.mailbox` (written once under `bench/out/`):

a. header parsing: `iter_mbox` over the whole file, messages/s;
b. write path: `Ingestor.run` over records already parsed into a list, interactions/s, on an
   empty database (the write queries are warmed up on a throwaway batch first);
d. naive baseline: the same `Ingestor` with `batch_size=1` (one transaction per interaction)
   over the first `--naive` records, on an empty database;
c. end to end: `Ingestor.run(iter_mbox(path))` on an empty database, in a child process so
   that its peak RSS (e) is its own: (b) holds every record in memory, (c) streams.

Without `--neo4j-uri` a throwaway Neo4j (heap 2g, page cache 1g) is started with the project's
launcher in a temporary directory and removed at the end. With it, the database is emptied
between steps, so a database that holds anything is refused unless `--wipe` is given.
Figures go to a table on the terminal and to `bench/out/ingest.json`.
"""

import argparse
import asyncio
import json
import logging
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver
from rich.console import Console
from rich.table import Table

from app.local.neo4j_server import NEO4J_VERSION, ensure_installed, local_neo4j
from app.local.system import free_port, throwaway_password
from bench.mailbox import DEFAULT_MESSAGES, DEFAULT_SEED, OUT_DIR, ensure_mailbox
from graph.driver import apply_schema, create_driver
from graph.firm import init_firm
from graph.repository import GraphRepository
from ingest.parsers.email import iter_mbox
from ingest.pipeline import Ingestor, IngestReport, PipelineItem
from ingest.results import ParsedItem
from tiegraph.domain import InteractionRecord
from tiegraph.settings import Settings

FIRM_DOMAINS = ("firm.test",)
DEFAULT_BATCH_SIZE = 5_000
DEFAULT_NAIVE = 2_000
HEAP, PAGECACHE = "2g", "1g"
# Enough for the JVM to compile the hot paths of every write query, not only to plan them.
WARMUP_RECORDS = 10_000
# The targets on a 2-core machine.
TARGETS = {
    "parse_messages_per_s": 30_000,
    "write_interactions_per_s": 20_000,
    "write_over_naive": 20,
    "e2e_messages_per_s": 10_000,
    "e2e_peak_rss_mb": 500,
}
RESULTS = OUT_DIR / "ingest.json"


@dataclass
class Step:
    """One timed step: how many things in how many seconds, and what the Ingestor reported."""

    count: int
    seconds: float
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def _report(report: IngestReport) -> dict[str, Any]:
    return {
        "read": report.read,
        "ingested": report.ingested,
        "duplicates": report.duplicates,
        "skipped": dict(report.skipped),
        "errors": report.error_count,
    }


def _settings(uri: str, batch_size: int) -> Settings:
    return Settings(neo4j_uri=uri, firm_domains=list(FIRM_DOMAINS), ingest_batch_size=batch_size)


async def _run_ingestor(
    driver: AsyncDriver, database: str, items: Iterable[PipelineItem], batch_size: int
) -> tuple[Step, list[tuple[float, int]]]:
    """Time one `Ingestor.run`; also the time and ingested count after every batch."""
    marks: list[tuple[float, int]] = []
    ingestor = Ingestor(
        GraphRepository(driver, database),
        FIRM_DOMAINS,
        batch_size,
        on_progress=lambda r: marks.append((time.perf_counter(), r.ingested)),
    )
    start = time.perf_counter()
    report = await ingestor.run(items)
    seconds = time.perf_counter() - start
    marks = [(mark - start, ingested) for mark, ingested in marks]
    return Step(report.ingested, seconds, _report(report)), marks


async def _count(driver: AsyncDriver, database: str, query: str) -> int:
    result = await driver.execute_query(query, database_=database)
    return int(result.records[0][0])


async def _graph_size(driver: AsyncDriver, database: str) -> dict[str, int]:
    return {
        "nodes": await _count(driver, database, "MATCH (n) RETURN count(n)"),
        "relationships": await _count(driver, database, "MATCH ()-[r]->() RETURN count(r)"),
        "interactions": await _count(driver, database, "MATCH (i:Interaction) RETURN count(i)"),
    }


async def wipe(driver: AsyncDriver, database: str) -> None:
    """Empty the database in transactions of 10,000 (constraints and indexes stay), and set
    the firm up again (ingestion refuses to run without it)."""
    repo = GraphRepository(driver, database)
    await repo.empty_graph()
    await init_firm(repo, FIRM_DOMAINS)


# --- (a) parsing ---------------------------------------------------------------------------


def _parse_pass(path: Path) -> tuple[Step, Counter[str]]:
    """Time `iter_mbox` over the whole file, keeping nothing but counts."""
    kinds: Counter[str] = Counter()
    start = time.perf_counter()
    for item in iter_mbox(path):
        kinds[type(item).__name__] += 1
    seconds = time.perf_counter() - start
    return Step(sum(kinds.values()), seconds), kinds


def _parsed(path: Path) -> list[ParsedItem]:
    return list(iter_mbox(path))


def _records(items: list[ParsedItem]) -> list[InteractionRecord]:
    return [item for item in items if isinstance(item, InteractionRecord)]


def _warmup_records(records: list[InteractionRecord]) -> list[InteractionRecord]:
    # Other ids, so nothing of the warm-up could count as a duplicate later (it is wiped anyway).
    return [
        r.model_copy(update={"external_id": f"warmup-{r.external_id}",
                             "in_reply_to": r.in_reply_to and f"warmup-{r.in_reply_to}"})
        for r in records[:WARMUP_RECORDS]
    ]  # fmt: skip


# --- (c, e) end to end, in a child process ------------------------------------------------------


def _ru_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _peak_rss_mb() -> float:
    """This process's own peak RSS: VmHWM, the high-water mark of its address space.

    On Linux ru_maxrss survives fork and exec: a child started by a parent holding 1 GB
    reports at least 1 GB. VmHWM starts afresh with the new program, so it is the child's own.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return _ru_maxrss_mb()


async def _end_to_end(uri: str, path: Path, batch_size: int) -> dict[str, Any]:
    """What the child process measures: `Ingestor.run(iter_mbox(path))` and its peak RSS."""
    settings = _settings(uri, batch_size)
    rss_before = _peak_rss_mb()
    driver = create_driver(settings)
    try:
        await apply_schema(driver, settings.neo4j_database)
        await init_firm(GraphRepository(driver, settings.neo4j_database), FIRM_DOMAINS)
        step, marks = await _run_ingestor(
            driver, settings.neo4j_database, iter_mbox(path), batch_size
        )
    finally:
        await driver.close()
    return {
        "messages": step.report["read"],
        "ingested": step.count,
        "seconds": step.seconds,
        "messages_per_s": step.report["read"] / step.seconds,
        "report": step.report,
        "batches": len(marks),
        "rss_mb_before_run": rss_before,
        "peak_rss_mb": _peak_rss_mb(),
        "ru_maxrss_mb": _ru_maxrss_mb(),
    }


def _end_to_end_in_child(uri: str, path: Path, batch_size: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.ingest", "--e2e-only", "--mailbox", str(path),
               "--neo4j-uri", uri, "--batch-size", str(batch_size)]  # fmt: skip
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        command, capture_output=True, text=True, check=False, cwd=Path(__file__).parent.parent
    )
    if done.returncode != 0:
        raise RuntimeError(f"the end-to-end child failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- Neo4j -----------------------------------------------------------------------------------


@contextmanager
def throwaway_neo4j(uri: str | None, say: Console) -> Iterator[str]:
    """The URI to benchmark against: the given one, or a throwaway local Neo4j."""
    if uri is not None:
        yield uri
        return
    home = Path(tempfile.mkdtemp(prefix="tiegraph-bench-"))
    port = free_port()
    process = local_neo4j(home, port, HEAP, PAGECACHE, classpath=ensure_installed(say.print),
                          password=throwaway_password())  # fmt: skip
    say.print(f"Starting a throwaway Neo4j {NEO4J_VERSION} in {home} (heap {HEAP}, "
              f"page cache {PAGECACHE})...")  # fmt: skip
    process.start()
    try:
        yield f"bolt://127.0.0.1:{port}"
    finally:
        process.stop()
        shutil.rmtree(home, ignore_errors=True)


@asynccontextmanager
async def _driver(uri: str, batch_size: int, wipe: bool) -> AsyncIterator[tuple[AsyncDriver, str]]:
    settings = _settings(uri, batch_size)
    driver = create_driver(settings)
    database = settings.neo4j_database
    try:
        if await _count(driver, database, "MATCH (n) RETURN count(n)") and not wipe:
            raise SystemExit(f"{uri} holds data; the benchmark empties it: pass --wipe to allow")
        await apply_schema(driver, database)
        await init_firm(GraphRepository(driver, database), FIRM_DOMAINS)
        yield driver, database
    finally:
        await driver.close()


# --- the run ------------------------------------------------------------------------------------


async def _database_steps(
    args: argparse.Namespace, uri: str, items: list[ParsedItem], say: Console
) -> dict[str, Any]:
    """Warm-up, (b) write path, (d) naive baseline; each on an emptied database."""
    records = _records(items)
    async with _driver(uri, args.batch_size, args.wipe) as (driver, database):
        await wipe(driver, database)
        warmup = _warmup_records(records)
        say.print(f"Warming up the write queries on {len(warmup):,} throwaway records...")
        await _run_ingestor(driver, database, warmup, max(1, args.batch_size // 2))
        await wipe(driver, database)
        say.print(f"(b) write path: {len(records):,} records, batch size {args.batch_size:,}")
        write, marks = await _run_ingestor(driver, database, items, args.batch_size)
        graph = await _graph_size(driver, database)
        await wipe(driver, database)
        say.print(f"(d) naive baseline: {args.naive:,} records, one transaction each")
        naive, _ = await _run_ingestor(driver, database, records[: args.naive], 1)
        await wipe(driver, database)
    return {"write": write, "write_marks": marks, "graph": graph, "naive": naive}


def _measure(args: argparse.Namespace, say: Console) -> dict[str, Any]:
    start = time.perf_counter()
    path = ensure_mailbox(args.messages, args.seed)
    say.print(f"Mailbox {path} ({path.stat().st_size / 1e6:,.0f} MB) in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
    say.print("(a) header parsing: iter_mbox over the whole file...")
    parse, kinds = _parse_pass(path)
    items = _parsed(path)
    with throwaway_neo4j(args.neo4j_uri, say) as uri:
        steps = asyncio.run(_database_steps(args, uri, items, say))
        del items
        say.print("(c) end to end, in a child process: Ingestor.run(iter_mbox(path))...")
        e2e = _end_to_end_in_child(uri, path, args.batch_size)
    return {"mailbox": path, "parse": parse, "kinds": kinds, "e2e": e2e, **steps}


def machine() -> dict[str, Any]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)  # noqa: S607
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "java": (java.stderr or java.stdout).splitlines()[0] if java.returncode == 0 else None,
        "neo4j": NEO4J_VERSION,
    }


def _figures(args: argparse.Namespace, measured: dict[str, Any]) -> dict[str, Any]:
    parse, write, naive = measured["parse"], measured["write"], measured["naive"]
    mailbox: Path = measured["mailbox"]
    neo4j = args.neo4j_uri or f"throwaway local (heap {HEAP}, page cache {PAGECACHE})"
    return {
        "parameters": {
            "messages": args.messages,
            "naive": args.naive,
            "seed": args.seed,
            "batch_size": args.batch_size,
            "firm_domains": list(FIRM_DOMAINS),
            "neo4j": neo4j,
        },
        "machine": machine(),
        "mailbox": {
            "path": str(mailbox),
            "mb": round(mailbox.stat().st_size / 1e6, 1),
            "items": dict(measured["kinds"]),
        },
        "parse": {"messages": parse.count, "seconds": parse.seconds, "messages_per_s": parse.rate},
        "write": {
            "interactions": write.count,
            "seconds": write.seconds,
            "interactions_per_s": write.rate,
            "report": write.report,
            "batches": len(measured["write_marks"]),
            "batch_seconds": _batch_seconds(measured["write_marks"]),
            "graph": measured["graph"],
        },
        "naive": {
            "interactions": naive.count,
            "seconds": naive.seconds,
            "interactions_per_s": naive.rate,
        },
        "write_over_naive": write.rate / naive.rate if naive.rate else None,
        "e2e": measured["e2e"],
        "targets": TARGETS,
    }


def _batch_seconds(marks: list[tuple[float, int]]) -> dict[str, Any]:
    """How long batches took: the first, the median, the last and every one (does writing slow
    down as the graph grows?)."""
    times = [b[0] - a[0] for a, b in zip([(0.0, 0), *marks], marks, strict=False)]
    if not times:
        return {}
    median = sorted(times)[len(times) // 2]
    return {"first": times[0], "median": median, "last": times[-1], "all": times}


def _table(figures: dict[str, Any]) -> Table:
    parameters, mailbox = figures["parameters"], figures["mailbox"]
    title = (
        f"tiegraph ingestion, {parameters['messages']:,} messages ({mailbox['mb']:,} MB), "
        f"batch size {parameters['batch_size']:,}"
    )
    table = Table(title=title)
    for column in ("step", "figure", "target", ""):
        table.add_column(column, justify="left" if column == "step" else "right")
    ratio = figures["write_over_naive"] or 0.0
    rows = [
        ("(a) header parsing", figures["parse"]["messages_per_s"], "messages/s",
         "parse_messages_per_s", True),
        ("(b) write path", figures["write"]["interactions_per_s"], "interactions/s",
         "write_interactions_per_s", True),
        (f"(d) naive, {figures['naive']['interactions']:,} × 1 tx",
         figures["naive"]["interactions_per_s"], "interactions/s", None, True),
        ("(b) / (d)", ratio, "×", "write_over_naive", True),
        ("(c) end to end", figures["e2e"]["messages_per_s"], "messages/s",
         "e2e_messages_per_s", True),
        ("(e) peak RSS of (c)", figures["e2e"]["peak_rss_mb"], "MB", "e2e_peak_rss_mb", False),
    ]  # fmt: skip
    for step, value, unit, target, higher in rows:
        goal = TARGETS.get(target or "")
        met = "" if goal is None else ("✓" if (value >= goal if higher else value < goal) else "✗")
        sign = "≥" if higher else "<"
        table.add_row(step, f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}",
                      "" if goal is None else f"{sign} {goal:,}", met)  # fmt: skip
    return table


def _print(figures: dict[str, Any], say: Console) -> None:
    say.print(_table(figures))
    write, e2e = figures["write"], figures["e2e"]
    batches = write["batch_seconds"]
    say.print(
        f"write path: {write['interactions']:,} interactions in {write['seconds']:.1f} s, "
        f"{write['batches']} batches (first {batches.get('first', 0):.2f} s, median "
        f"{batches.get('median', 0):.2f} s, last {batches.get('last', 0):.2f} s); "
        f"graph {write['graph']}"
    )
    say.print(f"end to end: {e2e['messages']:,} messages ({e2e['ingested']:,} interactions) in "
              f"{e2e['seconds']:.1f} s; RSS {e2e['rss_mb_before_run']:.0f} MB before the run, "
              f"{e2e['peak_rss_mb']:.0f} MB at peak")  # fmt: skip
    say.print(f"Figures written to {RESULTS}")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=DEFAULT_MESSAGES)
    parser.add_argument("--naive", type=int, default=DEFAULT_NAIVE)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--neo4j-uri", default=None)
    parser.add_argument("--wipe", action="store_true", help="allow emptying --neo4j-uri")
    # Internal: the child process of step (c).
    parser.add_argument("--e2e-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mailbox", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Command line: run every step and print the figures (or, as the child, step c only)."""
    args = _arguments(argv)
    # The server's notes on labels and properties an empty graph does not have yet.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    if args.e2e_only:
        result = asyncio.run(_end_to_end(args.neo4j_uri, args.mailbox, args.batch_size))
        print(json.dumps(result))
        return
    say = Console(stderr=True)
    figures = _figures(args, _measure(args, say))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    _print(figures, Console())


if __name__ == "__main__":
    main()
