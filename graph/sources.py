"""Registered sources, their status and their sync checkpoints in the graph."""

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from graph.records import epoch_ms, source_props, to_source
from graph.repository import GraphRepository
from tiegraph.domain import PersonKind
from tiegraph.errors import BadInput, NotFound
from tiegraph.identity import lookup_address, person_kind
from tiegraph.sources import Source, SourceSpec

Checkpoint = dict[str, Any]


def _ms(moment: datetime | None) -> int | None:
    return None if moment is None else epoch_ms(moment)


async def add_source(
    repo: GraphRepository, spec: SourceSpec, firm_domains: Iterable[str]
) -> Source:
    """Register a source; its id is new and short enough to type. BadInput unless its member
    is a team member (on one of `firm_domains`)."""
    member = lookup_address(spec.member, "member", firm_domains)
    if person_kind(member, frozenset(firm_domains)) is not PersonKind.TEAM_MEMBER:
        raise BadInput(f"{member} is not on a firm domain; a source belongs to a team member",
                       location="member")  # fmt: skip
    spec = spec.model_copy(update={"member": member}).checked()
    props = source_props(spec, f"src_{secrets.token_hex(4)}", datetime.now(UTC))
    rows = await repo.write_rows("source/create", props=props)
    return to_source(rows[0]["source"])


async def list_sources(repo: GraphRepository) -> list[Source]:
    """Every source, oldest first."""
    return [to_source(row["source"]) for row in await repo.read_rows("source/list")]


async def get_source(repo: GraphRepository, source_id: str) -> Source:
    """The source `source_id`; NotFound when there is none."""
    return (await source_and_checkpoints(repo, source_id))[0]


async def source_and_checkpoints(
    repo: GraphRepository, source_id: str
) -> tuple[Source, dict[str, Checkpoint]]:
    """The source and each of its folders' or calendars' checkpoints, by key; NotFound when
    there is no such source."""
    rows = await repo.read_rows("source/get", id=source_id)
    if not rows:
        raise NotFound(f"no source {source_id!r}")
    return _with_checkpoints(rows[0])


def _with_checkpoints(row: dict[str, Any]) -> tuple[Source, dict[str, Checkpoint]]:
    marks = {key: json.loads(state) for key, state in row["checkpoints"]}
    return to_source(row["source"]), marks


@dataclass(frozen=True)
class SyncLease:
    """One sync's hold on its source: taken by `claim_sync`, renewed for another `length` by
    each checkpoint the sync saves, given back with its outcome. One sync of a source at a
    time, whichever process starts it (the worker, `tiegraph source sync`): two would read the
    same new mail and race their checkpoints. A lease runs out on its own, so a sync killed on
    the way holds the source up for `length` at most."""

    source_id: str
    holder: str
    length: timedelta

    @classmethod
    def new(cls, source_id: str, length: timedelta) -> "SyncLease":
        """A lease for a sync about to start, with a holder name of its own."""
        return cls(source_id, secrets.token_hex(8), length)


class LeaseLost(Exception):
    """The sync's lease ran out and another sync holds the source now."""


async def claim_sync(
    repo: GraphRepository, lease: SyncLease, now: datetime
) -> tuple[Source, dict[str, Checkpoint]] | None:
    """Take `lease` from `now` and return the source with its checkpoints; None while
    another sync holds a lease that has not run out. NotFound when there is no such source."""
    rows = await repo.write_rows("source/claim", id=lease.source_id, holder=lease.holder,
                                 now_ms=epoch_ms(now),
                                 until_ms=epoch_ms(now + lease.length))  # fmt: skip
    if not rows:
        raise NotFound(f"no source {lease.source_id!r}")
    return _with_checkpoints(rows[0]) if rows[0]["claimed"] else None


async def release_sync(repo: GraphRepository, lease: SyncLease) -> None:
    """Give `lease` back (a sync that ended without an outcome); only its holder can."""
    await repo.write_rows("source/release", id=lease.source_id, holder=lease.holder)


async def set_paused(repo: GraphRepository, source_id: str, paused: bool) -> Source:
    """Pause or resume a source; NotFound when there is none."""
    rows = await repo.write_rows("source/set_paused", id=source_id, paused=paused)
    if not rows:
        raise NotFound(f"no source {source_id!r}")
    return to_source(rows[0]["source"])


async def remove_source(repo: GraphRepository, source_id: str) -> None:
    """Forget a source and its checkpoints (what it ingested stays); NotFound when none."""
    rows = await repo.write_rows("source/delete", id=source_id)
    if not rows or not rows[0]["removed"]:
        raise NotFound(f"no source {source_id!r}")


async def record_success(
    repo: GraphRepository, source_id: str, started: datetime, at: datetime,
    counts: tuple[int, int], holder: str | None = None,
) -> None:  # fmt: skip
    """A finished sync (started, ended): counts read and written added, the backoff cleared,
    `holder`'s lease given back."""
    await repo.write_rows("source/record_success", id=source_id, started_ms=epoch_ms(started),
                          at_ms=epoch_ms(at), read=counts[0], written=counts[1],
                          holder=holder)  # fmt: skip


async def record_failure(
    repo: GraphRepository, source_id: str, error: str, at: datetime, next_attempt: datetime,
    counts: tuple[int, int], holder: str | None = None,
) -> None:  # fmt: skip
    """A failed sync: its error, the next attempt, what it read and wrote before failing,
    `holder`'s lease given back."""
    await repo.write_rows("source/record_failure", id=source_id, error=error, at_ms=epoch_ms(at),
                          next_ms=_ms(next_attempt), read=counts[0], written=counts[1],
                          holder=holder)  # fmt: skip


async def checkpoints(repo: GraphRepository, source_id: str) -> dict[str, Checkpoint]:
    """Each folder's or calendar's checkpoint, by key."""
    return (await source_and_checkpoints(repo, source_id))[1]


async def save_checkpoint(
    repo: GraphRepository, lease: SyncLease, key: str, state: Checkpoint
) -> None:
    """Store where the sync holding `lease` has got to in one folder or calendar, and renew
    the lease; LeaseLost (nothing stored) when it ran out and another sync took the source."""
    until = datetime.now(UTC) + lease.length
    rows = await repo.write_rows("source/save_checkpoint", id=lease.source_id, key=key,
                                 holder=lease.holder, until_ms=epoch_ms(until),
                                 state=json.dumps(state, sort_keys=True))  # fmt: skip
    if not rows:
        raise LeaseLost(f"the sync lease on {lease.source_id} ran out and another sync has it")
