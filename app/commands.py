"""What the CLI's longer commands do; kept apart so `tiegraph --help` stays quick to load."""

import argparse
import asyncio
import contextlib
import json
import signal
import socket
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arq.connections import ArqRedis
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from app.local.processes import ManagedProcess
from app.local.services import (
    neo4j_process,
    port_open,
    redis_is_local,
    redis_port,
    redis_process,
)
from app.score_truth import calibration_table, picture, rankings_table
from app.token_commands import connected, create_token
from app.worker import queue_pool
from graph.driver import apply_schema
from graph.firm import checked_firm, firm_domains, init_firm
from graph.repository import GraphRepository
from ingest import capture
from ingest.backtest import (
    Plan,
    backtest_json,
    file_records,
    graph_records,
    history_of,
    run_backtest,
    run_tune,
    tuning_json,
)
from ingest.demo import DEMO_FIRM_DOMAIN, demo_records
from ingest.jobs import enqueue_ingest
from ingest.parsers.inputs import metered
from ingest.pipeline import Ingestor, IngestReport
from ingest.profiles import changed_fields, profile_from_file, update_profile
from ingest.sources import SourceOptions, input_bytes, iter_path
from scoring.backtest import History
from scoring.policy import IngestPolicy
from scoring.profile import DEFAULT_PROFILE, ScoringProfile
from tiegraph.domain import InteractionRecord
from tiegraph.errors import BadInput, SetupRequired, Unavailable
from tiegraph.firm import FirmSettings
from tiegraph.settings import Settings


@asynccontextmanager
async def _queue(settings: Settings) -> AsyncIterator[ArqRedis]:
    """The job queue, for a command that runs once: Redis down is said at once. (arq's five
    retries a second apart are for the worker, which may start before Redis does.)"""
    pool = await queue_pool(settings, conn_retries=0)
    try:
        yield pool
    finally:
        await pool.aclose()


async def apply_schema_now(settings: Settings, console: Console) -> int:
    """`tiegraph schema`: create what is missing of the schema."""
    async with connected(settings) as driver:
        count = await apply_schema(driver, settings.neo4j_database)
    console.print(f"Schema applied: {count} constraints and indexes present.")
    return 0


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            sock.bind((host, port))
    except OSError as exc:
        raise Unavailable(f"cannot listen on {host}:{port} (--host/--port, "
                          f"TIEGRAPH_API_HOST/_PORT): {exc.strerror}") from exc  # fmt: skip


async def _check_services(settings: Settings) -> None:
    async with connected(settings), _queue(settings):
        pass


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Run the API with JSON logs; behind a proxy, X-Forwarded-* is trusted only from
    `TIEGRAPH_FORWARDED_ALLOW_IPS`."""
    import uvicorn

    from app.main import create_app
    from app.observability import configure_logging

    host, port = host or settings.api_host, port or settings.api_port
    # The app's startup would fail on these too, but as a JSON log line with a traceback in it;
    # checked first, each is one plain sentence naming the setting to change.
    _check_port(host, port)
    asyncio.run(_check_services(settings))
    configure_logging(settings.log_level)
    uvicorn.run(create_app(settings), host=host, port=port, **server_options(settings))


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the API (bench.overhead serves its floor app with them too)."""
    return {"log_config": None, "access_log": False, "proxy_headers": True,
            "forwarded_allow_ips": settings.forwarded_allow_ips}  # fmt: skip


def summary_table(report: IngestReport) -> Table:
    """The end-of-run table: counts, skip reasons and the first errors."""
    table = Table(title="Ingestion summary", show_header=False)
    counts = {"read": report.read, "ingested": report.ingested,
              "duplicates": report.duplicates, "errors": report.error_count}  # fmt: skip
    if report.reference_rows:
        # Roster, account, contact and alias rows: stored, though no interaction.
        counts["reference rows"] = report.reference_rows
    for label, value in counts.items():
        table.add_row(label, str(value))
    for reason, count in sorted(report.skipped.items()):
        table.add_row(f"skipped: {reason}", str(count))
    for issue in report.errors[:20]:
        # Escaped: file names and values from the data are not rich markup ("[draft]" vanished).
        table.add_row("[red]error[/red]", escape(str(issue)))
    return table


