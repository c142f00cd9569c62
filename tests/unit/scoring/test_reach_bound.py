"""The pre-filter bound the intelligence reads put in Cypher (`scoring.reach.ReachBound`),
evaluated here with the same formula, is never below a tie's score: a tie the filter drops
cannot reach the label. And `quick_score` says what `score_tie` says."""

import math
from datetime import UTC, datetime

from hypothesis import assume, given

from scoring.formula import breakdown
from scoring.profile import DEFAULT_PROFILE, ScoringProfile
from scoring.reach import REACH_MARGIN, ReachBound, reach_bound, touch_reach, touch_rule
from scoring.strength import TieLabel
from scoring.tie_events import TieEvent
from scoring.tie_score import quick_score, score_tie
from scoring.tie_state import TieState, state_delta
from tests.unit.scoring.test_properties import FAST, any_profile, histories, moments

NOISE = 1e-9


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def bound_now(state: TieState, b: ReachBound) -> float:
    """The Cypher of cypher/read/account_threads, in Python."""
    effective = state.weight_fast * b.fast_factor + state.weight_slow * b.slow_factor
    fresh = b.floor
    if state.last_two_way_at is not None:
        ago = max(b.at_ms - _ms(state.last_two_way_at), 0)
        fresh = b.floor + (1.0 - b.floor) * 2.0 ** (-ago / b.recency_ms)
    return 100.0 * (1.0 - math.exp(-effective / b.saturation)) * fresh


def bound_at_two_way(state: TieState, b: ReachBound) -> float:
    """The cold-tie Cypher of cypher/read/attention_*_ties, in Python."""
    assert state.last_two_way_at is not None
    assert state.last_at is not None
    l_ms = _ms(state.last_at)
    fast = state.weight_fast * b.fast_norm * 2.0 ** (-(l_ms - b.epoch_ms) / b.fast_ms)
    slow = state.weight_slow * b.slow_norm * 2.0 ** (-(l_ms - b.epoch_ms) / b.slow_ms)
    since = l_ms - _ms(state.last_two_way_at)
    fresh = b.floor + (1.0 - b.floor) * 2.0 ** (-since / b.recency_ms)
    return 100.0 * (1.0 - math.exp(-(fast + slow) / b.saturation)) * fresh


@FAST
@given(histories, moments, any_profile)
def test_the_bound_is_never_below_the_score(
    history: list[TieEvent], as_of: datetime, profile: ScoringProfile
) -> None:
    state = state_delta(history, profile)
    bound = reach_bound(profile, as_of, TieLabel.MODERATE)
    assert bound is not None
    score = breakdown(state, profile, as_of).score
    assert bound_now(state, bound) >= score * (1 - NOISE) - NOISE
    if state.last_two_way_at is not None:
        peak = breakdown(state, profile, state.last_two_way_at).score
        assert bound_at_two_way(state, bound) >= peak * (1 - NOISE) - NOISE


@FAST
@given(histories, moments, any_profile)
def test_a_dropped_tie_never_has_the_label(
    history: list[TieEvent], as_of: datetime, profile: ScoringProfile
) -> None:
    state = state_delta(history, profile)
    for floor in (TieLabel.MODERATE, TieLabel.GOOD):
        bound = reach_bound(profile, as_of, floor)
        assert bound is not None
        if bound_now(state, bound) < bound.min_score:
            assert quick_score(state, profile, as_of).score < bound.min_score + REACH_MARGIN


def test_no_bound_when_every_score_has_the_label() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert reach_bound(DEFAULT_PROFILE, at, TieLabel.MINIMAL) is None
    moderate = reach_bound(DEFAULT_PROFILE, at, TieLabel.MODERATE)
    assert moderate is not None
    assert moderate.min_score == 40 - REACH_MARGIN


@FAST
@given(histories, moments, any_profile)
def test_quick_score_says_what_score_tie_says(
    history: list[TieEvent], as_of: datetime, profile: ScoringProfile
) -> None:
    state = state_delta(history, profile)
    full, quick = score_tie(state, profile, as_of), quick_score(state, profile, as_of)
    assert (quick.score, quick.label, quick.trend) == (full.score, full.label, full.trend)
    assert quick.score == round(breakdown(state, profile, as_of).score, 1)


def stored_reach(state: TieState, profile: ScoringProfile) -> float:
    """What the tie writes store as `reach` for this state."""
    assert state.last_at is not None
    two_way = None if state.last_two_way_at is None else _ms(state.last_two_way_at)
    rule = touch_rule(profile)
    return touch_reach(state.weight_fast, state.weight_slow, _ms(state.last_at), two_way, rule)


@FAST
@given(histories, moments, any_profile)
def test_the_stored_reach_bounds_every_later_score_and_bound(
    history: list[TieEvent], as_of: datetime, profile: ScoringProfile
) -> None:
    assume(history)  # a tie is only stored once something happened
    state = state_delta(history, profile)
    assert state.last_at is not None
    stored = stored_reach(state, profile)
    bound = reach_bound(profile, as_of, TieLabel.GOOD)
    assert bound is not None
    # The attention reads seek `reach >= seek_score`: every tie their bounds keep must be found.
    if state.last_two_way_at is not None:
        assert stored == bound_at_two_way(state, bound)
    if as_of >= state.last_at:
        assert stored >= bound_now(state, bound) * (1 - NOISE) - NOISE
        assert stored >= breakdown(state, profile, as_of).score * (1 - NOISE) - NOISE
