"""What one interaction means for each tie it touches: one `TieEvent` per tie. Pure.

`scoring.tie_state` turns events into stored state; this module only reads the interaction:
who was there, who started it, whether the other side engaged, declined or answered, and how
fast.
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import combinations
from typing import Literal

from scoring.decay import aware_utc
from scoring.policy import IngestPolicy
from tiegraph.domain import (
    InteractionKind,
    InteractionRecord,
    MeetingResponse,
    Participant,
    PersonKind,
    TieType,
)
from tiegraph.identity import domain_of

TieKey = tuple[TieType, str, str]
# Above this many participants co-recipients are not tied to each other: a 40-person
# announcement says nothing about who works with whom.
MAX_PARTICIPANTS_FOR_PEER_TIES = 20
LIVE = (InteractionKind.MEETING, InteractionKind.CALL)

# The range where every epoch-referenced sum (30-day half-life at the fastest) stays finite.
EARLIEST_EVENT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_EVENT = datetime(2080, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class TieEvent:
    """What one interaction means for one tie between `a` and `b`.

    For a member->contact tie `a` is our team member and `b` the contact; for peer ties the
    caller picks the order (the stored order). The caller decides every flag; this class only
    checks that they are consistent. A declined event records the decline and nothing else:
    its `reply_seconds` and `brought_colleagues` are ignored.

    A slotted dataclass rather than a pydantic model: ingestion makes one per tie and
    interaction, millions in a large import, and pydantic's validation, or even its
    `model_construct`, would be a visible share of the write path (docs/benchmarks.md).
    """

    at: datetime
    kind: InteractionKind
    # 0-1: how much of its channel weight this interaction gives the tie (bulk down-weighting).
    share: float = 1.0
    # People present, for meetings and calls; None when unknown or not live. 0 is accepted (a
    # meeting everyone declined) and, like any size up to small_meeting_size, counts fully.
    meeting_size: int | None = None
    initiator: Literal["a", "b"] | None = None
    # A live meeting/call both attended, or a message from b to a.
    two_way: bool = False
    # b (or either side, for peers) declined the meeting or did not show.
    declined: bool = False
    # When this is b's reply to a's message: the delay in seconds.
    reply_seconds: float | None = None
    # b started a meeting or thread that included other people from b's organisation.
    brought_colleagues: bool = False

    def __post_init__(self) -> None:
        # The `is` tests skip conversions ingestion never needs (its times are UTC already):
        # a rescore makes millions of events.
        at = self.at if self.at.tzinfo is UTC else aware_utc(self.at, "at")
        if not (EARLIEST_EVENT <= at < LATEST_EVENT):
            # Beyond this the stored 2 ** (days / half-life) sums overflow or lose all precision.
            raise ValueError("at: must fall between 1970 and 2079")
        if at is not self.at:
            object.__setattr__(self, "at", at)
        if type(self.kind) is not InteractionKind:
            object.__setattr__(self, "kind", InteractionKind(self.kind))
        _check(0.0 <= self.share <= 1.0, "share: must be within 0-1")
        _check(self.meeting_size is None or self.meeting_size >= 0, "meeting_size: below 0")
        _check(self.initiator in (None, "a", "b"), "initiator: must be a, b or None")
        _check(
            self.reply_seconds is None or 0.0 <= self.reply_seconds < math.inf,
            "reply_seconds: must be a finite delay of 0 or more",
        )
        _check(
            not (self.declined and self.two_way),
            "a declined or missed meeting cannot be a two-way exchange",
        )


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def tie_key(x: str, y: str, kinds: Mapping[str, PersonKind]) -> TieKey | None:
    """The tie between two people: member->contact, or a sorted pair of peers."""
    if x == y:
        return None
    kx, ky = kinds[x], kinds[y]
    if kx is PersonKind.TEAM_MEMBER and ky is PersonKind.CONTACT:
        return TieType.KNOWS, x, y
    if kx is PersonKind.CONTACT and ky is PersonKind.TEAM_MEMBER:
        return TieType.KNOWS, y, x
    tie_type = TieType.WORKS_WITH if kx is PersonKind.TEAM_MEMBER else TieType.ASSOCIATED_WITH
    return (tie_type, x, y) if x < y else (tie_type, y, x)


def _declined(p: Participant) -> bool:
    return p.response is MeetingResponse.DECLINED


def pairs(
    record: InteractionRecord, initiator: Participant | None = None
) -> Iterator[tuple[Participant, Participant]]:
    """Who this interaction ties: sender with each recipient, and people together.

    Declined attendees are paired too (their tie records the decline, not a meeting).
    `initiator` is `record.initiator` when the caller has it already.
    """
    people = list(record.participants)
    initiator = initiator or record.initiator
    if record.kind is InteractionKind.EMAIL and initiator is not None:
        others = [p for p in people if p.email != initiator.email]
        yield from ((initiator, p) for p in others)
        if len(people) <= MAX_PARTICIPANTS_FOR_PEER_TIES:
            yield from combinations(others, 2)
    elif len(people) <= MAX_PARTICIPANTS_FOR_PEER_TIES:
        yield from combinations(people, 2)
    elif initiator is not None:
        yield from ((initiator, p) for p in people if p.email != initiator.email)


def weight_share(record: InteractionRecord, policy: IngestPolicy) -> float:
    """1, or bulk/n for an email to more than the profile's `bulk_recipients` people."""
    if record.kind is not InteractionKind.EMAIL:
        return 1.0
    return policy.profile.bulk_share(len(record.participants) - 1)


