"""Rebuild every tie from the stored interactions under the active scoring profile.

Stored tie sums carry the channel weights and half-lives that wrote them, so a profile change
needs this. The interactions are read page by page; each page is folded into per-tie rows in a
separate process (the fold is pure Python and would otherwise hold the one interpreter the
reads need), and the rows are summed into one total per tie held in memory (a few hundred bytes
a tie). Then each tie is written once, replacing its old state, and ties nothing rebuilt are
removed. The profile's admin-subject rule is applied again on the way (`IngestPolicy.
with_admin_flag`), and an interaction whose flag it changes is stored with the new one. Until
the write phase, ties keep their old scores; during it they switch over in
batches of `WRITE_SIZE` (the job's progress says how far it is). Ingestion running at the same
time can lose its additions to ties being replaced: run a rescore when no ingestion is.
"""

import asyncio
import gc
import multiprocessing
import os
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from graph.records import INTERACTION_COLUMNS, reach_rule, tie_rows, to_interaction
from graph.repository import GraphRepository
from scoring.fold import TieFields, TieTotals, fold_ties
from scoring.policy import IngestPolicy
from scoring.profile import ScoringProfile
from scoring.tie_events import TieKey
from tiegraph.domain import InteractionRecord, TieType

PAGE_SIZE = 50_000
WRITE_SIZE = 10_000
WRITERS = 2
# Pages folded at once, one per process: the fold is most of a rescore's CPU.
FOLD_PROCESSES = max(1, min(4, os.cpu_count() or 1))

# Called with (interactions folded, ties written so far).
Progress = Callable[[int, int], Awaitable[None]]
Row = dict[str, Any]


@dataclass(frozen=True)
class RescoreCounts:
    """What a rescore did: interactions replayed, ties written and ties removed."""

    interactions: int
    ties: int
    removed: int


@dataclass(frozen=True)
class FoldedPage:
    """One page's ties, and the interactions whose admin flag the active profile changes."""

    ties: dict[TieKey, TieFields]
    admin_flips: list[tuple[str, bool]]


def fold_page(
    rows: list[list[Any]], parents: dict[str, InteractionRecord], policy: IngestPolicy
) -> FoldedPage:
    """One page of `GraphRepository.interaction_rows` folded into ties; `parents` holds the
    messages its replies answer that are not in the page. Runs in a fold process."""
    stored = [to_interaction(dict(zip(INTERACTION_COLUMNS, row, strict=True))) for row in rows]
    records = [policy.with_admin_flag(r) for r in stored]
    flips = [(r.external_id, r.is_admin) for r, old in zip(records, stored, strict=True)
             if r is not old]  # fmt: skip
    here = {r.external_id: r for r in records}
    return FoldedPage(fold_ties(records, policy, parents={**parents, **here}), flips)


_ID, _IN_REPLY_TO = INTERACTION_COLUMNS.index("id"), INTERACTION_COLUMNS.index("in_reply_to")


async def _parents_elsewhere(
    repo: GraphRepository, rows: list[list[Any]]
) -> dict[str, InteractionRecord]:
    wanted = {row[_IN_REPLY_TO] for row in rows if row[_IN_REPLY_TO]}
    wanted -= {row[_ID] for row in rows}
    return await repo.stored_interactions(sorted(wanted)) if wanted else {}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector. Decoding pages and summing rows make millions
    of short-lived objects with no cycles (reference counting frees them), and every collection
    they trigger walks all live objects, the growing totals included (the fold processes run
    with it off from the start, for the same reason). Process-wide, so other jobs of the worker
    see no collection for the read's duration either."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def _fold_all(
    repo: GraphRepository, policy: IngestPolicy, totals: TieTotals, progress: Progress
) -> int:
    """Read the next page and sum finished folds here while the fold processes fold."""
    loop = asyncio.get_running_loop()
    done = 0
    spawn = multiprocessing.get_context("spawn")  # no fork of a process running threads
    with ProcessPoolExecutor(FOLD_PROCESSES, mp_context=spawn, initializer=gc.disable) as pool:
        folding: list[tuple[asyncio.Future[FoldedPage], int]] = []
        reading = asyncio.create_task(repo.interaction_rows("", PAGE_SIZE))
        while rows := await reading:
            reading = asyncio.create_task(repo.interaction_rows(rows[-1][_ID], PAGE_SIZE))
            parents = await _parents_elsewhere(repo, rows)
            folding.append(
                (loop.run_in_executor(pool, fold_page, rows, parents, policy), len(rows))
            )
            if len(folding) > FOLD_PROCESSES:
                done = await _sum_page(repo, folding.pop(0), totals, done, progress)
        for page in folding:
            done = await _sum_page(repo, page, totals, done, progress)
    return done


async def _sum_page(
    repo: GraphRepository, page: tuple["asyncio.Future[FoldedPage]", int], totals: TieTotals,
    done: int, progress: Progress,
) -> int:  # fmt: skip
    future, count = page
    folded = await future
    totals.add(folded.ties)
    if folded.admin_flips:
        await repo.set_admin_flags(folded.admin_flips)
    await progress(done + count, 0)
    return done + count


async def _write_all(
    repo: GraphRepository, totals: TieTotals, done: int, progress: Progress,
    profile: ScoringProfile,
) -> int:  # fmt: skip
    """Write every total, `WRITERS` batches at a time: the server has the cores to itself now,
    and batches touch different ties, so they rarely wait on each other's locks."""
    batches = [(tie_type, rows[start : start + WRITE_SIZE])
               for tie_type, rows in tie_rows(totals.totals()).items()
               for start in range(0, len(rows), WRITE_SIZE)]  # fmt: skip
    written, rule = 0, reach_rule(profile)
    slots = asyncio.Semaphore(WRITERS)

    async def write(tie_type: TieType, rows: list[Row]) -> None:
        nonlocal written
        async with slots:
            await repo.replace_ties(tie_type, rows, rule)
            written += len(rows)
            await progress(done, written)

    await asyncio.gather(*(write(tie_type, rows) for tie_type, rows in batches))
    return written


async def rescore_all(
    repo: GraphRepository, firm_domains: tuple[str, ...], progress: Progress
) -> RescoreCounts:
    """Drop and rebuild every tie from the interactions, under the active profile."""
    policy = IngestPolicy(firm_domains=firm_domains, profile=await repo.scoring_profile())
    totals = TieTotals()
    existing = await repo.tie_keys()
    with _collector_paused():
        done = await _fold_all(repo, policy, totals, progress)
    written = await _write_all(repo, totals, done, progress, policy.profile)
    stale = sorted(existing - totals.keys())
    for start in range(0, len(stale), WRITE_SIZE):
        await repo.delete_ties(stale[start : start + WRITE_SIZE])
    return RescoreCounts(interactions=done, ties=written, removed=len(stale))
