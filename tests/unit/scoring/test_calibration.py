"""Calibration of the tie model: named, realistic scenarios with the label a rep would expect.

The integration suite builds the same scenarios through the real database; these pin the
numbers first. `python -m tests.unit.scoring.test_calibration` prints the calibration table.
"""

import dataclasses
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from scoring.explain import median_reply_bucket
from scoring.formula import TieTrend, breakdown, trend_of
from scoring.profile import DEFAULT_PROFILE, ScoringProfile
from scoring.strength import TieLabel
from scoring.tie_events import TieEvent
from scoring.tie_score import label_for, score_tie
from scoring.tie_state import (
    EMPTY_STATE,
    REPLY_BUCKET_LABELS,
    TieState,
    combine,
    event_weight,
    reply_bucket,
    state_delta,
)
from tests.unit.scoring.test_properties import assert_close
from tiegraph.domain import InteractionKind

AS_OF = datetime(2026, 6, 1, 12, tzinfo=UTC)
P = DEFAULT_PROFILE
YEAR = 365.0
Events = list[TieEvent]

STRONG, GOOD, MODERATE, WEAK, MINIMAL = (
    TieLabel.STRONG,
    TieLabel.GOOD,
    TieLabel.MODERATE,
    TieLabel.WEAK,
    TieLabel.MINIMAL,
)


def ago(days: float) -> datetime:
    """A moment `days` before the calibration's fixed as_of."""
    return AS_OF - timedelta(days=days)


def event(at: datetime, **fields: object) -> TieEvent:
    """One event from loose fields (the dicts below), validated like the caller's would be."""
    return TieEvent(**{"at": at, **fields})


def every(first_ago: float, last_ago: float, step: float, **fields: object) -> Events:
    """Events every `step` days from `first_ago` days ago to `last_ago` days ago (inclusive)."""
    events, days = [], first_ago
    while days >= last_ago - 1e-9:
        events.append(event(ago(days), **fields))
        days -= step
    return events


# a = our team member, b = the contact.
ONE_TO_ONE = {"kind": InteractionKind.MEETING, "two_way": True, "meeting_size": 2, "initiator": "a"}
CALL = {"kind": InteractionKind.CALL, "two_way": True, "meeting_size": 2, "initiator": "a"}
OUR_EMAIL = {"kind": InteractionKind.EMAIL, "initiator": "a"}
THEIR_EMAIL = {"kind": InteractionKind.EMAIL, "initiator": "b", "two_way": True}
DECLINED = {"kind": InteractionKind.MEETING, "declined": True, "initiator": "a"}
HOUR = 3_600.0


def weekly_one_to_one_two_years() -> Events:
    return every(730, 5, 7, **ONE_TO_ONE)


def fast_replies_and_colleagues() -> Events:
    ours = every(90, 3, 7, **OUR_EMAIL)
    # Their answer 20 minutes after each of ours.
    replies = [
        event(e.at + timedelta(minutes=20), reply_seconds=1_200.0, **THEIR_EMAIL) for e in ours
    ]
    meetings = every(
        88,
        4,
        14,
        kind=InteractionKind.MEETING,
        two_way=True,
        meeting_size=4,
        initiator="b",
        brought_colleagues=True,
    )
    return ours + replies + meetings


def they_write_weekly_we_answer() -> Events:
    theirs = every(180, 2, 7, **THEIR_EMAIL)
    return theirs + [event(e.at + timedelta(hours=3), **OUR_EMAIL) for e in theirs]


def replies_after(seconds: float) -> Events:
    """We write weekly for three months; they answer every message after `seconds`."""
    ours = every(97, 7, 7, **OUR_EMAIL)
    return ours + [
        event(e.at + timedelta(seconds=seconds), reply_seconds=seconds, **THEIR_EMAIL) for e in ours
    ]


