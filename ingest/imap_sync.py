"""Sync an IMAP mailbox: per folder, only the UIDs above its checkpoint, headers only.

A folder's checkpoint is its UIDVALIDITY and the highest UID whose batch has committed, saved
after each batch: a sync that stops anywhere (server gone, worker killed) resumes after the
last committed batch, and a batch written again is found stored (Message-ID is the
interaction id, as for files), so nothing is lost or doubled. A changed UIDVALIDITY means
the server renumbered the folder: it is read again from the start, which changes nothing
already stored. The next batch's headers are fetched, and it is checked, while one is written.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from imapclient import IMAPClient

from graph.repository import GraphRepository
from graph.sources import Checkpoint, SyncLease, save_checkpoint
from ingest import imap
from ingest.parsers.email import parse_message_bytes
from ingest.pipeline import Committed, Ingestor, IngestReport
from ingest.results import ParsedItem, owned_by
from ingest.secrets import SourceFailure, resolve_secret
from tiegraph.sources import Source

# Messages per FETCH and per checkpoint: about a megabyte of headers.
MAX_FETCH = 2000
T = TypeVar("T")

# Called after each committed batch with (folder, its new checkpoint).
BatchHook = Callable[[str, Checkpoint], Awaitable[None]]


@dataclass
class SyncReport:
    """What one sync of one source did. `fetched` counts messages (or calendar objects)
    read from the server per folder (or calendar); `ingest` is the ingestion's report."""

    source_id: str
    ingest: IngestReport
    fetched: dict[str, int] = field(default_factory=dict)
    resynced: list[str] = field(default_factory=list)
    changed: int = 0  # stored interactions a calendar change replaced or removed
    error: str | None = None
    skipped: str | None = None  # why nothing was done (another sync of it was running)

    @property
    def read(self) -> int:
        """Messages or calendar objects read from the server."""
        return sum(self.fetched.values())

    @property
    def written(self) -> int:
        """New interactions stored, and stored ones changed."""
        return self.ingest.ingested + self.changed


@dataclass
class _Folder:
    lease: SyncLease
    source: Source
    client: IMAPClient
    secret: str
    repo: GraphRepository
    ingestor: Ingestor
    report: SyncReport
    on_batch: BatchHook | None

    async def call(self, what: str, fn: Callable[..., T], *args: Any) -> T:
        """A blocking IMAP call in a thread, its failures made SourceFailures."""
        return await asyncio.to_thread(imap.guarded, self.secret, what, partial(fn, *args))


def _parsed(source: Source, folder: str, fetched: list[tuple[int, bytes]]) -> list[ParsedItem]:
    now = datetime.now(UTC)
    return owned_by((parse_message_bytes(headers, f"{source.name}/{folder}#UID{uid}", now=now)
                     for uid, headers in fetched), source.member)  # fmt: skip


async def _start_at(run: _Folder, folder: str, saved: Checkpoint | None) -> tuple[int, int, bool]:
    """(UIDVALIDITY, last committed UID, anything new?) for `folder`, opened read-only."""
    state = await run.call(f"open {folder}", imap.examine, run.client, folder)
    last = 0
    if saved is not None and saved.get("uidvalidity") == state.uidvalidity:
        last = int(saved.get("last_uid", 0))
    elif saved is not None:
        run.report.resynced.append(folder)
    fresh = state.uidnext is None or state.uidnext > last + 1
    return state.uidvalidity, last, fresh


Fetch = tuple[list[int], "asyncio.Task[list[tuple[int, bytes]]]"]
Started = tuple[Committed, Checkpoint]


def _next_fetch(run: _Folder, folder: str, chunks: Iterator[list[int]]) -> Fetch | None:
    chunk = next(chunks, None)
    if chunk is None:
        return None
    call = run.call(f"fetch {folder}", imap.fetch_headers, run.client, chunk)
    return chunk, asyncio.create_task(call)


async def _save_committed(run: _Folder, folder: str, started: list[Started], wait: bool) -> None:
    """Checkpoint the last of the `started` batches that has committed (waiting for all of
    them when `wait`); batches commit in order, so every one before it has too."""
    mark = None
    while started and (wait or started[0][0].done()):
        committed, mark = started.pop(0)
        await committed
    if mark is not None:
        await save_checkpoint(run.repo, run.lease, folder, mark)
        if run.on_batch is not None:
            await run.on_batch(folder, mark)


async def _sync_folder(run: _Folder, folder: str, saved: Checkpoint | None, size: int) -> None:
    uidvalidity, last, fresh = await _start_at(run, folder, saved)
    run.report.fetched[folder] = 0
    uids = await run.call(f"search {folder}", imap.uids_after, run.client, last) if fresh else []
    if not uids and folder in run.report.resynced:
        mark = {"uidvalidity": uidvalidity, "last_uid": 0}
        await save_checkpoint(run.repo, run.lease, folder, mark)
    chunks = iter([uids[start : start + size] for start in range(0, len(uids), size)])
    fetching = _next_fetch(run, folder, chunks)
    started: list[Started] = []
    try:
        while fetching is not None:
            chunk, task = fetching
            got = await task
            fetching = _next_fetch(run, folder, chunks)  # while this batch is written
            parsed = _parsed(run.source, folder, got)
            committed = await run.ingestor.start_batch(parsed)
            run.report.fetched[folder] += len(got)
            started.append((committed, {"uidvalidity": uidvalidity, "last_uid": chunk[-1]}))
            await _save_committed(run, folder, started, wait=False)
        await _save_committed(run, folder, started, wait=True)
    except SourceFailure:
        # The server went away: what was sent to Neo4j still commits, and is checkpointed.
        await _save_committed(run, folder, started, wait=True)
        raise
    finally:
        if fetching is not None:  # a thread cannot be stopped: let its fetch end first
            with suppress(Exception):
                await fetching[1]
        await run.ingestor.abandon()  # only after a failure is anything left in flight


async def sync_imap(
    repo: GraphRepository, lease: SyncLease, source: Source, saved: dict[str, Checkpoint],
    ingestor: Ingestor, report: SyncReport, batch_size: int, on_batch: BatchHook | None = None,
) -> None:  # fmt: skip
    """Read every wanted folder of `source` past its checkpoint (`saved`, by folder) into
    `ingestor`, checkpointing as the holder of `lease`; raises SourceFailure when the server,
    the network or the secret fails, LeaseLost when another sync took the source over."""
    secret = await asyncio.to_thread(resolve_secret, source.secret)
    client = await asyncio.to_thread(imap.connect, source, secret)
    run = _Folder(lease, source, client, secret, repo, ingestor, report, on_batch)
    size = max(1, min(batch_size, MAX_FETCH))
    try:
        for folder in await run.call("list folders", imap.folders, client, source):
            await _sync_folder(run, folder, saved.get(folder), size)
    finally:
        await asyncio.to_thread(imap.close, client)