def _progress_bar(console: Console, in_bytes: bool) -> Progress:
    """Done of a known total, speed and time left: bytes of the input files, or items."""
    done = DownloadColumn() if in_bytes else MofNCompleteColumn()
    speed = TransferSpeedColumn() if in_bytes else TextColumn("")
    return Progress(TextColumn("{task.description}"), BarColumn(), done, speed,
                    TimeRemainingColumn(), console=console, transient=False)  # fmt: skip


def _counts(report: IngestReport) -> str:
    text = f"read {report.read:,} · ingested {report.ingested:,}"
    if report.reference_rows:
        text += f" · reference rows {report.reference_rows:,}"
    return f"{text} · errors {report.error_count:,}"


async def _ingest_items(
    settings: Settings,
    paths: list[Path],
    console: Console,
    options: SourceOptions | None = None,
    demo: bool = False,
) -> IngestReport:
    demo_items = list(demo_records()) if demo else []
    async with connected(settings) as driver:
        await apply_schema(driver, settings.neo4j_database)
        repo = GraphRepository(driver, settings.neo4j_database)
        await checked_firm(repo, settings.firm_domains)  # refused in one line, before any output
        with metered() as meter, _progress_bar(console, not demo) as progress:
            total = len(demo_items) if demo else input_bytes(paths)
            task = progress.add_task("reading", total=total)

            def show(report: IngestReport) -> None:
                done = report.read if demo else meter.bytes_read()
                progress.update(task, completed=done, description=_counts(report))

            ingestor = Ingestor.for_settings(repo, settings, show)
            if demo:
                await ingestor.run(demo_items)
            for path in paths:
                await ingestor.run(iter_path(path, options))
            show(ingestor.report)
        return ingestor.report


async def ingest_files(
    settings: Settings, paths: list[Path], options: SourceOptions, console: Console
) -> IngestReport:
    """`tiegraph ingest PATH...`: ingest in this process, with progress and a summary."""
    report = await _ingest_items(settings, paths, console, options)
    console.print(summary_table(report))
    return report


async def init_now(
    settings: Settings, domains: list[str], console: Console, change: bool = False,
    force: bool = False,
) -> int:  # fmt: skip
    """`tiegraph init --firm-domain ...`: store the firm's domains (see graph.firm.init_firm)."""
    async with connected(settings) as driver:
        await apply_schema(driver, settings.neo4j_database)
        repo = GraphRepository(driver, settings.neo4j_database)
        firm, changed = await init_firm(repo, domains, change, force)
    shown = ", ".join(firm.domains)
    console.print(f"Firm domains stored: {shown}." if changed else f"The firm is already {shown}.")
    if changed and force:
        console.print("People already stored keep the classification they had; ingest again "
                      "into an empty graph to reclassify them.")  # fmt: skip
    return 0


def firm_table(firm: FirmSettings) -> Table:
    """The firm's settings as `tiegraph capture show` prints them."""
    table = Table("setting", "value", title="Firm settings")
    excluded = f"{len(firm.excluded_hashes)} (kept as SHA-256 only)"
    rows = {"firm domains": ", ".join(firm.domains) or "(none: run tiegraph init)",
            "excluded sources (members)": ", ".join(firm.excluded_sources),
            "excluded domains": ", ".join(firm.excluded_domains),
            "excluded addresses": excluded, "subjects stored": "yes" if firm.store_subjects
            else "no", "opted out (members)": ", ".join(firm.opted_out)}  # fmt: skip
    for name, value in rows.items():
        table.add_row(name, escape(value))
    return table


async def capture_now(
    settings: Settings, args: argparse.Namespace, console: Console, out: Console
) -> int:
    """`tiegraph capture ...`: change a control (ingest/capture.py) and show the result."""
    told = settings.firm_domains
    async with connected(settings) as driver:
        await apply_schema(driver, settings.neo4j_database)
        repo = GraphRepository(driver, settings.neo4j_database)
        if args.action in ("exclude", "include"):
            target = "member" if args.member else "address" if args.address else "domain"
            value = args.member or args.address or args.domain
            change = await getattr(capture, args.action)(repo, told, target, value)
            if change.interactions_deleted or change.people_erased:
                console.print(f"Erased {change.people_erased} people and "
                              f"{change.interactions_deleted} interactions.")  # fmt: skip
        elif args.action == "subjects":
            await capture.store_subjects(repo, told, args.state == "on")
        elif args.action in ("opt-out", "opt-in"):
            await capture.opt_out(repo, told, args.member, args.action == "opt-out")
        firm = await repo.firm_settings()
    out.print(firm_table(firm))
    return 0


