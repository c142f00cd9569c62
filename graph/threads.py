"""Single-threaded accounts across the book, ranked by value at risk, one page at a time.

For a single-threaded account the value at risk is its annual value, so the ranking is the
accounts' annual value order: accounts are read in that order (`cypher/read/account_threads`,
keyset batches sized from the share of single threads found so far, up to `SCAN_BATCH`) with
only the ties that could be active (a bound, `scoring.reach.ReachBound`), and the
single-thread rule of `scoring.threads` runs on each until one more than the page holds is
found (which says whether there is a next page). The page's accounts are then read whole
(`cypher/read/account_threads_of`) for the second-thread rule. The cursor is the position
(annual value, domain) of the page's last account, opaque to clients.

One member's single threads (`member_single_threads`, for their attention feed) are read from
the accounts where that member has a tie that could be active
(`cypher/read/member_thread_accounts`), not from the book-wide order.
"""

import asyncio
import base64
import binascii
import json
import math
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from graph.common import moment, page_size, reach_params
from graph.records import to_account_input, to_colleague_ties
from graph.repository import GraphRepository
from scoring.account_health import ACTIVE_LABEL
from scoring.profile import ScoringProfile
from scoring.threads import (
    AccountThreads,
    ColleagueTie,
    Suggestion,
    account_threads,
    second_thread,
)
from tiegraph.errors import BadInput

# Accounts read per round trip while looking for single threads: the first read takes
# SCAN_BATCH_PER_WANTED per account wanted (at least SCAN_FIRST_BATCH). Each further read is
# sized from the share of single threads found so far, with SCAN_MARGIN to spare (doubling
# when none was found), up to SCAN_BATCH: one more read usually fills the page.
SCAN_FIRST_BATCH = 50
SCAN_BATCH_PER_WANTED = 5
SCAN_MARGIN = 1.5
SCAN_BATCH = 1000
_CURSOR_PREFIX = "acct:"


class ThreadedAccount(BaseModel):
    """A single-threaded account, its thread and who could add a second one."""

    model_config = ConfigDict(frozen=True)

    threads: AccountThreads
    second_thread: Suggestion | None
    cursor: str


class ThreadPage(BaseModel):
    """One page of single-threaded accounts, highest value at risk first."""

    model_config = ConfigDict(frozen=True)

    accounts: tuple[ThreadedAccount, ...]
    has_next_page: bool

    @property
    def end_cursor(self) -> str | None:
        """The cursor of the page's last account (None for an empty page)."""
        return self.accounts[-1].cursor if self.accounts else None


def encode_cursor(value: float, domain: str) -> str:
    """An opaque cursor for the keyset position (value, domain)."""
    raw = json.dumps([value, domain]).encode()
    return base64.urlsafe_b64encode(_CURSOR_PREFIX.encode() + raw).decode()


def decode_cursor(cursor: str) -> tuple[float, str]:
    """The keyset position of a cursor made by `encode_cursor`; BadInput for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode())
        if not raw.startswith(_CURSOR_PREFIX.encode()):
            raise ValueError("unknown cursor")
        value, domain = json.loads(raw[len(_CURSOR_PREFIX) :])
        return float(value), str(domain)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise BadInput("not a cursor this list gave out", location="after") from exc


async def _scan(
    repo: GraphRepository,
    filters: tuple[float | None, str | None],
    after: tuple[float, str] | None,
    wanted: int,
    profile: ScoringProfile,
    at: datetime,
) -> list[tuple[float, str, AccountThreads]]:
    """The first `wanted` single-threaded accounts after `after`: keyset position and threads
    (read from the ties that could be active only: see `_whole`)."""
    found: list[tuple[float, str, AccountThreads]] = []
    reach = reach_params(profile, at, ACTIVE_LABEL)
    batch, read = max(SCAN_FIRST_BATCH, SCAN_BATCH_PER_WANTED * wanted), 0
    while len(found) < wanted:
        rows = await repo.account_threads(*filters, after, batch, reach)
        # Only ties that could be active were read: enough to find the thread, and an
        # account with none (most of them) has no thread, so it is not even mapped.
        for row in (row for row in rows if row["contacts"]):
            threads = account_threads(to_account_input(row), profile, at)
            if threads.thread is not None:
                found.append((float(row["value"]), row["account"]["domain"], threads))
        if len(rows) < batch:
            break
        after = (float(rows[-1]["value"]), rows[-1]["account"]["domain"])
        read += len(rows)
        batch = next_batch(batch, read, len(found), wanted - len(found))
    return found[:wanted]


def next_batch(batch: int, read: int, found: int, missing: int) -> int:
    """How many accounts the scan reads next, after `read` accounts gave `found` single threads
    and `missing` are still wanted: enough at the share seen so far, with SCAN_MARGIN to spare
    (double the last `batch` while none was found), within SCAN_FIRST_BATCH..SCAN_BATCH."""
    if found == 0:
        return min(batch * 2, SCAN_BATCH)
    estimate = math.ceil(missing * read / found * SCAN_MARGIN)
    return max(SCAN_FIRST_BATCH, min(estimate, SCAN_BATCH))


def _whole(threads: AccountThreads, row: dict[str, Any]) -> AccountThreads:
    """A scanned account's threads with the account read whole (every tie, which the second
    thread weighs). The active contacts and the thread stay the scan's: a tie the scan left
    out cannot be active, and without namesakes a contact's move depends only on its own
    `left_on` (scoring.account_health.find_move), so scoring every tie again finds the same."""
    return threads.model_copy(update={"account": to_account_input(row)})


async def holder_colleagues(
    repo: GraphRepository, members: list[str]
) -> dict[str, tuple[ColleagueTie, ...]]:
    """Each member's WORKS_WITH colleagues as rule inputs (no read for no member)."""
    if not members:
        return {}
    rows = await repo.colleague_ties(sorted(set(members)))
    return {email: to_colleague_ties(items) for email, items in rows.items()}