def two_way_email_threads(first_ago: float, last_ago: float, step: float) -> Events:
    theirs = every(first_ago, last_ago, step, **THEIR_EMAIL)
    return theirs + [event(e.at + timedelta(hours=2), **OUR_EMAIL) for e in theirs]


@dataclass(frozen=True)
class Scenario:
    """A named tie history with the labels (and trend) the model must give it at AS_OF."""

    name: str
    build: Callable[[], Events]
    labels: frozenset[TieLabel]
    trend: TieTrend | None = None


def scenario(
    name: str,
    build: Callable[[], Events],
    *labels: TieLabel,
    trend: TieTrend | None = None,
) -> Scenario:
    return Scenario(name, build, frozenset(labels), trend)


SCENARIOS: list[Scenario] = [
    scenario(
        "weekly 1:1 meetings for two years, last five days ago",
        weekly_one_to_one_two_years,
        STRONG,
        trend=TieTrend.STEADY,
    ),
    scenario(
        "one cold email eight months ago, never answered",
        lambda: every(240, 240, 1, **OUR_EMAIL),
        MINIMAL,
        trend=TieTrend.STEADY,
    ),
    scenario(
        "weekly meetings for a year, then six months of silence",
        lambda: every(180 + YEAR, 180, 7, **ONE_TO_ONE),
        WEAK,
        MODERATE,
        trend=TieTrend.FALLING,
    ),
    scenario(
        "replies within the hour and brings colleagues to meetings, three months",
        fast_replies_and_colleagues,
        GOOD,
        STRONG,
    ),
    scenario(
        "a call every month for a year, last two weeks ago",
        lambda: every(14 + 330, 14, 30, **CALL),
        MODERATE,
        GOOD,
        trend=TieTrend.STEADY,
    ),
    scenario(
        "we email weekly for six months, they never reply",
        lambda: every(180, 2, 7, **OUR_EMAIL),
        MINIMAL,
        WEAK,
    ),
    scenario(
        "they email weekly for six months and we answer",
        they_write_weekly_we_answer,
        MODERATE,
        GOOD,
        STRONG,
        trend=TieTrend.STEADY,
    ),
    scenario(
        "one meeting a year ago, then weekly meetings for the last six weeks",
        lambda: every(YEAR, YEAR, 1, **ONE_TO_ONE) + every(42, 0, 7, **ONE_TO_ONE),
        GOOD,
        STRONG,
        trend=TieTrend.RISING,
    ),
    scenario(
        "weekly meetings for a year, last two months quiet",
        lambda: every(60 + YEAR, 60, 7, **ONE_TO_ONE),
        MODERATE,
        GOOD,
        trend=TieTrend.FALLING,
    ),
    scenario(
        "a two-year weekly tie, silent for three years",
        lambda: every(5 * YEAR, 3 * YEAR, 7, **ONE_TO_ONE),
        MINIMAL,
        trend=TieTrend.STEADY,
    ),
    scenario(
        "a single 1:1 meeting yesterday",
        lambda: every(1, 1, 1, **ONE_TO_ONE),
        WEAK,
    ),
    scenario(
        "one email from them this morning, the first ever",
        lambda: every(0.1, 0.1, 1, **THEIR_EMAIL),
        MINIMAL,
    ),
    scenario(
        "quarterly meetings for three years, last a month ago",
        lambda: every(30 + 3 * 360, 30, 90, **ONE_TO_ONE),
        WEAK,
        MODERATE,
    ),
    scenario(
        "weekly 1:1 meetings for the last three months, a new tie",
        lambda: every(90, 2, 7, **ONE_TO_ONE),
        GOOD,
        STRONG,
        trend=TieTrend.STEADY,
    ),
    scenario(
        "fortnightly calls for six months, last a week ago",
        lambda: every(182, 7, 14, **CALL),
        MODERATE,
        GOOD,
    ),
    scenario(
        "a CRM note every week for a year, no contact logged",
        lambda: every(YEAR, 1, 7, kind=InteractionKind.NOTE, initiator="a"),
        MINIMAL,
    ),
    scenario(
        "monthly meetings for five years, last four months ago",
        lambda: every(120 + 5 * 360, 120, 30, **ONE_TO_ONE),
        WEAK,
        MODERATE,
        trend=TieTrend.FALLING,
    ),
    scenario(
        "a daily newsletter to 150 people for a year",
        lambda: every(YEAR, 0, 1, share=0.1, **OUR_EMAIL),
        MINIMAL,
    ),
    scenario(
        "daily two-way email threads for two months",
        lambda: two_way_email_threads(60, 0.5, 1),
        STRONG,
    ),
    scenario(
        "weekly for two years, silent a year, met again last week",
        lambda: every(3 * YEAR, YEAR, 7, **ONE_TO_ONE) + every(7, 7, 1, **ONE_TO_ONE),
        MODERATE,
        GOOD,
    ),
    scenario(
        "five meeting invitations, all declined",
        lambda: every(150, 10, 30, **DECLINED),
        MINIMAL,
    ),
    scenario(
        "a 40-person webinar every week for two years",
        lambda: every(730, 5, 7, **{**ONE_TO_ONE, "meeting_size": 40}),
        MINIMAL,
        WEAK,
    ),
    scenario(
        "monthly meetings for a year, each with two more declined or missed",
        lambda: (
            every(YEAR, 10, 30, **ONE_TO_ONE)
            + every(YEAR - 5, 10, 15, **DECLINED)
            + every(YEAR - 2, 10, 15, **DECLINED)
        ),
        WEAK,
        MODERATE,
    ),
    scenario(
        "weekly meetings for five years, last yesterday",
        lambda: every(5 * YEAR, 1, 7, **ONE_TO_ONE),
        STRONG,
        trend=TieTrend.STEADY,
    ),
    scenario(
        "weekly meetings for three years, silent for eighteen months",
        lambda: every(3 * YEAR + 540, 540, 7, **ONE_TO_ONE),
        MINIMAL,
        WEAK,
        trend=TieTrend.FALLING,
    ),
    scenario(
        "monthly two-way email threads for two years, last three weeks ago",
        lambda: two_way_email_threads(21 + 720, 21, 30),
        WEAK,
        MODERATE,
    ),
    scenario(
        "they answer our weekly emails after four days, three months",
        lambda: replies_after(4 * 24 * HOUR),
        MODERATE,
        GOOD,
    ),
    scenario(
        "a weekly 8-person project meeting for a year, last three days ago",
        lambda: every(YEAR, 3, 7, **{**ONE_TO_ONE, "meeting_size": 8}),
        GOOD,
        STRONG,
    ),
    scenario(
        "a burst of daily meetings two years ago, nothing since",
        lambda: every(2 * YEAR + 10, 2 * YEAR, 1, **ONE_TO_ONE),
        MINIMAL,
        trend=TieTrend.STEADY,
    ),
]


