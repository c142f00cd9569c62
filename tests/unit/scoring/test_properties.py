"""The tie model's promises, checked with generated histories and profiles (unrounded scores).

(a) a new two-way event at or after the last one never lowers the score;
(b) with nothing new the score never rises as time passes;
(c) the same history plus older history scores strictly higher a year after the last event;
(d) scores stay within 0-100;
(e) scoring is deterministic and a batch's state does not depend on event order, and combining
    the states of two batches gives the state of both (up to float rounding).

Comparisons allow 1e-9 points of float noise where the property is "never lower/higher": the
exact-arithmetic model is monotone, but a sum of floats may round either way by one ulp.
"""

import math
import random
from datetime import UTC, datetime, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scoring.formula import breakdown
from scoring.profile import DEFAULT_PROFILE, ScoringProfile
from scoring.tie_events import TieEvent
from scoring.tie_score import score_tie
from scoring.tie_state import TieState, combine, state_delta
from scoring.tune import SEARCH_SPACE, Knob, with_knob
from tiegraph.domain import InteractionKind

NOISE = 1e-9
FAST = settings(max_examples=200, deadline=None)

moments = st.datetimes(
    min_value=datetime(2012, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
# Up to five years, down to a second: ties see both same-minute bursts and long silences.
gaps = st.floats(min_value=0.0, max_value=5 * 365.0).map(lambda d: timedelta(days=d))
kinds = st.sampled_from(list(InteractionKind))


@st.composite
def events(
    draw: st.DrawFn,
    at: st.SearchStrategy[datetime] = moments,
    two_way: bool | None = None,
    allow_declined: bool = True,
) -> TieEvent:
    """Any consistent event; `two_way` forces that flag, `allow_declined` allows declines."""
    declined = allow_declined and two_way is not True and draw(st.booleans())
    return TieEvent(
        at=draw(at),
        kind=draw(kinds),
        # Bulk shares down to 1/1000 of a weight: small but never nothing.
        share=draw(st.floats(min_value=0.001, max_value=1.0)),
        meeting_size=draw(st.none() | st.integers(min_value=0, max_value=200)),
        initiator=draw(st.sampled_from(["a", "b", None])),
        two_way=False if declined else (draw(st.booleans()) if two_way is None else two_way),
        declined=declined,
        reply_seconds=draw(st.none() | st.floats(min_value=0.0, max_value=30 * 86_400.0)),
        brought_colleagues=draw(st.booleans()),
    )


@st.composite
def profiles(
    draw: st.DrawFn, min_weight: float = 0.0, min_slow: float = 30.0, min_saturation: float = 1.0
) -> ScoringProfile:
    """Valid profiles across the tunable ranges (narrowed where a test says why)."""
    fast = draw(st.floats(min_value=30.0, max_value=200.0))
    return DEFAULT_PROFILE.with_changes(
        channel_weights={
            kind: draw(st.floats(min_value=min_weight, max_value=10.0)) for kind in InteractionKind
        },
        fast_half_life_days=fast,
        slow_half_life_days=draw(st.floats(min_value=max(fast, min_slow), max_value=1_500.0)),
        recency_half_life_days=draw(st.floats(min_value=1.0, max_value=720.0)),
        saturation=draw(st.floats(min_value=min_saturation, max_value=200.0)),
        small_meeting_size=draw(st.integers(min_value=2, max_value=20)),
        freshness_floor=draw(st.floats(min_value=0.01, max_value=1.0)),
        history_half_span_days=draw(st.floats(min_value=1.0, max_value=3_000.0)),
    )


@st.composite
def tuned_profiles(draw: st.DrawFn, knobs: tuple[Knob, ...] = SEARCH_SPACE) -> ScoringProfile:
    """Any profile `tiegraph tune` can propose: every knob of its search space anywhere in its
    range, from the default profile (a draw the profile refuses is discarded, as tune does)."""
    profile = DEFAULT_PROFILE
    for knob in knobs:
        value = draw(st.floats(min_value=knob.low, max_value=knob.high))
        try:
            profile = with_knob(profile, knob, value)
        except ValidationError:
            assume(False)
    return profile


histories = st.lists(events(), max_size=25)
any_profile = profiles() | tuned_profiles() | st.just(DEFAULT_PROFILE)


@FAST
@given(histories, st.data(), any_profile)
def test_a_new_two_way_event_never_lowers_the_score(
    history: list[TieEvent], data: st.DataObject, profile: ScoringProfile
) -> None:
    before = state_delta(history, profile)
    start = before.last_at or data.draw(moments)
    new_at = start + data.draw(gaps)
    new = data.draw(events(at=st.just(new_at), two_way=True))
    as_of = new_at + data.draw(gaps)
    after = combine(before, state_delta([new], profile))
    assert breakdown(after, profile, as_of).score >= breakdown(before, profile, as_of).score - NOISE


@FAST
@given(histories, moments, gaps, any_profile)
def test_with_nothing_new_the_score_never_rises(
    history: list[TieEvent], as_of: datetime, wait: timedelta, profile: ScoringProfile
) -> None:
    state = state_delta(history, profile)
    assert (
        breakdown(state, profile, as_of + wait).score
        <= breakdown(state, profile, as_of).score + NOISE
    )


# (c) holds exactly in the model, and in floats as long as the extra history is still visible
# in the stored sums: its decayed weight must be above ~1e-15 of the tie's (an email 20 years
# older than the last contact, under a 30-day slow half-life, is 2^-240 of it: the two stored
# ties are then the same numbers and no reading can tell them apart). So here ties live in a
# five-year window, extra history is at most three years older, the slow half-life at least
# 180 days and saturation at least 5 (at extreme saturation every score is flat at the top).
window = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2029, 1, 1), timezones=st.just(UTC)
)


