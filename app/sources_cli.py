"""`tiegraph source add|list|sync|pause|resume|remove`: live mailboxes and calendars.

Light to import, like `app.cli`: the parser is built for `--help`, before pydantic or rich."""

import argparse
import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from graph.repository import GraphRepository
    from ingest.imap_sync import SyncReport
    from tiegraph.settings import Settings
    from tiegraph.sources import Source, SourceSpec

SECRET_HELP = "env:NAME, file:PATH or command:COMMAND LINE (run at each connection)"  # noqa: S105


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """The `source` command and its actions."""
    source = commands.add_parser("source", help="live mailboxes and calendars: add, list, sync")
    actions = source.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="register an IMAP mailbox or a CalDAV calendar")
    kinds = add.add_subparsers(dest="kind", required=True)
    imap = kinds.add_parser("imap", help="an IMAP mailbox (headers only, never bodies)")
    _common(imap)
    imap.add_argument("--host", required=True, help="the IMAP server, e.g. imap.gmail.com")
    imap.add_argument("--port", type=int, help="default 993 (tls) or 143")
    # The values of tiegraph.sources.Security (that module loads pydantic).
    imap.add_argument("--security", choices=("tls", "starttls", "none"), default="tls",
                      help="tls (port 993), starttls or none (143); default tls")  # fmt: skip
    imap.add_argument(
        "--folder",
        action="append",
        dest="folders",
        help="a folder to read (repeat); default: all but trash, junk, drafts",
    )
    secret = imap.add_mutually_exclusive_group(required=True)
    secret.add_argument("--password", help=f"where the password comes from: {SECRET_HELP}")
    secret.add_argument("--oauth2-token", help=f"where an XOAUTH2 access token comes from: "
                        f"{SECRET_HELP}")  # fmt: skip
    caldav = kinds.add_parser("caldav", help="a CalDAV calendar, or all calendars of an account")
    _common(caldav)
    caldav.add_argument("--url", required=True, help="the calendar's or the account's URL")
    caldav.add_argument("--password", required=True, help=f"where it comes from: {SECRET_HELP}")
    actions.add_parser("list", help="every source with its status")
    for action, text in (("sync", "sync now, here (--queue: on the worker)"),
                         ("pause", "stop syncing on the schedule"), ("resume", "sync again"),
                         ("remove", "forget the source (what it brought stays)")):  # fmt: skip
        one = actions.add_parser(action, help=text)
        one.add_argument("id", help="the source's id (`tiegraph source list`)")
        if action == "sync":
            one.add_argument("--queue", action="store_true", help="send to the worker instead")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="what to call it in lists")
    parser.add_argument("--user", required=True, help="the account's user name")
    parser.add_argument("--member", required=True, help="the team member it belongs to")


def _spec(args: argparse.Namespace) -> "SourceSpec":
    from tiegraph.sources import Security, caldav_spec, imap_spec

    if args.kind == "caldav":
        return caldav_spec(args.name, args.url, args.user, args.member, args.password)
    return imap_spec(args.name, args.host, args.user, args.member, port=args.port,
                     security=Security(args.security), folders=args.folders,
                     password=args.password, oauth2_token=args.oauth2_token)  # fmt: skip


@asynccontextmanager
async def _repo(settings: "Settings") -> AsyncIterator["GraphRepository"]:
    from graph.driver import apply_schema, create_driver
    from graph.repository import GraphRepository

    driver = create_driver(settings)
    try:
        await driver.verify_connectivity()
        await apply_schema(driver, settings.neo4j_database)
        yield GraphRepository(driver, settings.neo4j_database)
    finally:
        await driver.close()


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def source_table(sources: "list[Source]") -> "Table":
    from rich.table import Table

    """The sources as `source list` prints them (never a secret)."""
    table = Table("id", "kind", "name", "member", "where", "secret", "state", "last success",
                  "lag s", "read", "written", "last error")  # fmt: skip
    now = datetime.now(UTC)
    for s in sources:
        where = s.url or f"{s.host}:{s.imap_port} ({s.security.value})"
        lag = s.lag_seconds(now)
        table.add_row(s.id, s.kind.value, s.name, s.member, where, s.secret.shown, s.state.value,
                      _when(s.last_success_at), "" if lag is None else f"{lag:.0f}",
                      str(s.items_read), str(s.items_written), s.last_error or "")  # fmt: skip
    return table


async def _act(settings: "Settings", args: argparse.Namespace, console: "Console") -> int:
    from rich.console import Console

    from graph import sources
    from graph.firm import firm_domains
    from ingest.sync import sync_source

    async with _repo(settings) as repo:
        match args.action:
            case "add":
                firm = await firm_domains(repo, settings.firm_domains)
                added = await sources.add_source(repo, _spec(args), firm)
                console.print(f"Source {added.id} added; the worker syncs it every "
                              f"{settings.sync_interval} s (TIEGRAPH_SYNC_INTERVAL).")  # fmt: skip
            case "list":
                Console().print(source_table(await sources.list_sources(repo)))
            case "pause" | "resume":
                await sources.set_paused(repo, args.id, args.action == "pause")
                console.print(f"Source {args.id} {args.action}d.")
            case "remove":
                await sources.remove_source(repo, args.id)
                console.print(f"Source {args.id} removed; what it brought stays in the graph.")
            case "sync":
                report = await sync_source(repo, settings, args.id)
                if report.skipped:
                    console.print(_not_synced(args.id, report))
                    return 0
                console.print(f"Source {args.id}: {report.read} read, {report.written} written, "
                              f"{report.ingest.duplicates} already stored.")  # fmt: skip
                if report.error:
                    console.print(f"[red]error:[/red] {report.error}")
                    return 1
    return 0


async def _queue_sync(settings: "Settings", source_id: str, console: "Console") -> int:
    from app.worker import queue_pool
    from graph.sources import get_source
    from ingest.jobs import enqueue_sync

    async with _repo(settings) as repo:
        await get_source(repo, source_id)
    pool = await queue_pool(settings, conn_retries=0)
    try:
        job_id = await enqueue_sync(pool, source_id)
    finally:
        await pool.aclose()
    console.print(f"Queued as job {job_id}; `tiegraph worker` runs it.")
    return 0


def run(settings: "Settings", args: argparse.Namespace, console: "Console") -> int:
    """Carry out one `source` action."""
    if args.action == "sync" and args.queue:
        return asyncio.run(_queue_sync(settings, args.id, console))
    return asyncio.run(_act(settings, args, console))


def _not_synced(source_id: str, report: "SyncReport") -> str:
    done = f" It read {report.read} and wrote {report.written} first." if report.read else ""
    by = "the worker's, or another `tiegraph source sync`"
    return f"Source {source_id} not synced now: {report.skipped} ({by}).{done}"
