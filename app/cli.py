"""The `tiegraph` command: local services, the API, the worker and ingestion."""

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from app.local.services import (
    neo4j_process,
    port_open,
    redis_is_local,
    redis_port,
    redis_process,
)
from tiegraph import __version__
from tiegraph.errors import TiegraphError
from tiegraph.settings import Settings, get_settings

# soft_wrap: a message stays one line in a pipe or a log, where rich would break it at 80.
console = Console(stderr=True, soft_wrap=True)


def _db(action: str, settings: Settings) -> int:
    if not settings.neo4j_is_local:
        console.print(f"TIEGRAPH_NEO4J_URI is {settings.neo4j_uri}: not a local bolt:// server, "
                      "so tiegraph does not manage it.")  # fmt: skip
        return 2
    process = neo4j_process(settings, console.print)
    if action == "start":
        # Another server on the port would stop ours from binding it, after seconds of startup.
        if port_open("127.0.0.1", settings.neo4j_port) and process.pid() is None:
            console.print(f"A Neo4j already answers at {settings.neo4j_uri}; using it.")
            return 0
        pid = process.start()
        console.print(
            f"Neo4j is up at {settings.neo4j_uri} (pid {pid}, files in {process.workdir})"
        )
    elif action == "stop":
        stopped = process.stop()
        console.print("Neo4j stopped." if stopped else "Neo4j was not running.")
    else:
        running = process.pid()
        state = f"running (pid {running})" if running else "not running"
        console.print(f"Neo4j {state}; {settings.neo4j_uri} answers: "
                      f"{port_open('127.0.0.1', settings.neo4j_port)}")  # fmt: skip
        return 0 if running else 3
    return 0


def _redis(action: str, settings: Settings) -> int:
    if not redis_is_local(settings):
        console.print("TIEGRAPH_REDIS_URL is not local; tiegraph does not manage it.")
        return 2
    process = redis_process(settings)
    if action == "start":
        if port_open("127.0.0.1", redis_port(settings)) and process.pid() is None:
            console.print(f"A Redis already answers at {settings.redis_url}; using it.")
            return 0
        console.print(f"Redis is up at {settings.redis_url} (pid {process.start()})")
    elif action == "stop":
        console.print("Redis stopped." if process.stop() else "Redis was not running.")
    else:
        running = process.pid()
        console.print(f"Redis running (pid {running})" if running else "Redis not running")
        return 0 if running else 3
    return 0


def _log_to_stderr() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def _serve(settings: Settings, host: str | None, port: int | None) -> int:
    from app.commands import serve

    serve(settings, host, port)
    return 0


def _worker(settings: Settings) -> int:
    from app.worker import create_worker

    _log_to_stderr()
    # arq's Worker takes the current event loop, which Python 3.12+ warns it will no longer make
    # on demand; it gets one of its own, closed (with its signal handlers) once it stops.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        create_worker(settings).run()
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    return 0


def _ingest(settings: Settings, args: argparse.Namespace) -> int:
    from app.commands import ingest_files, queue_files
    from ingest.sources import SourceOptions

    if args.queue and args.initial:
        console.print("--initial loads in this process; it cannot be queued.")
        return 2
    if args.queue:
        if args.crm_mapping or args.columns:
            console.print("--crm-mapping/--columns apply to direct ingestion only for now.")
            return 2
        job_id = asyncio.run(queue_files(settings, args.paths))
        console.print(f"Queued as job {job_id}; `tiegraph worker` runs it.")
        return 0
    options = SourceOptions.from_files(args.crm_mapping, args.columns)
    if args.initial:
        from app.commands import summary_table
        from app.initial_load import ingest_initial

        report = ingest_initial(settings, args.paths, options, console).report
        console.print(summary_table(report))
    else:
        report = asyncio.run(ingest_files(settings, args.paths, options, console))
    return 1 if report.error_count else 0