async def single_threaded_accounts(
    repo: GraphRepository,
    min_annual_value: float | None = None,
    tier: str | None = None,
    first: int = 10,
    after: str | None = None,
    as_of: datetime | None = None,
) -> ThreadPage:
    """Single-threaded accounts (filtered by annual value and tier), highest value at risk
    first, `first` per page after the cursor `after`, each with a second-thread suggestion."""
    limit, at = page_size(first), moment(as_of)
    position = None if after is None else decode_cursor(after)
    wanted_tier = None if tier is None else tier.strip().casefold()
    profile = await repo.scoring_profile()
    found = await _scan(repo, (min_annual_value, wanted_tier), position, limit + 1, profile, at)
    accounts = await _with_second_threads(repo, found[:limit], profile, at)
    return ThreadPage(accounts=accounts, has_next_page=len(found) > limit)


async def member_single_threads(
    repo: GraphRepository,
    member: str,
    min_annual_value: float,
    first: int,
    profile: ScoringProfile,
    at: datetime,
) -> tuple[ThreadedAccount, ...]:
    """The `first` most valuable single-threaded accounts (worth at least `min_annual_value`)
    whose thread `member` holds at `at`: as the thread's one member, or among the holders of
    its one contact. Each with a second-thread suggestion, as in `single_threaded_accounts`.
    The caller (the attention feed) has already read the scoring profile."""
    reach = reach_params(profile, at, ACTIVE_LABEL)
    found = []
    for row in await repo.member_thread_accounts(member, min_annual_value, reach):
        threads = account_threads(to_account_input(row), profile, at)
        if threads.held_by(member):
            found.append((float(row["value"]), row["account"]["domain"], threads))
    return await _with_second_threads(repo, found[:first], profile, at)


async def _with_second_threads(
    repo: GraphRepository,
    found: list[tuple[float, str, AccountThreads]],
    profile: ScoringProfile,
    at: datetime,
) -> tuple[ThreadedAccount, ...]:
    """The scanned single-threaded accounts read whole, each with its second-thread suggestion
    and its cursor."""
    if not found:
        return ()
    # Second threads weigh every tie, not only the active ones the scan read. The threads
    # (so their holders) are the scan's already: the holders' colleagues are read alongside.
    holders = [t.thread.member.email for _, _, t in found if t.thread and t.thread.member]
    rows, colleagues = await asyncio.gather(
        repo.account_threads_of([domain for _, domain, _ in found]),
        holder_colleagues(repo, holders),
    )
    page = [
        (_whole(threads, rows[domain]), (value, domain))
        for value, domain, threads in found
        if domain in rows
    ]
    return tuple(
        ThreadedAccount(
            threads=threads,
            second_thread=second_thread(threads, _colleagues_of(threads, colleagues), profile, at),
            cursor=encode_cursor(*key),
        )
        for threads, key in page
    )


def _colleagues_of(
    threads: AccountThreads, colleagues: dict[str, tuple[ColleagueTie, ...]]
) -> tuple[ColleagueTie, ...]:
    member = threads.thread.member if threads.thread else None
    return () if member is None else colleagues.get(member.email, ())


__all__ = [
    "SCAN_BATCH",
    "ThreadPage",
    "ThreadedAccount",
    "decode_cursor",
    "encode_cursor",
    "member_single_threads",
    "next_batch",
    "single_threaded_accounts",
]
