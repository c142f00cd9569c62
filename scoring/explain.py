"""A score in words: the components a rep reads next to it, and the evidence behind it. Pure.

Each `ScoreComponent` is one ingredient of a score (weight, freshness, reciprocity,
responsiveness, depth, history) with the number behind it (`scoring.formula`) and a sentence;
`TieEvidence` holds the facts a tie's state records (first, last and last two-way contact,
counts, the median reply delay).
"""

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from scoring.formula import TREND_MIN_EVENTS, ScoreBreakdown, TrendReading
from scoring.tie_state import REPLY_BONUS, REPLY_BUCKET_LABELS, TWO_WAY_MULTIPLIER, TieState
from tiegraph.domain import InteractionKind


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


def score_components(
    state: TieState, parts: ScoreBreakdown, trend: TrendReading
) -> list[ScoreComponent]:
    """The six components of a score, in the order an answer shows them."""
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


__all__ = [
    "ScoreComponent",
    "TieEvidence",
    "evidence_of",
    "median_reply_bucket",
    "score_components",
]