def score_of(events: Events, as_of: datetime = AS_OF, profile: ScoringProfile = P) -> float:
    """The unrounded score of a history, so comparisons are not masked by rounding."""
    return breakdown(state_delta(events, profile), profile, as_of).score


@pytest.mark.parametrize("case", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_calibration(case: Scenario) -> None:
    result = score_tie(state_delta(case.build(), P), P, AS_OF)
    assert result.label in case.labels, f"{case.name}: {result.score} {result.label}"
    if case.trend is not None:
        assert result.trend is case.trend, f"{case.name}: {result.trend}"


def test_there_are_enough_named_scenarios() -> None:
    assert len(SCENARIOS) >= 25
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)


# Comparisons the labels alone cannot show.


def test_declines_lower_a_tie() -> None:
    attended = every(YEAR, 10, 30, **ONE_TO_ONE)
    declined = every(YEAR - 5, 10, 15, **DECLINED)
    assert score_of(attended + declined) < score_of(attended)


def test_a_large_webinar_is_weaker_than_a_one_to_one() -> None:
    webinar = every(730, 5, 7, **{**ONE_TO_ONE, "meeting_size": 40})
    assert score_of(webinar) < score_of(weekly_one_to_one_two_years())


def test_faster_replies_weigh_more() -> None:
    delays = [None, 5 * 24 * HOUR, 50 * HOUR, 20 * HOUR, 3 * HOUR, 0.5 * HOUR]
    weights = [event_weight(event(AS_OF, reply_seconds=d, **THEIR_EMAIL), P) for d in delays]
    assert weights == sorted(weights)
    assert len(set(weights[1:])) == len(weights) - 1


