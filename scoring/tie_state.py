"""What a tie stores: additive state that `TieEvent`s add to, in any order. Pure.

A batch of events folds into a `TieState` delta (`state_delta`, or `delta_fields` for its field
values) that is added to the stored tie (`combine`, `add_fields`, or the same additions in
`cypher/ingest/merge_ties.cypher`). Each event's weight (`event_weight`) is step 1 of the
formula in `scoring.formula`, which reads the stored state back as a score.
"""

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scoring.decay import aware_utc, days_since_epoch, epoch_weight
from scoring.profile import ScoringProfile
from scoring.tie_events import TieEvent
from tiegraph.domain import InteractionKind

# Two-way contact shows the other side engaging, which one-way outreach cannot.
TWO_WAY_MULTIPLIER = 1.5
# A contact who pulls their own colleagues in is vouching for the relationship internally.
COLLEAGUES_BONUS = 0.5
# Reply delays: upper bounds of the first four buckets; the fifth is everything slower.
REPLY_BUCKET_LIMITS_SECONDS: tuple[float, ...] = (3_600.0, 4 * 3_600.0, 86_400.0, 3 * 86_400.0)
REPLY_BUCKET_LABELS: tuple[str, ...] = (
    "under 1 hour",
    "under 4 hours",
    "under a day",
    "under 3 days",
    "over 3 days",
)
# Faster answers say more; a slow answer still is an answer, so the bonus never goes negative.
REPLY_BONUS: tuple[float, ...] = (0.5, 0.35, 0.2, 0.1, 0.0)
# The trend's two memories (`scoring.formula.trend_of`), in days, over plain event counts.
RECENT_ACTIVITY_HALF_LIFE_DAYS = 30.0
BASE_ACTIVITY_HALF_LIFE_DAYS = 180.0
REPLY_BUCKET_COUNT = len(REPLY_BUCKET_LABELS)
_KINDS = tuple(InteractionKind)  # iterating the enum class itself is slow in hot loops


class TieState(BaseModel):
    """Everything stored on a tie, as plain numbers, datetimes and one list of ints.

    Every field is either additive (counts, bucket counts, epoch-referenced decayed sums) or a
    min/max (times), so a batch's delta can be added to the stored tie in any order, in Python
    (`combine`) or in Cypher. Decayed sums are stored like `scoring.decay`: each event adds
    `w * 2 ** ((t - 2000-01-01) / h)`; read them with `decayed_weight_at`.
    """

    model_config = ConfigDict(frozen=True)

    # Interactions that took place (declined/missed meetings are in declined_count instead).
    email_count: int = Field(default=0, ge=0)
    meeting_count: int = Field(default=0, ge=0)
    call_count: int = Field(default=0, ge=0)
    note_count: int = Field(default=0, ge=0)
    # Who started those interactions, when known.
    a_initiated: int = Field(default=0, ge=0)
    b_initiated: int = Field(default=0, ge=0)
    two_way_count: int = Field(default=0, ge=0)
    declined_count: int = Field(default=0, ge=0)
    brought_colleagues_count: int = Field(default=0, ge=0)
    # b's reply delays: ≤1 h, ≤4 h, ≤24 h, ≤72 h, longer.
    reply_buckets: list[int] = Field(default_factory=lambda: [0] * REPLY_BUCKET_COUNT)
    # First and last touchpoint (declined invitations included: an invitation was exchanged).
    first_at: datetime | None = None
    last_at: datetime | None = None
    last_two_way_at: datetime | None = None
    # Σ weight · 2^((t − EPOCH)/fast half-life) and the same with the slow half-life.
    weight_fast: float = 0.0
    weight_slow: float = 0.0
    # Σ 1 · 2^((t − EPOCH)/30 d) and Σ 1 · 2^((t − EPOCH)/180 d) over interactions: the trend.
    activity_recent: float = 0.0
    activity_base: float = 0.0

    @field_validator("reply_buckets")
    @classmethod
    def _buckets(cls, value: list[int]) -> list[int]:
        if len(value) != REPLY_BUCKET_COUNT or any(n < 0 for n in value):
            raise ValueError(f"needs {REPLY_BUCKET_COUNT} non-negative counts")
        return value

    @field_validator("first_at", "last_at", "last_two_way_at")
    @classmethod
    def _times(cls, value: datetime | None) -> datetime | None:
        return None if value is None else aware_utc(value, "a tie time")

    @property
    def interaction_count(self) -> int:
        """Interactions that took place, of every kind."""
        return self.email_count + self.meeting_count + self.call_count + self.note_count

    @property
    def attended_count(self) -> int:
        """Meetings and calls that took place: the live contact declines are weighed against."""
        return self.meeting_count + self.call_count


EMPTY_STATE = TieState()


def reply_bucket(seconds: float) -> int:
    """The index of the reply-delay bucket (0 = within an hour ... 4 = over three days)."""
    for index, limit in enumerate(REPLY_BUCKET_LIMITS_SECONDS):
        if seconds <= limit:
            return index
    return REPLY_BUCKET_COUNT - 1


