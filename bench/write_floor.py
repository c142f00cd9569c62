"""The least a running Neo4j takes to write a first load: the benchmark mailbox's import files,
already folded, read and typed in memory (times as integers, as the CREATE writer sends
them), created with the first load's CREATE queries from two sessions, one kind after another.

    .venv/bin/python -m bench.write_floor [--messages 200000] [--seed 7] [--sessions 2]
                                          [--batch 10000] [--rounds 3]

Nothing here is parsed, folded or typed while the clock runs, so the figure is a floor under
any writer that goes through Bolt (`tiegraph ingest --initial` against a Neo4j we do not run,
or any CREATE-only design). Round 1 runs on the Neo4j just started (as a first load does);
each later round empties the graph first and runs on the warmed JVM. Neo4j's own CPU per
round is read from /proc. Figures go to bench/out/write_floor.json and docs/benchmarks.md.
"""

import argparse
import asyncio
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver
from rich.console import Console

import cypher
from app.local.neo4j_server import ensure_installed, local_neo4j
from app.local.system import free_port
from bench.ingest import HEAP, PAGECACHE, machine
from bench.mailbox import ensure_mailbox
from graph.batch import Row
from graph.bulk_files import ImportFiles
from graph.driver import apply_schema, create_driver
from ingest.bulk import Admission, prepare_bulk
from scoring.policy import IngestPolicy
from tiegraph.settings import Settings

OUT = Path(__file__).parent / "out" / "write_floor.json"
# Nodes before relationships; an interaction's INVOLVES links are created with it.
ORDER = ("people", "accounts", "interactions", "works_at", "ties")


@dataclass(frozen=True)
class Batch:
    kind: str
    tie_type: str
    rows: list[Row]


def prepared_rows(path: Path, work: Path) -> tuple[dict[str, list[Row]], float]:
    """The mailbox folded into import files by the first load's own code, read back."""
    started = time.perf_counter()
    admission = Admission(IngestPolicy(firm_domains=("firm.test",)), {})
    prepare_bulk([path], admission, {}, 5_000, work, lambda *_: None)
    seconds = time.perf_counter() - started
    files = ImportFiles(work / "import")
    rows = {kind: list(files.rows(kind)) for kind in ORDER if kind != "interactions"}
    rows["interactions"] = list(files.interactions())  # each with its INVOLVES links
    return rows, seconds


def batches(rows: dict[str, list[Row]], size: int) -> dict[str, list[Batch]]:
    """Per kind, in the order the writer must go (nodes before relationships)."""
    out: dict[str, list[Batch]] = {}
    for kind in ORDER:
        by_type: dict[str, list[Row]] = {}
        for row in rows[kind]:
            tie_type = str(row.pop("type", "")) if kind == "ties" else ""
            by_type.setdefault(tie_type, []).append(row)
        out[kind] = [
            Batch(kind, tie_type, group[start : start + size])
            for tie_type, group in by_type.items()
            for start in range(0, len(group), size)
        ]
    return out


async def _drain(driver: AsyncDriver, queue: asyncio.Queue[Batch]) -> None:
    async with driver.session() as session:
        while not queue.empty():
            batch = queue.get_nowait()

            async def create(tx: Any, batch: Batch = batch) -> None:
                query = cypher.query(f"bulk/create_{batch.kind}")
                await (await tx.run(query, rows=batch.rows, type=batch.tie_type)).consume()

            await session.execute_write(create)


async def write_round(
    driver: AsyncDriver, work: dict[str, list[Batch]], sessions: int
) -> dict[str, float]:
    """Seconds per kind, `sessions` transactions at a time within a kind."""
    seconds: dict[str, float] = {}
    for kind, kind_batches in work.items():
        started = time.perf_counter()
        for tie_type in dict.fromkeys(b.tie_type for b in kind_batches):
            queue: asyncio.Queue[Batch] = asyncio.Queue()
            for batch in kind_batches:
                if batch.tie_type == tie_type:
                    queue.put_nowait(batch)
            await asyncio.gather(*(_drain(driver, queue) for _ in range(sessions)))
        seconds[kind] = time.perf_counter() - started
    return seconds


def _cpu_seconds(pid: int) -> Callable[[], float]:
    def read() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    return read


async def _rounds(uri: str, work: dict[str, list[Batch]], options: argparse.Namespace,
                  neo4j_cpu: Callable[[], float]) -> list[dict[str, Any]]:  # fmt: skip
    settings = Settings(neo4j_uri=uri)
    driver = create_driver(settings)
    results = []
    try:
        await apply_schema(driver, settings.neo4j_database)
        for number in range(1, options.rounds + 1):
            if number > 1:
                async with driver.session() as session:
                    await (await session.run(cypher.query("bulk/empty_graph"))).consume()
            cpu = neo4j_cpu()
            seconds = await write_round(driver, work, options.sessions)
            results.append({"round": number, "seconds": sum(seconds.values()),
                            "by_kind": seconds, "neo4j_cpu_s": neo4j_cpu() - cpu,
                            "load_average": os.getloadavg()})  # fmt: skip
            Console().print(results[-1])
    finally:
        await driver.close()
    return results


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--messages", type=int, default=200_000)
    args.add_argument("--seed", type=int, default=7)
    args.add_argument("--sessions", type=int, default=2)
    args.add_argument("--batch", type=int, default=10_000)
    args.add_argument("--rounds", type=int, default=3)
    options = args.parse_args()
    say = Console()
    path = ensure_mailbox(options.messages, options.seed)
    home = Path(tempfile.mkdtemp(prefix="tiegraph-floor-"))
    rows, fold_seconds = prepared_rows(path, home / "work")
    counts = {kind: len(kind_rows) for kind, kind_rows in rows.items()}
    say.print(f"folded in {fold_seconds:.1f} s: {counts}")
    port = free_port()
    process = local_neo4j(home, port, HEAP, PAGECACHE, classpath=ensure_installed(say.print))
    process.start()
    try:
        pid = process.pid()
        if pid is None:
            raise RuntimeError("Neo4j started but its process is not found")
        uri = f"bolt://127.0.0.1:{port}"
        results = asyncio.run(_rounds(uri, batches(rows, options.batch), options,
                                      _cpu_seconds(pid)))  # fmt: skip
    finally:
        process.stop()
        shutil.rmtree(home, ignore_errors=True)
    figures = {"mailbox": str(path), "machine": machine(), "rows": counts,
               "sessions": options.sessions, "batch": options.batch,
               "read_and_fold_s": fold_seconds, "rounds": results}  # fmt: skip
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2))
    say.print_json(json.dumps(figures))


if __name__ == "__main__":
    main()
