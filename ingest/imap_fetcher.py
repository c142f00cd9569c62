"""A folder's header fetches in a process of their own, for a sync with many new messages.

imaplib reads FETCH responses, and imapclient parses them, in Python. Run in a thread, that
work holds the GIL against the event loop that checks and writes the batches meanwhile, and
each stalls the other (measured in docs/benchmarks.md, "Live IMAP sync"). A child process
with its own session fetches instead and hands back the raw header blocks, which the sync
parses as before. The child resolves the secret itself (a command-made token is then made
for its own connection, and no secret crosses the pipe), and checks that the folder still has
the UIDVALIDITY the sync started with, so the UIDs it is asked for mean the same messages.
"""

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial

from imapclient import IMAPClient

from ingest import imap
from ingest.secrets import SourceFailure, resolve_secret
from tiegraph.sources import Source

Fetched = list[tuple[int, bytes]]

# In the child: its signed-in session, with the folder open, and the secret (to keep it out
# of error messages).
_session: tuple[IMAPClient, str] | None = None


def _open_in_child(source: Source, folder: str, uidvalidity: int) -> tuple[IMAPClient, str]:
    secret = resolve_secret(source.secret)
    client = imap.connect(source, secret)
    state = imap.guarded(secret, f"open {folder}", partial(imap.examine, client, folder))
    if state.uidvalidity != uidvalidity:
        imap.close(client)
        raise SourceFailure(f"imap: {folder} was renumbered during the sync (UIDVALIDITY)")
    return client, secret


def _fetch_in_child(source: Source, folder: str, uidvalidity: int, uids: list[int]) -> Fetched:
    global _session  # one session per child process, kept between fetches
    if _session is None:
        _session = _open_in_child(source, folder, uidvalidity)
    client, secret = _session
    return imap.guarded(secret, f"fetch {folder}", partial(imap.fetch_headers, client, uids))


def _close_in_child() -> None:
    global _session
    if _session is not None:
        imap.close(_session[0])
        _session = None


class FolderFetcher:
    """Fetches header blocks of one folder in a child process, one FETCH at a time."""

    def __init__(self, source: Source, folder: str, uidvalidity: int) -> None:
        self._args = (source, folder, uidvalidity)
        # spawn, not fork: the parent has threads and an event loop a fork would copy mid-use.
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)

    async def fetch(self, uids: list[int]) -> Fetched:
        """The header blocks of `uids`, as `imap.fetch_headers` gives them."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, _fetch_in_child, *self._args, uids)
        except BrokenProcessPool:
            raise SourceFailure(f"imap: fetch {self._args[1]}: the fetching process died") from None

    async def close(self) -> None:
        """Log the child's session out and let the process end."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._pool, _close_in_child)
        except BrokenProcessPool:
            pass  # nothing left to log out of
        finally:
            await asyncio.to_thread(self._pool.shutdown)
