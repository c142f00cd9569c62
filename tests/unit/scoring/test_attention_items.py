"""Rising advocates and cold ties in the attention feed (scoring.attention)."""

from datetime import UTC, datetime, timedelta

from scoring.attention import (
    RISING_WITHIN_DAYS,
    AttentionKind,
    cold_tie_item,
    rising_item,
)
from scoring.formula import TieTrend
from scoring.profile import DEFAULT_PROFILE as P
from scoring.tie_events import TieEvent
from scoring.tie_score import quick_score
from scoring.tie_state import TieState, state_delta
from tiegraph.domain import InteractionKind, PersonRef

LAST = datetime(2026, 6, 1, 12, tzinfo=UTC)
ANN = PersonRef(email="ann@firm.test")
JOE = PersonRef(email="joe@acme.com")
ONE_TO_ONE = {"kind": InteractionKind.MEETING, "two_way": True, "meeting_size": 2, "initiator": "a"}


def burst() -> TieState:
    """A few meetings long ago, then one a day for ten days up to LAST: it still reads as
    rising (recent pace against the 180-day one) for weeks after the last meeting."""
    days = [700, 650, 600, 550, 500, *range(10, -1, -1)]
    return state_delta([TieEvent(at=LAST - timedelta(days=d), **ONE_TO_ONE) for d in days], P)


def test_a_good_rising_tie_heard_from_lately_is_a_rising_advocate() -> None:
    at = LAST + timedelta(days=2)
    item = rising_item(ANN, JOE, burst(), P, at)
    assert item is not None
    assert item.kind is AttentionKind.RISING_ADVOCATE
    assert cold_tie_item(ANN, JOE, burst(), P, at) is None


def test_a_tie_silent_for_the_rising_window_is_going_cold_not_rising() -> None:
    at = LAST + timedelta(days=RISING_WITHIN_DAYS + 1)
    reading = quick_score(burst(), P, at)
    assert reading.trend is TieTrend.RISING  # the pace alone would still call it rising
    assert rising_item(ANN, JOE, burst(), P, at) is None
    cold = cold_tie_item(ANN, JOE, burst(), P, at)
    assert cold is not None
    assert cold.kind is AttentionKind.COLD_TIE
