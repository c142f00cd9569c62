"""What one interaction means for each tie it touches, as `scoring.tie_model.TieEvent`s. Pure.

The scoring model turns events into stored state; this module only reads the interaction:
who was there, who started it, whether the other side engaged, declined or answered, and how
fast.
"""

from collections.abc import Iterator, Mapping
from itertools import combinations
from typing import Literal

from scoring.policy import IngestPolicy
from scoring.tie_model import TieEvent
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
    record: InteractionRecord, key: TieKey, initiator: str | None, parent: InteractionRecord | None
) -> float | None:
    """The delay of b's answer to a's message, when this is one."""
    if parent is None or initiator != key[2] or parent.initiator is None:
        return None
    if parent.initiator.email != key[1]:
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
                reply_seconds=_reply_seconds(record, key, initiator, parent),
                brought_colleagues=_brought_colleagues(record, key, initiator),
            ),
        )