async def _set_up_demo_firm(settings: Settings) -> None:
    """A graph with no firm yet becomes the demo's; another firm's graph refuses the demo."""
    async with connected(settings) as driver:
        await apply_schema(driver, settings.neo4j_database)
        repo = GraphRepository(driver, settings.neo4j_database)
        firm = await repo.firm_settings()
        if not firm.initialised:
            await init_firm(repo, [DEMO_FIRM_DOMAIN])
        elif firm.domains != (DEMO_FIRM_DOMAIN,):
            shown = ",".join(firm.domains)
            raise SetupRequired(f"this graph's firm is {shown}; the demo is {DEMO_FIRM_DOMAIN}'s: "
                                "load it into an empty database")  # fmt: skip


async def load_demo(settings: Settings, console: Console) -> int:
    """`tiegraph demo`: load the deterministic demo firm (loading twice changes nothing). The
    first run sets the demo's domain up as the firm's (`_set_up_demo_firm`)."""
    await _set_up_demo_firm(settings)
    report = await _ingest_items(settings, [], console, demo=True)
    console.print(summary_table(report))
    return 0


async def queue_files(settings: Settings, paths: list[Path]) -> str:
    """`tiegraph ingest --queue`: hand the files to the worker; returns the job id."""
    # A typo would otherwise surface only in the job's report, after the worker got to it.
    for path in paths:
        if not path.exists():
            raise BadInput("no such file or directory", location=str(path))
    async with connected(settings) as driver:  # the worker would refuse it: say so now
        await checked_firm(GraphRepository(driver, settings.neo4j_database), settings.firm_domains)
    async with _queue(settings) as pool:
        return await enqueue_ingest(pool, [str(p.resolve()) for p in paths])


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
    """`make run`: start what is missing, load the demo, then run worker and API as children,
    restarted when they exit, until Ctrl-C."""
    from app.supervise import Child, Supervisor

    if settings.neo4j_is_local or settings.redis_is_local:
        settings = settings.with_local_credentials()
    _check_port(settings.api_host, settings.api_port)
    started = _start_local_services(settings, console)
    supervisor = Supervisor([Child("worker", ("worker",)), Child("API", ("serve",))], started)
    try:
        asyncio.run(apply_schema_now(settings, console))
        if demo:
            asyncio.run(load_demo(settings, console))
            token = asyncio.run(create_token(settings, f"admin@{DEMO_FIRM_DOMAIN}", "admin"))
            console.print(f"Admin token for trying the API (Authorization: Bearer ...): {token}")
        url = f"http://{settings.api_host}:{settings.api_port}/graphql"
        console.print(f"[bold green]tiegraph is up.[/] GraphQL: {url}  (Ctrl-C stops everything)")
        with stopped_as_interrupted(), contextlib.suppress(KeyboardInterrupt):
            supervisor.run(console)  # Ctrl-C is how `up` is meant to end
    finally:
        supervisor.stop()
        for process in reversed(started):
            console.print(f"Stopping {process.name}...")
            process.stop()
    return 0


@contextlib.contextmanager
def stopped_as_interrupted() -> Iterator[None]:
    """A SIGTERM (a service manager's stop, `timeout`, `kill`) raises KeyboardInterrupt as
    Ctrl-C does, so what a command cleans up on an interrupt runs: Python's default for it is
    to exit at once, leaving children and half-done work behind."""

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass(frozen=True)
class TruthOptions:
    """What `tiegraph backtest` and `tiegraph tune` read and write."""

    plan: Plan
    paths: tuple[Path, ...] = ()  # --from: files instead of the graph
    profile: Path | None = None
    json_out: Path | None = None
    svg_out: Path | None = None
    budget: int = 150
    apply: bool = False