def test_fast_repliers_outscore_slow_ones() -> None:
    fast = score_of(replies_after(0.5 * HOUR))
    # Not ordered between the two slow ones: a reply five days later is also five days
    # fresher, which outweighs the 0.1 bonus a 30-hour reply earns over it.
    assert fast > score_of(replies_after(30 * HOUR))
    assert fast > score_of(replies_after(5 * 24 * HOUR))


def test_bringing_colleagues_scores_higher() -> None:
    plain = every(90, 4, 14, **{**ONE_TO_ONE, "initiator": "b"})
    brought = [dataclasses.replace(e, brought_colleagues=True) for e in plain]
    assert score_of(brought) > score_of(plain)


def test_two_way_beats_one_way() -> None:
    assert score_of(every(90, 1, 7, **THEIR_EMAIL)) > score_of(every(90, 1, 7, **OUR_EMAIL))


def test_long_standing_ties_fade_slower() -> None:
    recent = every(90 + YEAR, YEAR, 7, **ONE_TO_ONE)
    old_friend = every(4 * YEAR, YEAR, 7, **ONE_TO_ONE)
    # Both have had the same last three months of weekly meetings, a year ago.
    assert score_of(old_friend) > score_of(recent) + 10


def test_new_contact_revives_a_tie() -> None:
    quiet = every(3 * YEAR, YEAR, 7, **ONE_TO_ONE)
    assert score_of(quiet + every(7, 7, 1, **ONE_TO_ONE)) > score_of(quiet) + 20


def test_bulk_share_scales_the_weight() -> None:
    full = TieEvent(at=AS_OF, kind=InteractionKind.EMAIL)
    tenth = dataclasses.replace(full, share=0.1)
    assert event_weight(tenth, P) == pytest.approx(event_weight(full, P) / 10)


def test_meeting_size_scales_the_weight() -> None:
    small = TieEvent(at=AS_OF, kind=InteractionKind.MEETING, two_way=True, meeting_size=4)
    large = dataclasses.replace(small, meeting_size=40)
    assert event_weight(small, P) == pytest.approx(6 * 1.5)
    assert event_weight(large, P) == pytest.approx(6 * 1.5 * 4 / 40)


def test_a_declined_event_weighs_nothing_but_counts() -> None:
    event = TieEvent(at=ago(3), kind=InteractionKind.MEETING, declined=True, initiator="a")
    state = state_delta([event], P)
    assert event_weight(event, P) == 0.0
    assert state.declined_count == 1
    assert state.interaction_count == 0
    assert state.a_initiated == 0
    assert state.first_at == state.last_at == event.at
    assert state.last_two_way_at is None
    assert breakdown(state, P, AS_OF).score == 0.0


# The state: what is stored, and how deltas add up.


