"""The `tiegraph` command: local services, the API, the worker and ingestion.

Only the standard library is imported at the top: `tiegraph --help` and a bad argument answer
before pydantic, rich or the Neo4j driver load. Each command imports what it needs.
"""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from app import sources_cli
from tiegraph import __version__

if TYPE_CHECKING:
    from pydantic import ValidationError
    from rich.console import Console

    from tiegraph.settings import Settings


@cache
def _console() -> "Console":
    from rich.console import Console

    # soft_wrap: a message stays one line in a pipe or a log, where rich would break it at 80.
    return Console(stderr=True, soft_wrap=True)


def _say(message: str) -> None:
    _console().print(message)


def _db(action: str, settings: "Settings") -> int:
    from app.local.services import neo4j_process, port_open

    if not settings.neo4j_is_local:
        _say(f"TIEGRAPH_NEO4J_URI is {settings.neo4j_uri}: not a local bolt:// server, "
             "so tiegraph does not manage it.")  # fmt: skip
        return 2
    if action == "start":
        settings = settings.with_local_credentials()
    process = neo4j_process(settings, _say)
    answers = port_open("127.0.0.1", settings.neo4j_port)
    if action == "start":
        # Another server on the port would stop ours from binding it, after seconds of startup.
        if answers and process.pid() is None:
            _say(f"A Neo4j already answers at {settings.neo4j_uri}; using it.")
            return 0
        pid = process.start()
        _say(f"Neo4j is up at {settings.neo4j_uri} (pid {pid}, files in {process.workdir})")
    elif action == "stop":
        _say("Neo4j stopped." if process.stop() else "Neo4j was not running.")
    else:
        return _status("Neo4j", settings.neo4j_uri, process.pid(), answers, process.workdir)
    return 0


def _status(name: str, where: str, pid: int | None, answers: bool, workdir: Path) -> int:
    """One line that says what is true: whether a server answers at `where`, and whether it is
    the one started from this data directory. Exit 3 only when nothing answers."""
    folder = f"{workdir.resolve()} (TIEGRAPH_DATA_DIR)"
    if pid is not None:
        state = "answering" if answers else "not answering yet"
        _say(f"{name} running (pid {pid}, files in {folder}), {state} at {where}")
    elif answers:
        _say(f"{name} answers at {where}, but was not started from {folder}: another data "
             "directory's, or a server tiegraph does not manage")  # fmt: skip
    else:
        _say(f"{name} not running: nothing answers at {where}")
    return 0 if pid is not None or answers else 3


def _redis(action: str, settings: "Settings") -> int:
    from app.local.services import port_open, redis_is_local, redis_port, redis_process

    if not redis_is_local(settings):
        _say("TIEGRAPH_REDIS_URL is not local; tiegraph does not manage it.")
        return 2
    if action == "start":
        settings = settings.with_local_credentials()
    process = redis_process(settings)
    answers = port_open("127.0.0.1", redis_port(settings))
    if action == "start":
        if answers and process.pid() is None:
            _say(f"A Redis already answers at {settings.redis_shown}; using it.")
            return 0
        _say(f"Redis is up at {settings.redis_shown} (pid {process.start()})")
    elif action == "stop":
        _say("Redis stopped." if process.stop() else "Redis was not running.")
    else:
        return _status("Redis", _redis_address(settings), process.pid(), answers, process.workdir)
    return 0


def _serve(settings: "Settings", host: str | None, port: int | None) -> int:
    from app.commands import serve

    serve(settings, host, port)
    return 0


def _worker(settings: "Settings", check: bool) -> int:
    from app.observability import configure_logging
    from app.worker import run_worker, worker_alive

    if check:  # a container's health check
        alive = asyncio.run(worker_alive(settings))
        _say("A worker is running." if alive else "No worker has reported in 11 s.")
        return 0 if alive else 1
    configure_logging(settings.log_level)  # JSON lines, as the API writes them
    asyncio.run(run_worker(settings))
    return 0


def _ingest(settings: "Settings", args: argparse.Namespace) -> int:
    from app.commands import ingest_files, queue_files
    from ingest.sources import SourceOptions

    if args.queue and args.initial:
        _say("--initial loads in this process; it cannot be queued.")
        return 2
    if args.queue:
        if args.crm_mapping or args.columns:
            _say("--crm-mapping/--columns apply to direct ingestion only for now.")
            return 2
        job_id = asyncio.run(queue_files(settings, args.paths))
        _say(f"Queued as job {job_id}; `tiegraph worker` runs it.")
        return 0
    options = SourceOptions.from_files(args.crm_mapping, args.columns)
    if args.initial:
        from app.commands import stopped_as_interrupted, summary_table
        from app.initial_load import ingest_initial

        with stopped_as_interrupted():  # stopped, it puts the graph back as after a failure
            report = ingest_initial(settings, args.paths, options, _console()).report
        _console().print(summary_table(report))
    else:
        report = asyncio.run(ingest_files(settings, args.paths, options, _console()))
    return 1 if report.error_count else 0


