"""IMAP sync from a local Dovecot into the graph: initial, incremental and idle.

    python -m bench.imap_sync [--messages 50000] [--new 100] [--polls 20] [--rounds 2]
                              [--neo4j-uri URI]

A Dovecot (Debian's dovecot-imapd) on a free port gets a folder of `--messages` messages of
the benchmark mailbox (`bench/mailbox.py`), written as maildir files before it starts; it
indexes them once, before the clock runs (a mailbox in use has its index). Against a
throwaway Neo4j (or `--neo4j-uri`, emptied), after a warm-up sync of another folder, each
round times (1) the first sync of the folder into an emptied graph, end to end
(`ingest.sync.sync_source`: sign-in, listing, header fetches, parsing, writes, checkpoints),
then (4), as the baseline under the same load, the same folder's files through the Ingestor
(what `tiegraph ingest` does) into an emptied graph. The last round's sync is followed by
(2) a sync that finds `--new` messages put in with IMAP APPEND and (3) `--polls` syncs with
nothing new. Rounds alternate the two paths because a freshly started Neo4j writes its first
hundred thousand or so interactions markedly slower while its JVM compiles the write path
(docs/benchmarks.md, "Live IMAP sync"): the headline rates are the last round's, every round
is kept. Wall and CPU seconds of this process; figures go to bench/out/imap_sync.json.
"""

import argparse
import asyncio
import json
import mailbox
import os
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from rich.console import Console

from bench.ingest import machine, throwaway_neo4j, wipe
from bench.mailbox import OUT_DIR, ensure_mailbox
from graph.driver import apply_schema, create_driver
from graph.repository import GraphRepository
from graph.sources import add_source
from ingest.parsers.email import iter_maildir
from ingest.pipeline import Ingestor
from ingest.sync import sync_source
from tests.conftest import free_port
from tests.integration.mailservers import Dovecot
from tiegraph.settings import Settings
from tiegraph.sources import Security, imap_spec

USER, PASSWORD = "bench@firm.test", "bench-password"  # a throwaway server's
SECRET_REF = "env:BENCH_IMAP_PASSWORD"  # noqa: S105
WARMUP_MESSAGES = 3_000
TARGETS = {"initial_messages_per_s": 2_000, "incremental_s": 3.0, "idle_poll_ms": 50.0}
RESULTS = OUT_DIR / "imap_sync.json"


def _fill_maildir(folder: Path, source: Path, skip: int, count: int) -> int:
    """Write `count` messages of the mbox `source` (after `skip`) as maildir files."""
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    written = 0
    for index, msg in enumerate(mailbox.mbox(source)):
        if index < skip:
            continue
        if written == count:
            break
        (folder / "cur" / f"{1700000000 + index}.M{index}P1.bench:2,S").write_bytes(bytes(msg))
        written += 1
    return written


def _prepare(root: Path, source: Path, messages: int) -> None:
    """INBOX (the folder measured) and .Warmup (Maildir++ subfolder) before Dovecot starts."""
    home = root / "mail" / USER
    _fill_maildir(home, source, WARMUP_MESSAGES, messages)
    _fill_maildir(home / ".Warmup", source, 0, WARMUP_MESSAGES)
    for path in [root / "mail", *(root / "mail").rglob("*")]:
        shutil.chown(path, "nobody", "nogroup")


def _index(server: Dovecot) -> float:
    """Let Dovecot index the folders (what a mailbox in use has done long ago)."""
    start = time.perf_counter()
    with server.client(USER) as client:
        for folder in ("INBOX", "Warmup"):
            client.select_folder(folder, readonly=True)
    return time.perf_counter() - start


def _new_messages(count: int) -> list[EmailMessage]:
    out = []
    for i in range(count):
        msg = EmailMessage()
        msg["From"], msg["To"] = f"Buyer {i} <buyer{i}@newco{i % 7}.example>", USER
        msg["Subject"], msg["Message-ID"] = f"Question {i}", f"<new-{i}@newco.example>"
        msg["Date"] = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        msg.set_content("Body text never read.\n")
        out.append(msg)
    return out


async def _source(repo: GraphRepository, server: Dovecot, folder: str) -> str:
    spec = imap_spec(f"bench {folder}", "127.0.0.1", USER, USER, port=server.port,
                     security=Security.NONE, folders=[folder], password=SECRET_REF)  # fmt: skip
    return (await add_source(repo, spec, ["firm.test"])).id


async def _timed(repo: GraphRepository, settings: Settings, source_id: str) -> dict[str, Any]:
    start, cpu = time.perf_counter(), time.process_time()
    report = await sync_source(repo, settings, source_id)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if report.error or report.skipped:
        raise SystemExit(f"sync failed: {report.error or report.skipped}")
    Console(stderr=True).print(f"  {report.read:,} read, {report.ingest.ingested:,} new in "
                               f"{seconds:.3f} s")  # fmt: skip
    ingest = report.ingest
    return {"seconds": seconds, "cpu_seconds": cpu, "fetched": report.read,
            "ingested": ingest.ingested, "duplicates": ingest.duplicates,
            "skipped": sum(ingest.skipped.values()), "errors": ingest.error_count}  # fmt: skip


