"""The tie-strength formula: a stored tie's score and trend at a moment, unrounded. Pure.

The model runs events -> additive tie state -> score, label, trend. Ingestion turns each
interaction into one `TieEvent` per tie it touches (`scoring.tie_events`), folds a batch of them
into a `TieState` delta (`scoring.tie_state.state_delta`) and adds that delta to the stored tie
(`combine`, or the same additions in Cypher). Reading a tie is O(1): `breakdown` and `trend_of`
here; `scoring.tie_score.score_tie` adds the label and the explanation (`scoring.explain`), and
`scoring.reach` bounds the score for Cypher to pre-filter ties with.

How a score is made (README-ready; the numbers are the defaults of `DEFAULT_PROFILE` and the
constants of this module and of `scoring.tie_state`):

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
   Base = 100 · (1 − e^(−E / 15)) (15 is the profile's `saturation`, 180 days its
   `history_half_span_days`).
4. **Freshness and declines.** Freshness = 0.4 + 0.6 · 2^(−days since the last two-way
   exchange / 90) (0.4, the profile's `freshness_floor`, if there never was one: our
   outreach alone never makes a tie fresh).
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
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from scoring.decay import aware_utc, decayed_weight_at
from scoring.profile import ScoringProfile
from scoring.tie_state import (
    BASE_ACTIVITY_HALF_LIFE_DAYS,
    RECENT_ACTIVITY_HALF_LIFE_DAYS,
    TieState,
)

_SECONDS_PER_DAY = 86_400.0
_LN2 = math.log(2.0)

# F and S are read as weight per this many days at the current pace (see step 2).
NORMALISING_DAYS = 30.0
# At most half of a score can be lost to declines, reached only when nearly all are declines.
DECLINE_PENALTY = 0.5
TREND_RISING_RATIO = 2.0
TREND_FALLING_RATIO = 0.5
# Fewer (180-day-decayed) events than this and the pace ratio is noise.
TREND_MIN_EVENTS = 3.0


class TieTrend(StrEnum):
    """Whether contact is picking up or dying down, compared with the tie's own recent past."""

    RISING = "rising"
    STEADY = "steady"
    FALLING = "falling"


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
    as_of = aware_utc(as_of, "as_of")
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
    gamma = 1.0 - math.pow(2.0, -span / profile.history_half_span_days)
    effective = max(fast + gamma * slow, 0.0)
    # expm1 keeps precision for tiny weights, so a little more weight is never rounded away.
    base = -100.0 * math.expm1(-effective / profile.saturation)
    days_two_way: float | None = None
    floor = profile.freshness_floor
    freshness = floor
    if state.last_two_way_at is not None:
        days_two_way = max(_days(at, state.last_two_way_at), 0.0)
        decay = math.pow(2.0, -days_two_way / profile.recency_half_life_days)
        freshness = floor + (1.0 - floor) * decay
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


__all__ = [
    "DECLINE_PENALTY",
    "NORMALISING_DAYS",
    "TREND_FALLING_RATIO",
    "TREND_MIN_EVENTS",
    "TREND_RISING_RATIO",
    "ScoreBreakdown",
    "TieTrend",
    "TrendReading",
    "breakdown",
    "trend_of",
]