def _token(settings: "Settings", args: argparse.Namespace) -> int:
    from app.token_commands import create_token, list_tokens, revoke_token

    if args.action == "create":
        token = asyncio.run(create_token(settings, args.member, args.role))
        # The token itself goes to stdout alone (for scripts); it is never shown again.
        sys.stdout.write(token + "\n")
        _say("Token created; keep it now: only its hash is stored.")
    elif args.action == "revoke":
        asyncio.run(revoke_token(settings, args.id))
        _say(f"Token {args.id} revoked.")
    else:
        asyncio.run(list_tokens(settings, args.json))
    return 0


def _init(settings: "Settings", args: argparse.Namespace) -> int:
    from app.commands import init_now

    return asyncio.run(init_now(settings, args.firm_domain, _console(), args.change, args.force))


def _capture(settings: "Settings", args: argparse.Namespace) -> int:
    from rich.console import Console

    from app.commands import capture_now

    return asyncio.run(capture_now(settings, args, _console(), Console()))


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


def _truth(settings: "Settings", args: argparse.Namespace) -> int:
    from app.commands import TruthOptions, backtest_now, tune_now
    from ingest.backtest import Plan

    plan = Plan(every_days=args.every, horizon_days=args.horizon, start=args.start,
                cutoffs=tuple(args.cutoff or ()), split=args.split)  # fmt: skip
    options = TruthOptions(plan=plan, paths=tuple(args.sources or ()), profile=args.profile,
                           json_out=args.json, svg_out=args.svg,
                           budget=getattr(args, "budget", 150),
                           apply=getattr(args, "apply", False))  # fmt: skip
    run = backtest_now if args.command == "backtest" else tune_now
    return run(settings, options, _console())


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


def _up(settings: "Settings", demo: bool) -> int:
    from app.commands import bring_up

    return bring_up(settings, demo, _console())


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{port} is not a TCP port (1-65535)")
    return port


def _init_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    init = commands.add_parser(
        "init",
        help="set up the firm once: store its domains in the graph (ingestion needs them)",
        description="Store the firm's own domains in the graph: addresses on them (and their "
        "subdomains) are team members, every other address a contact. Every process reads "
        "them from there; TIEGRAPH_FIRM_DOMAINS, when set, must agree. Running it again with "
        "the same domains changes nothing.",
    )
    init.add_argument("--firm-domain", nargs="+", action="extend", required=True,
                      metavar="DOMAIN", help="the firm's domains; the first is where firm "
                      "addresses on the others fold to")  # fmt: skip
    init.add_argument("--change", action="store_true", help="replace domains stored already")
    init.add_argument("--force", action="store_true", help="with --change, even when "
                      "interactions are stored (they keep their old classification)")  # fmt: skip


