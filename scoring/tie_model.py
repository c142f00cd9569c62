"""The explainable tie-strength model: events -> additive tie state -> score, label, trend.

Ingestion turns each interaction into one `TieEvent` per tie it touches, folds a batch of them
into a `TieState` delta (`state_delta`) and adds that delta to the stored tie (`combine`, or the
same additions in Cypher). Reading a tie is O(1): `score_tie(state, profile, as_of)`.

How a score is made (README-ready; the numbers are the defaults of `DEFAULT_PROFILE` and the
constants of this module):

1. **Each interaction has a weight.** Start from its channel weight (email 2, call 5,
   meeting 6, note 1, on a 0-10 scale) times its bulk share (1, or 15/n for a message to
   n > 15 people). A meeting or call with more than 4 people present counts 4/size of it.
   Multiply by 1.5 when it was two-way (a live meeting or call, or the contact writing to us),
   and add to that multiplier a responsiveness bonus when it is the contact's reply to our
   message (+0.5 within an hour, +0.35 within 4 hours, +0.2 within a day, +0.1 within 3 days,
   nothing later) and +0.5 when the contact brought colleagues from their own company in.
   A declined or missed meeting weighs nothing; it counts against the tie in step 4.
2. **Two memories.** Weights decay exponentially: a fast memory with a 45-day half-life (F) and
   a slow one with a 365-day half-life (S). Each is read as "channel-weight units per 30 days at
   the current pace" (the decayed sum times ln 2 / half-life × 30 days), so a steady rhythm gives
   both the same size: a weekly two-way 1:1 meeting settles at about 39 in each.
3. **Long-standing ties fade slower.** Effective weight E = F + γ·S where
   γ = 1 − 2^(−span / 180 days) and span is the time from the first to the last interaction:
   0 for a new tie, 0.5 after six months, 0.75 after a year, 0.94 after two.
   Base = 100 · (1 − e^(−E / 15)) (15 is the profile's `saturation`).
4. **Freshness and declines.** Freshness = 0.4 + 0.6 · 2^(−days since the last two-way
   exchange / 90) (0.4 if there never was one: our outreach alone never makes a tie fresh).
   Decline factor = 1 − 0.5 · declined / (declined + meetings and calls attended + 1).
5. **Score** = base × freshness × decline factor, clamped to 0-100 and rounded to 0.1.
   Labels: Strong ≥ 80, Good ≥ 60, Moderate ≥ 40, Weak ≥ 20, Minimal below.
6. **Trend** compares the pace of the last weeks with the pace of the last months: event counts
   (every interaction counts 1, whatever its weight) decayed with a 30-day and a 180-day
   half-life, each turned into events per day over the part of that memory the tie has lived
   through (so a steady rhythm reads 1× whether the tie is 3 months or 3 years old). Rising
   when the recent pace is at least 2× the longer one, falling when at most 0.5×, steady in
   between, and steady when the tie holds fewer than 3 events in its 180-day-decayed count:
   too few to tell (a tie silent for years reads steady, not falling; its score says the rest).

Why this shape: every factor moves one way with time and one way with new contact, so these
properties hold (tests/unit/scoring/test_properties.py checks them): a new two-way interaction
never lowers a score; with nothing new a score never rises; more (older) history scores higher
once both ties have gone quiet; scores stay within 0-100; state is independent of event order.

Limits, stated rather than hidden:

- A tie scored `as_of` a time before its last interaction is scored as of that interaction: the
  stored sums cannot take out events that had not happened yet.
- Stored sums are tied to the half-lives and channel weights that wrote them; changing those in a
  profile needs the ties rebuilt from interactions (reading with other half-lives is wrong).
- Epoch-referenced sums overflow a float64 about 1,000 half-lives after 2000; with the trend's
  30-day half-life that is ~2084, so events must fall in 1970-2079.
- Sums are float additions: `combine` of two deltas equals the delta of the union up to float
  rounding (about 1e-15 relative), while `state_delta` itself is exactly order-independent.
- Rhythms sparser than monthly strain the trend's 30-day memory: a contact every two months
  reads falling in the last two weeks or so before the next one, and a quarterly rhythm holds
  too few events to read anything but steady. The trend knows pace, not the tie's usual gap.
- "More older history scores higher" (property c) is strict in exact arithmetic; in floats the
  extra history must still be visible in the stored sums (above ~1e-15 of the tie's decayed
  weight). An email 20 years older than the last contact under a 30-day slow half-life is not,
  and the two ties then read the same.
- A slower reply is also a later one, so it is fresher: between two slow repliers (30 hours vs
  5 days) the later contact can outweigh the 0.1 bonus the quicker one earns. Replies within
  the hour still outscore both in the calibration (same rhythm, three months).
- Declined invitations count as touchpoints for first/last (an invitation was exchanged), so
  they stretch the span that γ reads, but they add no weight and lower the decline factor.
- Meeting size is applied to any event that carries one (callers set it for meetings and calls).
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scoring.decay import EPOCH as DECAY_EPOCH
from scoring.decay import days_since_epoch, decayed_weight_at, epoch_weight
from scoring.profile import ScoringProfile
from scoring.strength import LabelBand, TieLabel, band_for
from tiegraph.domain import InteractionKind

_SECONDS_PER_DAY = 86_400.0
_LN2 = math.log(2.0)

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
# F and S are read as weight per this many days at the current pace (see step 2).
NORMALISING_DAYS = 30.0
# γ reaches one half when a tie has spanned this long.
HISTORY_HALF_SPAN_DAYS = 180.0
# Freshness never takes more than 60% away: an old friend who went quiet is still a friend.
FRESHNESS_FLOOR = 0.4
# At most half of a score can be lost to declines, reached only when nearly all are declines.
DECLINE_PENALTY = 0.5
# The trend's two memories, in days, over plain event counts.
RECENT_ACTIVITY_HALF_LIFE_DAYS = 30.0
BASE_ACTIVITY_HALF_LIFE_DAYS = 180.0
TREND_RISING_RATIO = 2.0
TREND_FALLING_RATIO = 0.5
# Fewer (180-day-decayed) events than this and the pace ratio is noise.
TREND_MIN_EVENTS = 3.0
REPLY_BUCKET_COUNT = len(REPLY_BUCKET_LABELS)
_KINDS = tuple(InteractionKind)  # iterating the enum class itself is slow in hot loops

# The range where every epoch-referenced sum (30-day half-life at the fastest) stays finite.
EARLIEST_EVENT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_EVENT = datetime(2080, 1, 1, tzinfo=UTC)


def _aware_utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} needs a time zone")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class TieEvent:
    """What one interaction means for one tie between `a` and `b`.

    For a member->contact tie `a` is our team member and `b` the contact; for peer ties the
    caller picks the order (the stored order). The caller decides every flag; this class only
    checks that they are consistent. A declined event records the decline and nothing else:
    its `reply_seconds` and `brought_colleagues` are ignored.

    A slotted dataclass rather than a pydantic model: ingestion makes one per tie and
    interaction (2.5 million for a million messages) and pydantic's validation, or even its
    `model_construct`, cost 20 µs each, a tenth of the whole write path.
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
        at = self.at if self.at.tzinfo is UTC else _aware_utc(self.at, "at")
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
        return None if value is None else _aware_utc(value, "a tie time")

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
    """How much one event adds to the tie before decay (step 1 of the module docstring)."""
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
    once: building and dumping the model cost 11 µs a tie, a tenth of a rescore's fold."""
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
    later: the additions `cypher/ingest/merge_ties.cypher` makes on a stored tie.
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


