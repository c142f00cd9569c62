"""The first load against the incremental path, in one run, on the benchmark mailbox.

    .venv/bin/python -m bench.initial [--messages 200000] [--seed 7] [--batch-size 5000]
                                      [--initial-only] [--writer importer|create]

A throwaway local Neo4j (heap 2g, page cache 1g, as bench/ingest.py) is started in a temporary
folder. First the incremental path end to end (`Ingestor.run(iter_mbox(path))` in a child
process, bench/ingest.py's step (c)), then the database is emptied and `tiegraph ingest
--initial` runs end to end in another child (stopping, importing into and starting that same
Neo4j; with `--writer create`, writing the same Neo4j with the CREATE-only batches a Neo4j not
run here gets). Times are wall-clock; the peak memory is each of our processes' VmHWM. Figures go to
bench/out/initial.json and docs/benchmarks.md.
"""

import argparse
import asyncio
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from app.local.neo4j_server import ensure_installed, local_neo4j
from app.local.system import free_port
from bench.ingest import HEAP, PAGECACHE, _end_to_end_in_child, machine, wipe
from bench.mailbox import ensure_mailbox
from graph.driver import create_driver
from ingest.bulk import peak_rss_mb
from ingest.sources import SourceOptions
from tiegraph.settings import Settings

OUT = Path(__file__).parent / "out" / "initial.json"


def _settings(home: Path, port: int, batch_size: int) -> Settings:
    return Settings(neo4j_uri=f"bolt://127.0.0.1:{port}", data_dir=home, neo4j_heap=HEAP,
                    neo4j_pagecache=PAGECACHE, firm_domains=["firm.test"],
                    ingest_batch_size=batch_size)  # fmt: skip


def initial_in_this_process(home: Path, port: int, path: Path, batch_size: int) -> dict[str, Any]:
    """The child's side: `ingest_initial` end to end, its stages and peak memory."""
    from app.initial_load import ingest_initial

    stages: dict[str, float] = {}
    started = time.perf_counter()
    result = ingest_initial(_settings(home, port, batch_size), [path], SourceOptions(),
                            Console(file=io.StringIO()),
                            on_stage=lambda name, at: stages.__setitem__(name, at))  # fmt: skip
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds, "messages": result.report.read, "ingested": result.report.ingested,
        "messages_per_s": result.report.read / seconds, "stages": stages,
        "people": result.people, "ties": result.ties,
        "parent_peak_mb": peak_rss_mb(), "worker_peak_mb": result.worker_peak_mb,
    }  # fmt: skip


def _initial_in_child(home: Path, port: int, path: Path, batch_size: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.initial", "--child", str(home), str(port), str(path),
               "--batch-size", str(batch_size)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"the --initial child failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def _wipe(settings: Settings) -> None:
    driver = create_driver(settings)
    try:
        await wipe(driver, settings.neo4j_database)
    finally:
        await driver.close()


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--messages", type=int, default=200_000)
    args.add_argument("--seed", type=int, default=7)
    args.add_argument("--batch-size", type=int, default=5_000)
    args.add_argument("--initial-only", action="store_true",
                      help="skip the incremental path (step 1)")  # fmt: skip
    args.add_argument("--writer", choices=["importer", "create"], default="importer",
                      help="neo4j-admin import into the stopped local store (default), or the "
                      "CREATE-only batches a Neo4j not run here gets")  # fmt: skip
    args.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    options = args.parse_args()
    if options.child:
        home, port, path = options.child
        print(json.dumps(initial_in_this_process(Path(home), int(port), Path(path),
                                                 options.batch_size)))  # fmt: skip
        return
    say = Console()
    path = ensure_mailbox(options.messages, options.seed)
    home = Path(tempfile.mkdtemp(prefix="tiegraph-initial-"))
    port = free_port()
    process = local_neo4j(home, port, HEAP, PAGECACHE, classpath=ensure_installed(say.print))
    process.start()
    load = {"before": os.getloadavg()}
    try:
        uri = f"bolt://127.0.0.1:{port}"
        incremental: dict[str, Any] = {}
        if not options.initial_only:
            say.print("incremental end to end...")
            incremental = _end_to_end_in_child(uri, path, options.batch_size)
            load["after_incremental"] = os.getloadavg()
        asyncio.run(_wipe(_settings(home, port, options.batch_size)))  # and the firm set up
        say.print("--initial end to end...")
        # Launcher files elsewhere: the Neo4j is not "ours" there, so the CREATE path runs.
        data_dir = home if options.writer == "importer" else home / "elsewhere"
        initial = _initial_in_child(data_dir, port, path, options.batch_size)
        load["after_initial"] = os.getloadavg()
    finally:
        process.stop()
        shutil.rmtree(home, ignore_errors=True)
    figures = {
        "mailbox": str(path), "machine": machine(), "load_average": load,
        "incremental": incremental, "initial": initial, "writer": options.writer,
        "speedup": initial["messages_per_s"] / incremental["messages_per_s"]
        if incremental
        else None,
    }  # fmt: skip
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2))
    say.print_json(json.dumps(figures))


if __name__ == "__main__":
    main()