def _capture_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    capture = commands.add_parser(
        "capture",
        help="what may be captured and shown: exclusions, subjects, opt-outs",
        description="Capture controls, stored in the graph and applied by every process: at "
        "capture (ingestion, sync) and to what is already stored. See the README, 'Capture "
        "controls'.",
    )
    actions = capture.add_subparsers(dest="action", required=True)
    actions.add_parser("show", help="the firm's domains and every control")
    for name, verb in (("exclude", "stop capturing"), ("include", "capture again")):
        action = actions.add_parser(name, help=f"{verb}: a member's sources, an address, a domain")
        what = action.add_mutually_exclusive_group(required=True)
        what.add_argument("--member", help=f"{verb} this member's mailboxes and calendars")
        what.add_argument(
            "--address",
            help=f"{verb} interactions with this address"
            + (" (and erase the stored ones)" if name == "exclude" else ""),
        )
        what.add_argument(
            "--domain",
            help=f"{verb} interactions with anyone on this domain"
            + (" (and erase the stored ones)" if name == "exclude" else ""),
        )
    subjects = actions.add_parser("subjects", help="store subjects (on) or not (off: the "
                                  "stored ones are removed too)")  # fmt: skip
    subjects.add_argument("state", choices=["on", "off"], help="on: store subjects; off: drop them")
    for name, verb in (("opt-out", "leave out of"), ("opt-in", "show again in")):
        choice = actions.add_parser(name, help=f"{verb} other people's answers: a member's "
                                    "ties (their own choice; members can also set it through "
                                    "GraphQL setOptOut)")  # fmt: skip
        choice.add_argument("--member", required=True, help="the member (their address)")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every command and option, each with its help."""
    parser = argparse.ArgumentParser(prog="tiegraph", description=__doc__)
    parser.add_argument("--version", action="version", version=f"tiegraph {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    db = commands.add_parser("db", help="manage the local Neo4j (TIEGRAPH_NEO4J_URI, _DATA_DIR)")
    db.add_argument("action", choices=["start", "stop", "status"],
                    help="start it (files under TIEGRAPH_DATA_DIR), stop it, or say whether "
                    "it runs and answers (exit 3 when nothing answers)")  # fmt: skip
    redis = commands.add_parser("redis", help="manage the local Redis (TIEGRAPH_REDIS_URL)")
    redis.add_argument("action", choices=["start", "stop", "status"],
                       help="start it, stop it, or say whether it runs and answers (exit 3 "
                       "when nothing answers)")  # fmt: skip
    commands.add_parser("schema", help="create missing constraints and indexes")
    serve = commands.add_parser("serve", help="run the API (GraphQL at /graphql)")
    serve.add_argument("--host", help="address to listen on (default TIEGRAPH_API_HOST)")
    serve.add_argument("--port", type=_port, help="port to listen on (TIEGRAPH_API_PORT)")
    worker = commands.add_parser("worker", help="run the arq worker that executes ingestion jobs")
    worker.add_argument(
        "--check", action="store_true", help="exit 0 if a worker is running (health checks)"
    )
    ingest = commands.add_parser(
        "ingest", help="ingest mailboxes, calendars, CRM/reference CSVs or JSON Lines"
    )
    ingest.add_argument("paths", nargs="+", type=Path,
                        help="files or folders; formats are read from the content")  # fmt: skip
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
    create.add_argument("--role", required=True, choices=["rep", "manager", "admin"],
                        help="what it may see and do (README: Tokens and roles)")  # fmt: skip
    revoke = actions.add_parser("revoke", help="revoke a token by its id (see list)")
    revoke.add_argument("id", help="the token's id, as `token list` shows it")
    listing = actions.add_parser("list", help="every token: id, role, member, created, revoked")
    listing.add_argument("--json", action="store_true", help="as one JSON array, for scripts")
    backtest = commands.add_parser("backtest", help="how well scores predict ties still alive")
    _truth_arguments(backtest)
    tune = commands.add_parser("tune", help="fit the profile on earlier cut-offs, test on later")
    _truth_arguments(tune)
    tune.add_argument("--budget", type=int, default=150, help="profiles to score at most")
    tune.add_argument("--apply", action="store_true", help="save it (queues a rescore)")
    commands.add_parser("demo", help="load the built-in demo firm")
    _init_parser(commands)
    _capture_parser(commands)
    sources_cli.add_parser(commands)
    up = commands.add_parser("up", help="start everything (make run): db, redis, worker, API")
    up.add_argument("--demo", action="store_true", help="load the demo firm first")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tiegraph` console script."""
    args = build_parser().parse_args(argv)
    try:
        from tiegraph.settings import get_settings

        return _dispatch(args, get_settings())
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        explained = _explain(exc)
        if explained is None:
            raise  # a bug: its traceback is what a report needs
        from rich.markup import escape

        code, message = explained
        _say(f"[red]error:[/red] {escape(message)}")
        return code


def _explain(exc: Exception) -> tuple[int, str] | None:
    """The exit code and one line for a failure the user can act on: bad settings or input, a
    service that is down. None for anything else."""
    from pydantic import ValidationError

    from tiegraph.errors import TiegraphError
    from tiegraph.settings import Settings, get_settings

    if isinstance(exc, TiegraphError):
        return 1, str(exc)
    if isinstance(exc, ValidationError) and exc.title == Settings.__name__:
        return 2, _bad_settings(exc)
    if isinstance(exc, OSError) and exc.filename is not None:
        return 1, f"{exc.filename}: {exc.strerror}"
    down = _service_problem(exc, get_settings())
    return None if down is None else (1, down)


def _bad_settings(exc: "ValidationError") -> str:
    problems = [f"TIEGRAPH_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                for e in exc.errors()]  # fmt: skip
    return "invalid setting " + "; ".join(problems)


def _service_problem(exc: Exception, settings: "Settings") -> str | None:
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


def _redis_address(settings: "Settings") -> str:
    from urllib.parse import urlsplit

    # Host and port only: the URL may carry a password.
    parts = urlsplit(settings.redis_url)
    return f"{parts.hostname}:{parts.port or 6379}"


def _dispatch(args: argparse.Namespace, settings: "Settings") -> int:
    match args.command:
        case "db":
            return _db(args.action, settings)
        case "redis":
            return _redis(args.action, settings)
        case "schema":
            from app.commands import apply_schema_now

            return asyncio.run(apply_schema_now(settings, _console()))
        case "serve":
            return _serve(settings, args.host, args.port)
        case "worker":
            return _worker(settings, args.check)
        case "ingest":
            return _ingest(settings, args)
        case "demo":
            from app.commands import load_demo

            return asyncio.run(load_demo(settings, _console()))
        case "backtest" | "tune":
            return _truth(settings, args)
        case "token":
            return _token(settings, args)
        case "init":
            return _init(settings, args)
        case "capture":
            return _capture(settings, args)
        case "source":
            return sources_cli.run(settings, args, _console())
        case "up":
            return _up(settings, args.demo)
    return 2


if __name__ == "__main__":
    sys.exit(main())