async def _graph_history(
    settings: Settings, console: Console
) -> tuple[list[InteractionRecord], ScoringProfile]:
    async with connected(settings) as driver:
        repo = GraphRepository(driver, settings.neo4j_database)

        async def show(read: int, _: int) -> None:
            console.print(f"read {read:,} interactions")

        return await graph_records(repo, show), await repo.scoring_profile()


async def _stored_firm(settings: Settings) -> tuple[str, ...]:
    async with connected(settings) as driver:
        return await firm_domains(GraphRepository(driver, settings.neo4j_database),
                                  settings.firm_domains)  # fmt: skip


def _history(
    settings: Settings, options: TruthOptions, console: Console
) -> tuple[History, ScoringProfile]:
    for path in options.paths:
        if not path.exists():
            raise BadInput("no such file or directory", location=str(path))
    # A backtest of files writes nothing: TIEGRAPH_FIRM_DOMAINS may stand in for the graph's.
    told = tuple(settings.firm_domains)
    firm = told if options.paths and told else asyncio.run(_stored_firm(settings))
    policy = IngestPolicy(firm_domains=firm)
    if options.paths:
        records, dropped = file_records(options.paths, policy)
        console.print(f"{len(records):,} interactions from files ({dropped:,} items not kept)")
        profile = DEFAULT_PROFILE
    else:
        records, profile = asyncio.run(_graph_history(settings, console))
    if options.profile is not None:
        profile = profile_from_file(options.profile, profile)
    started = time.perf_counter()
    history = history_of(records, IngestPolicy(firm_domains=policy.firm_domains, profile=profile),
                         options.plan)  # fmt: skip
    console.print(f"{len(history.cuts)} cut-offs, {len(history.keys):,} member-contact ties, "
                  f"folded in {time.perf_counter() - started:.1f} s")  # fmt: skip
    return history, profile


def _write_outputs(
    options: TruthOptions, data: dict[str, Any], periods: list[tuple[str, Any]]
) -> None:
    if options.json_out is not None:
        options.json_out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if options.svg_out is not None:
        options.svg_out.write_text(picture(periods), encoding="utf-8")


def backtest_now(settings: Settings, options: TruthOptions, console: Console) -> int:
    """`tiegraph backtest`: the score and the baselines at every cut-off, as tables."""
    history, profile = _history(settings, options, console)
    started = time.perf_counter()
    data = backtest_json(run_backtest(history, profile, options.plan.split),
                         history.horizon_days)  # fmt: skip
    console.print(f"scored in {time.perf_counter() - started:.1f} s")
    periods = [("all", data["all"])]
    if data["evaluation"] is not None:
        periods.append(("from split", data["evaluation"]))
    Console().print(rankings_table("Which ties are active after the horizon", periods))
    Console().print(calibration_table("Calibration by label", periods))
    _write_outputs(options, data, periods)
    return 0


def tune_now(settings: Settings, options: TruthOptions, console: Console) -> int:
    """`tiegraph tune`: fit on the earlier cut-offs, report both profiles on the later ones."""
    history, profile = _history(settings, options, console)
    started = time.perf_counter()
    tuning = run_tune(history, profile, options.plan.split, options.budget)
    data = tuning_json(tuning, history.horizon_days)
    took = time.perf_counter() - started
    console.print(f"{tuning.result.evaluations} profiles scored in {took:.0f} s; "
                  f"evaluated from {tuning.split.date()}")  # fmt: skip
    changes = changed_fields(profile, tuning.result.profile)
    periods = [("current", data["current"]["evaluation"]),
               ("proposed", data["proposed"]["evaluation"])]  # fmt: skip
    Console().print(rankings_table("Evaluation cut-offs: current and proposed", periods))
    Console().print(calibration_table("Calibration by label", periods))
    Console().print_json(json.dumps({"proposed_changes": changes}))
    _write_outputs(options, data, periods)
    if options.apply and changes:
        job = asyncio.run(_apply_profile(settings, changes))
        queued = f"queued as job {job}" if job else "owed: the worker queues it on reaching Redis"
        console.print(f"Profile saved; rescore {queued}.")
    return 0


async def _apply_profile(settings: Settings, changes: dict[str, Any]) -> str | None:
    async with connected(settings) as driver, _queue(settings) as pool:
        repo = GraphRepository(driver, settings.neo4j_database)
        _, _, job = await update_profile(repo, pool, changes)
        return job