def test_state_counts_what_happened() -> None:
    events = [
        TieEvent(at=ago(10), kind=InteractionKind.EMAIL, initiator="a"),
        TieEvent(at=ago(9), kind=InteractionKind.EMAIL, initiator="b", two_way=True,
                 reply_seconds=2 * HOUR),
        TieEvent(at=ago(5), kind=InteractionKind.MEETING, initiator="b", two_way=True,
                 meeting_size=5, brought_colleagues=True),
        TieEvent(at=ago(4), kind=InteractionKind.CALL, two_way=True),
        TieEvent(at=ago(3), kind=InteractionKind.NOTE),
        TieEvent(at=ago(2), kind=InteractionKind.MEETING, declined=True),
    ]  # fmt: skip
    state = state_delta(events, P)
    assert (state.email_count, state.meeting_count, state.call_count, state.note_count) == (
        2,
        1,
        1,
        1,
    )
    assert (state.a_initiated, state.b_initiated) == (1, 2)
    assert state.two_way_count == 3
    assert state.declined_count == 1
    assert state.brought_colleagues_count == 1
    assert state.reply_buckets == [0, 1, 0, 0, 0]
    assert state.first_at == ago(10)
    assert state.last_at == ago(2)
    assert state.last_two_way_at == ago(4)
    assert state.interaction_count == 5


def test_state_fields_are_plain_values_neo4j_can_store() -> None:
    state = state_delta(weekly_one_to_one_two_years(), P)
    for name, value in state.model_dump().items():
        assert value is None or isinstance(value, int | float | datetime | list), name
        if isinstance(value, list):
            assert all(isinstance(n, int) for n in value), name
    assert TieState.model_validate_json(state.model_dump_json()) == state


def test_combining_deltas_equals_one_delta() -> None:
    events = fast_replies_and_colleagues() + every(400, 200, 10, **ONE_TO_ONE)
    whole = state_delta(events, P)
    halves = combine(state_delta(events[::2], P), state_delta(events[1::2], P))
    assert_close(halves, whole)
    assert combine(EMPTY_STATE, whole) == whole
    assert combine(whole, EMPTY_STATE) == whole


def test_state_delta_ignores_order() -> None:
    events = fast_replies_and_colleagues()
    assert state_delta(events, P) == state_delta(list(reversed(events)), P)


def test_state_times_are_utc() -> None:
    paris = timezone(timedelta(hours=2))
    event = TieEvent(at=datetime(2026, 5, 1, 14, tzinfo=paris), kind=InteractionKind.EMAIL)
    assert event.at == datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert event.at.tzinfo is UTC


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"at": datetime(2026, 1, 1)}, "time zone"),  # naive
        ({"at": datetime(1960, 1, 1, tzinfo=UTC)}, "1970 and 2079"),
        ({"at": datetime(2090, 1, 1, tzinfo=UTC)}, "1970 and 2079"),
        ({"share": 1.5}, "share"),
        ({"share": -0.1}, "share"),
        ({"meeting_size": -1}, "meeting_size"),
        ({"reply_seconds": -1.0}, "reply_seconds"),
        ({"reply_seconds": math.inf}, "reply_seconds"),
        ({"declined": True, "two_way": True}, "cannot be a two-way"),
        ({"initiator": "c"}, "initiator"),
        ({"kind": "fax"}, "fax"),
    ],
)
def test_inconsistent_events_are_refused(fields: dict[str, object], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        TieEvent(**{"at": AS_OF, "kind": "meeting", **fields})


def test_state_refuses_a_wrong_bucket_list() -> None:
    with pytest.raises(ValidationError):
        TieState(reply_buckets=[1, 2, 3])


# Reading the score.


def test_score_carries_explanations_and_evidence() -> None:
    result = score_tie(state_delta(fast_replies_and_colleagues(), P), P, AS_OF)
    names = [c.name for c in result.components]
    assert names == ["weight", "freshness", "reciprocity", "responsiveness", "depth", "history"]
    assert all(c.explanation for c in result.components)
    assert result.evidence.median_reply == "under 1 hour"
    assert result.evidence.counts[InteractionKind.EMAIL] == 26
    assert result.evidence.counts[InteractionKind.MEETING] == 7
    assert result.evidence.interaction_count == 33
    assert result.evidence.recent_counts is None
    assert result.colour == label_for(result.score, P).colour
    assert result.score == round(result.score, 1)
    json.loads(result.model_dump_json())


def test_a_tie_with_no_replies_has_no_median() -> None:
    result = score_tie(state_delta(every(30, 1, 7, **OUR_EMAIL), P), P, AS_OF)
    assert result.evidence.median_reply is None
    responsiveness = next(c for c in result.components if c.name == "responsiveness")
    assert responsiveness.value is None


def test_empty_state_scores_zero() -> None:
    result = score_tie(EMPTY_STATE, P, AS_OF)
    assert result.score == 0.0
    assert result.label is TieLabel.MINIMAL
    assert result.trend is TieTrend.STEADY


@pytest.mark.parametrize(
    ("seconds", "bucket"),
    [(0, 0), (HOUR, 0), (HOUR + 1, 1), (4 * HOUR, 1), (23 * HOUR, 2), (50 * HOUR, 3), (1e7, 4)],
)
def test_reply_buckets(seconds: float, bucket: int) -> None:
    assert reply_bucket(seconds) == bucket


@pytest.mark.parametrize(
    ("buckets", "median"),
    [
        ([0, 0, 0, 0, 0], None),
        ([1, 0, 0, 0, 0], 0),
        ([1, 0, 0, 0, 1], 0),
        ([1, 0, 0, 0, 2], 4),
        ([3, 1, 1, 0, 0], 0),
        ([1, 1, 5, 0, 0], 2),
    ],
)
def test_median_reply_bucket(buckets: list[int], median: int | None) -> None:
    assert median_reply_bucket(buckets) == median
    if median is not None:
        assert REPLY_BUCKET_LABELS[median]


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (100, STRONG),
        (80, STRONG),
        (79.9, GOOD),
        (60, GOOD),
        (40, MODERATE),
        (20, WEAK),
        (0, MINIMAL),
    ],
)
def test_label_for(score: float, label: TieLabel) -> None:
    assert label_for(score, P).label is label