@FAST
@given(
    st.lists(events(at=window), min_size=1, max_size=10),
    st.lists(
        st.floats(min_value=1 / 86_400, max_value=3 * 365.0).map(lambda d: timedelta(days=d)),
        min_size=1,
        max_size=6,
    ),
    st.data(),
    profiles(min_weight=0.5, min_slow=180.0, min_saturation=5.0)
    | tuned_profiles().filter(
        lambda p: (
            p.slow_half_life_days >= 180.0
            and p.saturation >= 5.0
            and min(p.channel_weights.values()) >= 0.5
        )
    )
    | st.just(DEFAULT_PROFILE),
)
def test_more_older_history_scores_higher_a_year_on(
    recent: list[TieEvent],
    earlier_by: list[timedelta],
    data: st.DataObject,
    profile: ScoringProfile,
) -> None:
    first = min(e.at for e in recent)
    # Extra history: real interactions (not declines), each before the shorter tie began.
    extra = [
        data.draw(events(at=st.just(first - before), allow_declined=False)) for before in earlier_by
    ]
    short = state_delta(recent, profile)
    long = state_delta(recent + extra, profile)
    assert long.first_at is not None
    assert short.first_at is not None
    assert long.first_at < short.first_at
    assert short.last_at is not None
    as_of = short.last_at + timedelta(days=365)
    assert breakdown(long, profile, as_of).score > breakdown(short, profile, as_of).score


@FAST
@given(histories, moments, any_profile)
def test_scores_stay_on_the_scale(
    history: list[TieEvent], as_of: datetime, profile: ScoringProfile
) -> None:
    state = state_delta(history, profile)
    assert 0.0 <= breakdown(state, profile, as_of).score <= 100.0
    assert 0.0 <= score_tie(state, profile, as_of).score <= 100.0


@FAST
@given(histories, st.randoms(use_true_random=False), moments, any_profile)
def test_scoring_is_deterministic_and_order_free(
    history: list[TieEvent], rng: random.Random, as_of: datetime, profile: ScoringProfile
) -> None:
    shuffled = list(history)
    rng.shuffle(shuffled)
    state = state_delta(history, profile)
    assert state_delta(shuffled, profile) == state
    assert score_tie(state, profile, as_of) == score_tie(state, profile, as_of)


@FAST
@given(histories, histories, any_profile)
def test_combined_batches_equal_one_batch(
    first: list[TieEvent], second: list[TieEvent], profile: ScoringProfile
) -> None:
    x, y = state_delta(first, profile), state_delta(second, profile)
    whole = state_delta(first + second, profile)
    assert_close(combine(x, y), whole)
    assert_close(combine(y, x), whole)
    assert combine(x, y) == combine(y, x)


def assert_close(x: TieState, y: TieState) -> None:
    """Equal counts, buckets and times; decayed sums equal up to float rounding."""
    for name, value in x.model_dump().items():
        other = getattr(y, name)
        if isinstance(value, float):
            assert math.isclose(value, other, rel_tol=1e-12, abs_tol=1e-300), name
        else:
            assert value == other, name