async def _from_files(repo: GraphRepository, settings: Settings, maildir: Path) -> dict[str, Any]:
    """The baseline under the same load: the folder's files through the Ingestor directly."""
    start, cpu = time.perf_counter(), time.process_time()
    report = await Ingestor.for_settings(repo, settings).run(iter_maildir(maildir))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    Console(stderr=True).print(f"  {report.read:,} read, {report.ingested:,} new in "
                               f"{seconds:.3f} s")  # fmt: skip
    return {"seconds": seconds, "cpu_seconds": cpu, "read": report.read,
            "ingested": report.ingested}  # fmt: skip


async def _steady(
    repo: GraphRepository, settings: Settings, server: Dovecot, source_id: str,
    args: argparse.Namespace, say: Console,
) -> dict[str, Any]:  # fmt: skip
    """(2) and (3): after an initial sync, `--new` messages appended, then idle polls."""
    server.append(USER, "INBOX", _new_messages(args.new))
    say.print(f"(2) incremental sync finding {args.new} new messages...")
    incremental = await _timed(repo, settings, source_id)
    say.print(f"(3) {args.polls} idle polls...")
    polls = [(await _timed(repo, settings, source_id))["seconds"] * 1000
             for _ in range(args.polls)]  # fmt: skip
    return {"incremental": incremental,
            "idle_poll_ms": {"median": statistics.median(polls), "max": max(polls),
                             "all": [round(p, 1) for p in polls]}}  # fmt: skip


async def _measure(
    uri: str, server: Dovecot, args: argparse.Namespace, say: Console
) -> dict[str, Any]:
    settings = Settings(neo4j_uri=uri, firm_domains=["firm.test"], ingest_batch_size=5_000)
    driver = create_driver(settings)
    database = settings.neo4j_database
    steady: dict[str, Any] = {}
    try:
        await wipe(driver, database)
        await apply_schema(driver, database)
        repo = GraphRepository(driver, database)
        say.print(f"Warm-up sync of {WARMUP_MESSAGES:,} messages...")
        warmup = await _timed(repo, settings, await _source(repo, server, "Warmup"))
        rounds = []
        for number in range(1, args.rounds + 1):
            await wipe(driver, database)
            say.print(f"(1) round {number} of {args.rounds}: initial sync of {args.messages:,} "
                      "messages...")  # fmt: skip
            source_id = await _source(repo, server, "INBOX")
            initial = await _timed(repo, settings, source_id)
            if number == args.rounds:
                steady = await _steady(repo, settings, server, source_id, args, say)
            await wipe(driver, database)
            say.print("(4) the same folder from its maildir files (`tiegraph ingest`'s path)...")
            files = await _from_files(repo, settings, server.root / "mail" / USER)
            rounds.append({"initial": initial, "files": files, "load": os.getloadavg()[0]})
    finally:
        await driver.close()
    return {"warmup": warmup, "rounds": rounds, **steady}


def _run(args: argparse.Namespace, say: Console) -> dict[str, Any]:
    source = ensure_mailbox(args.messages + WARMUP_MESSAGES)
    os.environ["BENCH_IMAP_PASSWORD"] = PASSWORD
    root = Path(tempfile.mkdtemp(prefix="tiegraph-bench-dovecot-"))
    server = Dovecot(root, free_port(), {USER: PASSWORD})
    try:
        start = time.perf_counter()
        _prepare(root, source, args.messages)
        say.print(f"Maildir written in {time.perf_counter() - start:.1f} s; starting Dovecot...")
        server.start()
        indexed = _index(server)
        say.print(f"Dovecot indexed the folders in {indexed:.1f} s")
        with throwaway_neo4j(args.neo4j_uri, say) as uri:
            figures = asyncio.run(_measure(uri, server, args, say))
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return {**figures, "dovecot_index_s": indexed}


def _rates(round_: dict[str, Any]) -> dict[str, Any]:
    initial, files = round_["initial"], round_["files"]
    return {"initial_messages_per_s": round(initial["fetched"] / initial["seconds"]),
            "files_messages_per_s": round(files["read"] / files["seconds"]),
            "load": round(round_["load"], 2)}  # fmt: skip


def _summary(args: argparse.Namespace, figures: dict[str, Any]) -> dict[str, Any]:
    rates = [_rates(r) for r in figures["rounds"]]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": os.getloadavg(),
        "machine": machine(),
        "messages": args.messages,
        # The last round's: Neo4j's JVM has compiled its hot paths by then (see the docstring).
        "initial_messages_per_s": rates[-1]["initial_messages_per_s"],
        "files_messages_per_s": rates[-1]["files_messages_per_s"],
        "rounds_messages_per_s": rates,
        "incremental_s": round(figures["incremental"]["seconds"], 3),
        "idle_poll_ms_median": round(figures["idle_poll_ms"]["median"], 1),
        "targets": TARGETS,
        **figures,
    }


def main(argv: list[str] | None = None) -> None:
    """Command line: run the benchmark, print the figures and keep them in bench/out."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="initial syncs, each followed by the files (JVM warm-up)",
    )
    parser.add_argument("--neo4j-uri", default=None, help="an empty Neo4j to use (it is wiped)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds: at least 1")
    say = Console(stderr=True)
    load_before = os.getloadavg()
    summary = _summary(args, _run(args, say))
    summary["load_average_before"] = load_before
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2, default=str))
    shown = ("date", "load_average_before", "load_average", "initial_messages_per_s",
             "files_messages_per_s", "rounds_messages_per_s", "incremental_s",
             "idle_poll_ms_median", "rounds", "incremental", "idle_poll_ms",
             "dovecot_index_s")  # fmt: skip
    Console().print_json(json.dumps({k: summary[k] for k in shown}))


if __name__ == "__main__":
    main()