def test_scoring_before_the_last_event_reads_the_tie_at_that_event() -> None:
    state = state_delta(weekly_one_to_one_two_years(), P)
    last = state.last_at
    assert last is not None
    assert breakdown(state, P, last - timedelta(days=400)).score == breakdown(state, P, last).score
    assert breakdown(state, P, last - timedelta(days=400)).at == last


def test_as_of_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        breakdown(EMPTY_STATE, P, datetime(2026, 1, 1))


def test_trend_counts_too_little_activity_as_steady() -> None:
    state = state_delta(every(20, 10, 5, **ONE_TO_ONE), P)
    reading = trend_of(state, AS_OF)
    assert reading.base_events < 3
    assert reading.trend is TieTrend.STEADY


def test_a_steady_rhythm_reads_steady_at_any_age() -> None:
    for months in (3, 6, 12, 36):
        state = state_delta(every(30 * months, 1, 7, **ONE_TO_ONE), P)
        reading = trend_of(state, AS_OF)
        assert reading.ratio is not None
        assert 0.8 < reading.ratio < 1.25, months


def test_a_profile_changes_the_score() -> None:
    events = every(180, 2, 7, **OUR_EMAIL)
    heavier = P.with_changes(channel_weights={**P.channel_weights, InteractionKind.EMAIL: 8.0})
    assert score_of(events, profile=heavier) > score_of(events)


def calibration_table() -> list[tuple[str, float, str, str]]:
    """Scenario, score, label and trend at AS_OF, in table order."""
    rows = []
    for case in SCENARIOS:
        result = score_tie(state_delta(case.build(), P), P, AS_OF)
        rows.append((case.name, result.score, result.label.value, result.trend.value))
    return rows


if __name__ == "__main__":
    print("| scenario | score | label | trend |\n|---|---:|---|---|")
    for name, score, label, trend in calibration_table():
        print(f"| {name} | {score:.1f} | {label} | {trend} |")