class TieTrend(StrEnum):
    """Whether contact is picking up or dying down, compared with the tie's own recent past."""

    RISING = "rising"
    STEADY = "steady"
    FALLING = "falling"


class ScoreComponent(BaseModel):
    """One ingredient of a score, with the number behind it and a sentence a rep can read."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: float | None
    explanation: str


class TieEvidence(BaseModel):
    """The facts behind a score, for display next to it.

    `counts` are lifetime counts from the tie state. `recent_counts` is for the caller: exact
    counts over a window (90 days, say) need a scan of interactions, which the O(1) state cannot
    give, so a caller that has them sets them with `model_copy(update=...)`.
    """

    model_config = ConfigDict(frozen=True)

    first_at: datetime | None
    last_at: datetime | None
    last_two_way_at: datetime | None
    counts: dict[InteractionKind, int]
    interaction_count: int
    declined_count: int
    # A label like "under 1 hour" for b's median reply delay, or None without timed replies.
    median_reply: str | None
    recent_counts: dict[InteractionKind, int] | None = None


class TieScore(BaseModel):
    """A scored tie: number, label and colour, how it was reached, where it is heading."""

    model_config = ConfigDict(frozen=True)

    score: float
    label: TieLabel
    colour: str
    components: list[ScoreComponent]
    trend: TieTrend
    evidence: TieEvidence


@dataclass(frozen=True)
class ScoreBreakdown:
    """Every intermediate of the formula at one moment, unrounded (for tests and explanations).

    `at` is the moment actually used: `as_of`, or the last interaction if that is later.
    """

    at: datetime
    fast: float
    slow: float
    span_days: float
    gamma: float
    effective_weight: float
    base: float
    days_since_two_way: float | None
    freshness: float
    decline_factor: float
    score: float


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / _SECONDS_PER_DAY


def _per_period(stored: float, at: datetime, half_life_days: float) -> float:
    # A steady pace of r per day settles at r·h/ln2 in a decayed sum; multiplying by ln2/h
    # turns it back into r, and by NORMALISING_DAYS into "per 30 days".
    return decayed_weight_at(stored, at, half_life_days) * _LN2 / half_life_days * NORMALISING_DAYS


def _scoring_time(state: TieState, as_of: datetime) -> datetime:
    as_of = _aware_utc(as_of, "as_of")
    # Stored sums cannot drop events after as_of, so an earlier as_of reads the tie as it stood
    # at its last touchpoint rather than inflating those later events.
    return as_of if state.last_at is None else max(as_of, state.last_at)


def breakdown(state: TieState, profile: ScoringProfile, as_of: datetime) -> ScoreBreakdown:
    """The formula of the module docstring, step by step, without rounding."""
    at = _scoring_time(state, as_of)
    fast = _per_period(state.weight_fast, at, profile.fast_half_life_days)
    slow = _per_period(state.weight_slow, at, profile.slow_half_life_days)
    span = 0.0
    if state.first_at is not None and state.last_at is not None:
        span = max(_days(state.last_at, state.first_at), 0.0)
    gamma = 1.0 - math.pow(2.0, -span / HISTORY_HALF_SPAN_DAYS)
    effective = max(fast + gamma * slow, 0.0)
    # expm1 keeps precision for tiny weights, so a little more weight is never rounded away.
    base = -100.0 * math.expm1(-effective / profile.saturation)
    days_two_way: float | None = None
    freshness = FRESHNESS_FLOOR
    if state.last_two_way_at is not None:
        days_two_way = max(_days(at, state.last_two_way_at), 0.0)
        decay = math.pow(2.0, -days_two_way / profile.recency_half_life_days)
        freshness = FRESHNESS_FLOOR + (1.0 - FRESHNESS_FLOOR) * decay
    declined = state.declined_count
    decline_factor = 1.0 - DECLINE_PENALTY * declined / (declined + state.attended_count + 1)
    score = min(max(base * freshness * decline_factor, 0.0), 100.0)
    return ScoreBreakdown(
        at=at,
        fast=fast,
        slow=slow,
        span_days=span,
        gamma=gamma,
        effective_weight=effective,
        base=base,
        days_since_two_way=days_two_way,
        freshness=freshness,
        decline_factor=decline_factor,
        score=score,
    )


def raw_score(state: TieState, profile: ScoringProfile, as_of: datetime) -> float:
    """The unrounded 0-100 score (the one the model's properties are stated on)."""
    return breakdown(state, profile, as_of).score


def label_for(score: float, profile: ScoringProfile) -> LabelBand:
    """The band (label and colour) a score falls in under the profile's bands."""
    return band_for(score, profile.bands)


@dataclass(frozen=True)
class TrendReading:
    """The trend and the numbers it was read from (events per day, recent and longer-term)."""

    trend: TieTrend
    recent_pace: float
    base_pace: float
    base_events: float

    @property
    def ratio(self) -> float | None:
        """Recent pace over longer-term pace; None when there is no activity at all."""
        return None if self.base_pace <= 0 else self.recent_pace / self.base_pace


def _filled(age_days: float, half_life_days: float) -> float:
    # The share of a decayed memory a steady pace has filled after `age_days`: a tie that
    # began 6 months ago has filled only half of a 180-day memory, and must not read as
    # slower than it is.
    return 1.0 - math.pow(2.0, -age_days / half_life_days)


def trend_of(state: TieState, as_of: datetime) -> TrendReading:
    """Rising, steady or falling: the recent pace of events against the longer-term pace.

    Each pace is the decayed event count turned into events per day over the part of its
    memory the tie has lived through (at least a day), so a steady rhythm reads 1× whether
    the tie is three months or three years old.
    """
    at = _scoring_time(state, as_of)
    age = 0.0 if state.first_at is None else _days(at, state.first_at)
    age = max(age, 1.0)
    recent_events = decayed_weight_at(state.activity_recent, at, RECENT_ACTIVITY_HALF_LIFE_DAYS)
    base_events = decayed_weight_at(state.activity_base, at, BASE_ACTIVITY_HALF_LIFE_DAYS)
    recent_pace = (
        recent_events
        * _LN2
        / RECENT_ACTIVITY_HALF_LIFE_DAYS
        / _filled(age, RECENT_ACTIVITY_HALF_LIFE_DAYS)
    )
    base_pace = (
        base_events
        * _LN2
        / BASE_ACTIVITY_HALF_LIFE_DAYS
        / _filled(age, BASE_ACTIVITY_HALF_LIFE_DAYS)
    )
    trend = TieTrend.STEADY
    if base_events >= TREND_MIN_EVENTS:
        ratio = recent_pace / base_pace
        if ratio >= TREND_RISING_RATIO:
            trend = TieTrend.RISING
        elif ratio <= TREND_FALLING_RATIO:
            trend = TieTrend.FALLING
    return TrendReading(trend, recent_pace, base_pace, base_events)


def median_reply_bucket(buckets: Sequence[int]) -> int | None:
    """The bucket holding the median reply delay (the lower one for an even count), or None."""
    total = sum(buckets)
    if total == 0:
        return None
    running = 0
    for index, count in enumerate(buckets):
        running += count
        if 2 * running >= total:
            return index
    return len(buckets) - 1  # unreachable: the running total reaches `total`


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _ago(days: float) -> str:
    return "today" if days < 1 else f"{_duration(days)} ago"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _duration(days: float) -> str:
    if days < 60:
        return _plural(round(days), "day")
    if days < 730:
        return _plural(round(days / 30.44), "month")
    return f"{days / 365.25:.1f} years"


def _components(
    state: TieState, parts: ScoreBreakdown, trend: TrendReading
) -> list[ScoreComponent]:
    total = state.interaction_count
    initiated = state.a_initiated + state.b_initiated
    b_share = _share(state.b_initiated, initiated)
    two_way_share = _share(state.two_way_count, total)
    median = median_reply_bucket(state.reply_buckets)
    live_share = _share(state.attended_count, total)
    if trend.ratio is None or trend.base_events < TREND_MIN_EVENTS:
        pace = " Too little recent activity to read a trend."
    else:
        pace = f" Recent pace {trend.ratio:.1f}× the longer-term pace: {trend.trend.value}."
    if parts.days_since_two_way is None:
        fresh = "No two-way exchange yet: our outreach alone keeps the tie at"
    else:
        fresh = f"Last two-way exchange {_ago(parts.days_since_two_way)}:"
    replies = sum(state.reply_buckets)
    return [
        ScoreComponent(
            name="weight",
            value=parts.effective_weight,
            explanation=(
                f"Effective weight {parts.effective_weight:.1f} (recent {parts.fast:.1f} + "
                f"{parts.gamma:.0%} of long-term {parts.slow:.1f}, weight units per 30 days) "
                f"gives a base of {parts.base:.1f}/100 over {_plural(total, 'interaction')}."
                f"{pace}"
            ),
        ),
        ScoreComponent(
            name="freshness",
            value=parts.freshness,
            explanation=f"{fresh} ×{parts.freshness:.2f}.",
        ),
        ScoreComponent(
            name="reciprocity",
            value=b_share,
            explanation=(
                f"They started {_percent(b_share)} of the interactions whose initiator is "
                f"known; {_percent(two_way_share)} were two-way (each two-way one weighs "
                f"{TWO_WAY_MULTIPLIER}×)."
            ),
        ),
        ScoreComponent(
            name="responsiveness",
            value=None if median is None else float(median),
            explanation=(
                "No timed replies from them yet."
                if median is None
                else f"Their median reply time: {REPLY_BUCKET_LABELS[median]} "
                f"({replies} replies timed); faster replies add up to "
                f"+{REPLY_BONUS[0]} to a reply's weight multiplier."
            ),
        ),
        ScoreComponent(
            name="depth",
            value=live_share,
            explanation=(
                f"{_percent(live_share)} of interactions were meetings or calls; "
                f"{state.declined_count} declined or missed against {state.attended_count} "
                f"attended: ×{parts.decline_factor:.2f}. They brought colleagues in "
                f"{state.brought_colleagues_count} times."
            ),
        ),
        ScoreComponent(
            name="history",
            value=parts.gamma,
            explanation=(
                "A new tie: only recent contact counts."
                if state.first_at is None or parts.span_days < 1
                else f"Known for {_duration(parts.span_days)} "
                f"(since {state.first_at.date().isoformat()}): the long-term memory counts "
                f"{parts.gamma:.0%}."
            ),
        ),
    ]


def evidence_of(state: TieState) -> TieEvidence:
    """The facts of a tie as its state holds them (lifetime counts, median reply label)."""
    median = median_reply_bucket(state.reply_buckets)
    return TieEvidence(
        first_at=state.first_at,
        last_at=state.last_at,
        last_two_way_at=state.last_two_way_at,
        counts={
            InteractionKind.EMAIL: state.email_count,
            InteractionKind.MEETING: state.meeting_count,
            InteractionKind.CALL: state.call_count,
            InteractionKind.NOTE: state.note_count,
        },
        interaction_count=state.interaction_count,
        declined_count=state.declined_count,
        median_reply=None if median is None else REPLY_BUCKET_LABELS[median],
    )


def score_tie(state: TieState, profile: ScoringProfile, as_of: datetime) -> TieScore:
    """Score, label, explain and read the trend of a stored tie as it stands at `as_of`.

    `as_of` has no default on purpose: a score depends on the moment, and reading the clock
    here would make scoring impure and tests flaky.
    """
    parts = breakdown(state, profile, as_of)
    trend = trend_of(state, as_of)
    score = round(parts.score, 1)
    band = label_for(score, profile)
    return TieScore(
        score=score,
        label=band.label,
        colour=band.colour,
        components=_components(state, parts, trend),
        trend=trend.trend,
        evidence=evidence_of(state),
    )


@dataclass(frozen=True)
class QuickScore:
    """What `score_tie` says of a tie without the explanation (components and evidence): the
    same score, label and trend, at a fraction of the cost, for the many ties a query weighs
    but does not explain."""

    score: float
    label: TieLabel
    trend: TieTrend


def shown_score(state: TieState, profile: ScoringProfile, as_of: datetime) -> float:
    """The score as every answer shows it: `breakdown`'s, rounded to one decimal."""
    return round(breakdown(state, profile, as_of).score, 1)


def quick_score(state: TieState, profile: ScoringProfile, as_of: datetime) -> QuickScore:
    """`score_tie`'s score, label and trend only (the same numbers, no explanation)."""
    score = shown_score(state, profile, as_of)
    return QuickScore(score, label_for(score, profile).label, trend_of(state, as_of).trend)


# Subtracted from a label's threshold in `reach_bound`: covers rounding scores to one decimal
# before labelling (0.05) and float differences between Cypher's and Python's arithmetic.
REACH_MARGIN = 0.1
_DAY_MS = _SECONDS_PER_DAY * 1000


@dataclass(frozen=True)
class ReachBound:
    """Numbers for a pre-filter (in Cypher) that keeps every stored tie whose score at `as_of`
    could reach a label, so that only those need reading and scoring.

    For a tie with stored sums `weight_fast`, `weight_slow` and last two-way exchange at
    `last_two_way_ms` (epoch milliseconds), the filter keeps it when

        100 · (1 − exp(−(weight_fast · fast_factor + weight_slow · slow_factor) / saturation))
            · (floor + (1 − floor) · 2^(−max(at_ms − last_two_way_ms, 0) / recency_ms))
        ≥ min_score

    with `floor` alone as the second factor when there was no two-way exchange. This is an
    upper bound of `breakdown(...).score`: the decayed sums and the freshness only fall as the
    scoring moment moves past `as_of` (it is `max(as_of, last_at)`), the history factor gamma
    and the decline factor are at most 1, and the base grows with the effective weight. So a
    tie the filter drops cannot reach the label; `min_score` is the label's lowest threshold
    less `REACH_MARGIN`.

    For the score at an earlier moment of each tie's own (its last two-way exchange), the
    scoring moment is the tie's last touch `last_at` (epoch milliseconds `L_ms`): the factors
    are `fast_norm · 2^(−(L_ms − epoch_ms) / fast_ms)` (the same for slow) and the freshness is
    `floor + (1 − floor) · 2^(−(L_ms − last_two_way_ms) / recency_ms)`, both exact there; only
    gamma and the decline factor are left at 1. (Taking the sums at the two-way exchange
    instead, as before 2026-11-26, kept 15,005 ties of the 1M benchmark firm where about 170
    can pass.)
    """

    min_score: float
    fast_factor: float
    slow_factor: float
    saturation: float
    at_ms: int
    recency_ms: float
    floor: float
    fast_norm: float
    slow_norm: float
    fast_ms: float
    slow_ms: float
    epoch_ms: int


def _reach_factor(at: datetime, half_life_days: float) -> float:
    return decayed_weight_at(1.0, at, half_life_days) * _LN2 / half_life_days * NORMALISING_DAYS


def reach_bound(profile: ScoringProfile, as_of: datetime, floor: TieLabel) -> ReachBound | None:
    """The pre-filter for ties that could be `floor` or better at `as_of` (`ReachBound`); None
    when every score would be (the lowest band is already at least `floor`)."""
    rank = {label: r for r, label in enumerate(reversed(TieLabel))}
    reaching = [b.min_score for b in profile.bands if rank[b.label] >= rank[floor]]
    lowest = min(b.min_score for b in profile.bands)
    if not reaching or min(reaching) <= lowest:
        return None
    at = _aware_utc(as_of, "as_of")
    return ReachBound(
        min_score=min(reaching) - REACH_MARGIN,
        fast_factor=_reach_factor(at, profile.fast_half_life_days),
        slow_factor=_reach_factor(at, profile.slow_half_life_days),
        saturation=profile.saturation,
        at_ms=int(at.timestamp() * 1000),
        recency_ms=profile.recency_half_life_days * _DAY_MS,
        floor=FRESHNESS_FLOOR,
        fast_norm=_LN2 / profile.fast_half_life_days * NORMALISING_DAYS,
        slow_norm=_LN2 / profile.slow_half_life_days * NORMALISING_DAYS,
        fast_ms=profile.fast_half_life_days * _DAY_MS,
        slow_ms=profile.slow_half_life_days * _DAY_MS,
        epoch_ms=int(DECAY_EPOCH.timestamp() * 1000),
    )


def score_events(events: Iterable[TieEvent], profile: ScoringProfile, as_of: datetime) -> TieScore:
    """Shorthand for `score_tie(state_delta(events, profile), profile, as_of)`."""
    return score_tie(state_delta(events, profile), profile, as_of)


__all__ = [
    "EMPTY_STATE",
    "REACH_MARGIN",
    "QuickScore",
    "ReachBound",
    "ScoreBreakdown",
    "ScoreComponent",
    "TieEvent",
    "TieEvidence",
    "TieScore",
    "TieState",
    "TieTrend",
    "TrendReading",
    "add_fields",
    "breakdown",
    "combine",
    "delta_fields",
    "event_weight",
    "evidence_of",
    "label_for",
    "median_reply_bucket",
    "quick_score",
    "raw_score",
    "reach_bound",
    "reply_bucket",
    "score_events",
    "score_tie",
    "shown_score",
    "state_delta",
    "trend_of",
]