def _token(settings: Settings, args: argparse.Namespace) -> int:
    from app.commands import create_token, list_tokens, revoke_token

    if args.action == "create":
        token = asyncio.run(create_token(settings, args.member, args.role))
        # The token itself goes to stdout alone (for scripts); it is never shown again.
        sys.stdout.write(token + "\n")
        console.print("Token created; keep it now: only its hash is stored.")
    elif args.action == "revoke":
        asyncio.run(revoke_token(settings, args.id))
        console.print(f"Token {args.id} revoked.")
    else:
        asyncio.run(list_tokens(settings, Console()))
    return 0


def _days(text: str) -> float:
    """A duration in days: `90d`, `12w` or a plain number of days."""
    unit = {"d": 1.0, "w": 7.0}.get(text[-1:].lower())
    try:
        value = float(text[:-1] if unit else text) * (unit or 1.0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: a duration such as 90d or 12w") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be more than 0 days")
    return value


def _date(text: str) -> datetime:
    """An ISO date or time, read as UTC when it carries no zone."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: an ISO date such as 2010-01-01") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _truth(settings: Settings, args: argparse.Namespace) -> int:
    from app.commands import TruthOptions, backtest_now, tune_now
    from ingest.backtest import Plan

    plan = Plan(every_days=args.every, horizon_days=args.horizon, start=args.start,
                cutoffs=tuple(args.cutoff or ()), split=args.split)  # fmt: skip
    options = TruthOptions(plan=plan, paths=tuple(args.sources or ()), profile=args.profile,
                           json_out=args.json, svg_out=args.svg,
                           budget=getattr(args, "budget", 150),
                           apply=getattr(args, "apply", False))  # fmt: skip
    run = backtest_now if args.command == "backtest" else tune_now
    return run(settings, options, console)


def _truth_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--from",
        dest="sources",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="read these files (as `ingest` would) instead of the graph",
    )
    command.add_argument("--every", type=_days, default=90.0, help="cut-off spacing (90d)")
    command.add_argument("--horizon", type=_days, default=90.0, help="look-ahead (90d)")
    command.add_argument("--start", type=_date, help="first cut-off (default: one step in)")
    command.add_argument(
        "--cutoff",
        type=_date,
        action="append",
        help="a given cut-off date (repeatable; replaces --every)",
    )
    command.add_argument("--split", type=_date, help="fit before it, evaluate from it on")
    command.add_argument("--profile", type=Path, help="JSON profile fields (default: active)")
    command.add_argument("--json", type=Path, help="write the figures as JSON here")
    command.add_argument("--svg", type=Path, help="write the picture (calibration) here")


def _up(settings: Settings, demo: bool) -> int:
    from app.commands import bring_up

    return bring_up(settings, demo, console)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{port} is not a TCP port (1-65535)")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tiegraph", description=__doc__)
    parser.add_argument("--version", action="version", version=f"tiegraph {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    db = commands.add_parser("db", help="manage the local Neo4j (TIEGRAPH_NEO4J_URI, _DATA_DIR)")
    db.add_argument("action", choices=["start", "stop", "status"])
    redis = commands.add_parser("redis", help="manage the local Redis (TIEGRAPH_REDIS_URL)")
    redis.add_argument("action", choices=["start", "stop", "status"])
    commands.add_parser("schema", help="create missing constraints and indexes")
    serve = commands.add_parser("serve", help="run the API (GraphQL at /graphql)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=_port)
    commands.add_parser("worker", help="run the arq worker that executes ingestion jobs")
    ingest = commands.add_parser(
        "ingest", help="ingest mailboxes, calendars, CRM/reference CSVs or JSON Lines"
    )
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--queue", action="store_true", help="send to the worker instead")
    ingest.add_argument(
        "--initial", action="store_true",
        help="first load into a database without interactions, with Neo4j's bulk importer",
    )  # fmt: skip
    ingest.add_argument("--crm-mapping", type=Path, help="JSON column mapping for a CRM CSV")
    ingest.add_argument("--columns", type=Path, help='JSON {"their column": "our column"}')
    token = commands.add_parser("token", help="API tokens: create, revoke, list")
    actions = token.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="a new token (printed once)")
    create.add_argument("--member", required=True, help="the team member's email")
    create.add_argument("--role", required=True, choices=["rep", "manager", "admin"])
    revoke = actions.add_parser("revoke", help="revoke a token by its id (see list)")
    revoke.add_argument("id")
    actions.add_parser("list", help="every token: id, role, member, created, revoked")
    backtest = commands.add_parser("backtest", help="how well scores predict ties still alive")
    _truth_arguments(backtest)
    tune = commands.add_parser("tune", help="fit the profile on earlier cut-offs, test on later")
    _truth_arguments(tune)
    tune.add_argument("--budget", type=int, default=150, help="profiles to score at most")
    tune.add_argument("--apply", action="store_true", help="save it (queues a rescore)")
    commands.add_parser("demo", help="load the built-in demo firm")
    up = commands.add_parser("up", help="start everything (make run): db, redis, worker, API")
    up.add_argument("--demo", action="store_true", help="load the demo firm first")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tiegraph` console script."""
    args = _parser().parse_args(argv)
    if getattr(args, "demo", False) or args.command == "demo":
        from ingest.demo import DEMO_FIRM_DOMAIN

        os.environ.setdefault("TIEGRAPH_FIRM_DOMAINS", DEMO_FIRM_DOMAIN)
    try:
        return _dispatch(args, get_settings())
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        explained = _explain(exc)
        if explained is None:
            raise  # a bug: its traceback is what a report needs
        code, message = explained
        console.print(f"[red]error:[/red] {escape(message)}")
        return code