def event_weight(event: TieEvent, profile: ScoringProfile) -> float:
    """How much one event adds to the tie before decay (step 1 of `scoring.formula`)."""
    if event.declined:
        return 0.0
    multiplier = TWO_WAY_MULTIPLIER if event.two_way else 1.0
    if event.reply_seconds is not None:
        multiplier += REPLY_BONUS[reply_bucket(event.reply_seconds)]
    if event.brought_colleagues:
        multiplier += COLLEAGUES_BONUS
    return (
        profile.channel_weight(event.kind)
        * event.share
        * profile.meeting_size_factor(event.meeting_size)
        * multiplier
    )


def _min_time(x: datetime | None, y: datetime | None) -> datetime | None:
    return y if x is None else x if y is None else min(x, y)


def _max_time(x: datetime | None, y: datetime | None) -> datetime | None:
    return y if x is None else x if y is None else max(x, y)


def state_delta(events: Iterable[TieEvent], profile: ScoringProfile) -> TieState:
    """What a batch of events adds to one tie.

    Exactly independent of event order: counts are integers, times are min/max, and each decayed
    sum is added with `math.fsum`, which rounds once however the terms are ordered.
    """
    return TieState(**delta_fields(events, profile))


def delta_fields(events: Iterable[TieEvent], profile: ScoringProfile) -> dict[str, Any]:
    """`state_delta` as the field values of the `TieState`, for callers that serialise it at
    once: building and dumping the model would be a visible share of a rescore's fold."""
    counts = dict.fromkeys(_KINDS, 0)
    a_initiated = b_initiated = two_way = declined = colleagues = 0
    buckets = [0] * REPLY_BUCKET_COUNT
    first_at: datetime | None = None
    last_at: datetime | None = None
    last_two_way_at: datetime | None = None
    fast: list[float] = []
    slow: list[float] = []
    recent: list[float] = []
    base: list[float] = []
    fast_half_life, slow_half_life = profile.fast_half_life_days, profile.slow_half_life_days
    for event in events:
        at = event.at
        if first_at is None or at < first_at:
            first_at = at
        if last_at is None or at > last_at:
            last_at = at
        if event.declined:
            declined += 1
            continue
        counts[event.kind] += 1
        a_initiated += event.initiator == "a"
        b_initiated += event.initiator == "b"
        colleagues += event.brought_colleagues
        if event.reply_seconds is not None:
            buckets[reply_bucket(event.reply_seconds)] += 1
        if event.two_way:
            two_way += 1
            last_two_way_at = _max_time(last_two_way_at, at)
        weight = event_weight(event, profile)
        days = days_since_epoch(at)
        fast.append(epoch_weight(weight, days, fast_half_life))
        slow.append(epoch_weight(weight, days, slow_half_life))
        recent.append(epoch_weight(1.0, days, RECENT_ACTIVITY_HALF_LIFE_DAYS))
        base.append(epoch_weight(1.0, days, BASE_ACTIVITY_HALF_LIFE_DAYS))
    return {
        "email_count": counts[InteractionKind.EMAIL],
        "meeting_count": counts[InteractionKind.MEETING],
        "call_count": counts[InteractionKind.CALL],
        "note_count": counts[InteractionKind.NOTE],
        "a_initiated": a_initiated,
        "b_initiated": b_initiated,
        "two_way_count": two_way,
        "declined_count": declined,
        "brought_colleagues_count": colleagues,
        "reply_buckets": buckets,
        "first_at": first_at,
        "last_at": last_at,
        "last_two_way_at": last_two_way_at,
        "weight_fast": math.fsum(fast),
        "weight_slow": math.fsum(slow),
        "activity_recent": math.fsum(recent),
        "activity_base": math.fsum(base),
    }


def add_fields(held: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """Add the state `more` to the state `held` of the same tie, both as `TieState` field values
    (`delta_fields`), in place; returns `held`.

    Counts and sums add, reply buckets add elementwise, first is the earlier and last the
    later. The same additions are made in two other places, which must keep this meaning:
    `cypher/ingest/merge_ties.cypher` on a stored tie, and `ingest.bulk.tie_sums`, a DuckDB
    GROUP BY over the first load's spilled states (tests/unit/test_tie_sums.py holds it to
    this function).
    """
    for name, value in more.items():
        if name == "first_at":
            held[name] = _min_time(held[name], value)
        elif name in ("last_at", "last_two_way_at"):
            held[name] = _max_time(held[name], value)
        elif name == "reply_buckets":
            held[name] = [x + y for x, y in zip(held[name], value, strict=True)]
        else:
            held[name] += value
    return held


def combine(a: TieState, b: TieState) -> TieState:
    """Two states of the same tie added together: what the stored tie becomes after a delta.
    Commutative exactly; associative up to float rounding of the sums."""
    return TieState(**add_fields(a.model_dump(), b.model_dump()))


__all__ = [
    "BASE_ACTIVITY_HALF_LIFE_DAYS",
    "COLLEAGUES_BONUS",
    "EMPTY_STATE",
    "RECENT_ACTIVITY_HALF_LIFE_DAYS",
    "REPLY_BONUS",
    "REPLY_BUCKET_COUNT",
    "REPLY_BUCKET_LABELS",
    "REPLY_BUCKET_LIMITS_SECONDS",
    "TWO_WAY_MULTIPLIER",
    "TieState",
    "add_fields",
    "combine",
    "delta_fields",
    "event_weight",
    "reply_bucket",
    "state_delta",
]