def _side(email: str | None, key: TieKey) -> Literal["a", "b"] | None:
    return "a" if email == key[1] else "b" if email == key[2] else None


def _two_way(record: InteractionRecord, key: TieKey, initiator: str | None) -> bool:
    """A live conversation, or a message that shows the other side engaging: for a
    member-contact tie only the contact writing to us counts, between peers any direct one."""
    if record.kind in LIVE:
        return True
    if record.kind is not InteractionKind.EMAIL or initiator is None:
        return False
    return initiator == key[2] if key[0] is TieType.KNOWS else initiator in key[1:]


def _reply_seconds(
    record: InteractionRecord, key: TieKey, initiator: str | None,
    parent: InteractionRecord | None, asker: str | None,
) -> float | None:  # fmt: skip
    """The delay of b's answer to a's message, when this is one (`asker` started `parent`)."""
    if parent is None or initiator != key[2] or asker != key[1]:
        return None
    return max((record.occurred_at - parent.occurred_at).total_seconds(), 0.0)


def _brought_colleagues(record: InteractionRecord, key: TieKey, initiator: str | None) -> bool:
    """b started a thread or meeting with us that includes other people from b's company."""
    if key[0] is not TieType.KNOWS or initiator != key[2]:
        return False
    company = domain_of(key[2])
    return any(p.email != key[2] and domain_of(p.email) == company for p in record.participants)


def tie_events(
    record: InteractionRecord,
    kinds: Mapping[str, PersonKind],
    policy: IngestPolicy,
    parent: InteractionRecord | None = None,
) -> Iterator[tuple[TieKey, TieEvent]]:
    """One event per tie the interaction touches. Admin touchpoints touch none."""
    if record.is_admin:
        return
    starter = record.initiator
    initiator = starter.email if starter else None
    asked = parent.initiator if parent is not None else None
    asker = asked.email if asked is not None else None
    share = weight_share(record, policy)
    live = record.kind in LIVE
    meeting_size = sum(not _declined(p) for p in record.participants) if live else None
    seen: set[TieKey] = set()
    for x, y in pairs(record, starter):
        key = tie_key(x.email, y.email, kinds)
        if key is None or key in seen:
            continue
        seen.add(key)
        declined = _declined(x) or _declined(y)
        yield (
            key,
            TieEvent(
                at=record.occurred_at,
                kind=record.kind,
                share=share,
                meeting_size=meeting_size,
                initiator=_side(initiator, key),
                two_way=not declined and _two_way(record, key, initiator),
                declined=declined,
                reply_seconds=_reply_seconds(record, key, initiator, parent, asker),
                brought_colleagues=_brought_colleagues(record, key, initiator),
            ),
        )
