"""A stored tie scored for an answer: the rounded score, its label and trend, and why. Pure.

`score_tie` is the whole answer (components and evidence from `scoring.explain`);
`quick_score` and `shown_score` are the same numbers without the explanation, for the many
ties a query weighs but does not explain. The formula itself is `scoring.formula`.
"""

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from scoring.explain import ScoreComponent, TieEvidence, evidence_of, score_components
from scoring.formula import TieTrend, breakdown, trend_of
from scoring.profile import ScoringProfile
from scoring.strength import LabelBand, TieLabel, band_for
from scoring.tie_state import TieState


class TieScore(BaseModel):
    """A scored tie: number, label and colour, how it was reached, where it is heading."""

    model_config = ConfigDict(frozen=True)

    score: float
    label: TieLabel
    colour: str
    components: list[ScoreComponent]
    trend: TieTrend
    evidence: TieEvidence


def label_for(score: float, profile: ScoringProfile) -> LabelBand:
    """The band (label and colour) a score falls in under the profile's bands."""
    return band_for(score, profile.bands)


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
        components=score_components(state, parts, trend),
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


__all__ = [
    "QuickScore",
    "TieScore",
    "label_for",
    "quick_score",
    "score_tie",
    "shown_score",
]