def _explain(exc: Exception) -> tuple[int, str] | None:
    """The exit code and one line for a failure the user can act on: bad settings or input, a
    service that is down. None for anything else."""
    if isinstance(exc, TiegraphError):
        return 1, str(exc)
    if isinstance(exc, ValidationError) and exc.title == Settings.__name__:
        return 2, _bad_settings(exc)
    if isinstance(exc, OSError) and exc.filename is not None:
        return 1, f"{exc.filename}: {exc.strerror}"
    down = _service_problem(exc, get_settings())
    return None if down is None else (1, down)


def _bad_settings(exc: ValidationError) -> str:
    problems = [f"TIEGRAPH_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                for e in exc.errors()]  # fmt: skip
    return "invalid setting " + "; ".join(problems)


def _service_problem(exc: Exception, settings: Settings) -> str | None:
    # Imported here, not at the top: `tiegraph --help` stays quick.
    from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable
    from redis.exceptions import ConnectionError as RedisDown
    from redis.exceptions import TimeoutError as RedisTimeout

    uri = settings.neo4j_uri
    if isinstance(exc, ServiceUnavailable):
        hint = "; `tiegraph db start` runs one here" if settings.neo4j_is_local else ""
        return f"cannot reach Neo4j at {uri} (TIEGRAPH_NEO4J_URI){hint}"
    if isinstance(exc, Neo4jError):
        return f"Neo4j at {uri} refused: {exc.message or exc}"
    if isinstance(exc, DriverError):
        return f"Neo4j at {uri}: {exc}"
    if isinstance(exc, RedisDown | RedisTimeout):
        return f"cannot reach Redis at {_redis_address(settings)} (TIEGRAPH_REDIS_URL): {exc}"
    return None


def _redis_address(settings: Settings) -> str:
    # Host and port only: the URL may carry a password.
    parts = urlsplit(settings.redis_url)
    return f"{parts.hostname}:{parts.port or 6379}"


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from app.commands import apply_schema_now, load_demo

    match args.command:
        case "db":
            return _db(args.action, settings)
        case "redis":
            return _redis(args.action, settings)
        case "schema":
            return asyncio.run(apply_schema_now(settings, console))
        case "serve":
            return _serve(settings, args.host, args.port)
        case "worker":
            return _worker(settings)
        case "ingest":
            return _ingest(settings, args)
        case "demo":
            return asyncio.run(load_demo(settings, console))
        case "backtest" | "tune":
            return _truth(settings, args)
        case "token":
            return _token(settings, args)
        case "up":
            return _up(settings, args.demo)
    return 2


if __name__ == "__main__":
    sys.exit(main())
