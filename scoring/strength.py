"""Provisional tie strength: a saturating function of the decayed interaction weight.

This is the foundation's model (one decayed sum); the labels and bands are the product's.
"""

import math
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from scoring.decay import DEFAULT_HALF_LIFE_DAYS, decayed_weight_at
from tiegraph.domain import InteractionKind, TieStats

# 0-10 per kind, as sales operations would set them: a meeting says more than an email.
DEFAULT_CHANNEL_WEIGHTS: dict[InteractionKind, float] = {
    InteractionKind.EMAIL: 2.0,
    InteractionKind.CALL: 5.0,
    InteractionKind.MEETING: 6.0,
    InteractionKind.NOTE: 1.0,
}
# Decayed weight at which a tie reaches 63% of the scale; a weekly meeting held for a year
# settles near 100 decayed units, so it lands in Strong, while one email lands in Minimal.
SATURATION = 40.0


class TieLabel(StrEnum):
    """The words a rep sees next to a score."""

    STRONG = "Strong"
    GOOD = "Good"
    MODERATE = "Moderate"
    WEAK = "Weak"
    MINIMAL = "Minimal"


class LabelBand(BaseModel):
    """A label applies from `min_score` (inclusive) up to the next band."""

    model_config = ConfigDict(frozen=True)

    label: TieLabel
    min_score: float
    colour: str


DEFAULT_BANDS: tuple[LabelBand, ...] = (
    LabelBand(label=TieLabel.STRONG, min_score=80, colour="#1a7f37"),
    LabelBand(label=TieLabel.GOOD, min_score=60, colour="#4ac26b"),
    LabelBand(label=TieLabel.MODERATE, min_score=40, colour="#d4a72c"),
    LabelBand(label=TieLabel.WEAK, min_score=20, colour="#e16f24"),
    LabelBand(label=TieLabel.MINIMAL, min_score=0, colour="#8c959f"),
)


def channel_weight(kind: InteractionKind) -> float:
    """The default weight of one interaction of this kind."""
    return DEFAULT_CHANNEL_WEIGHTS[kind]


def strength_score(
    stored_decayed_weight: float,
    as_of: datetime,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> float:
    """The tie's strength on the 0-100 scale at `as_of`."""
    current = decayed_weight_at(stored_decayed_weight, as_of, half_life_days)
    return round(100.0 * (1.0 - math.exp(-max(current, 0.0) / SATURATION)), 1)


def band_for(score: float, bands: tuple[LabelBand, ...] = DEFAULT_BANDS) -> LabelBand:
    """The band a score falls in; bands are searched from the highest threshold down."""
    for band in sorted(bands, key=lambda b: b.min_score, reverse=True):
        if score >= band.min_score:
            return band
    return min(bands, key=lambda b: b.min_score)


class TieStrength(BaseModel):
    """A scored tie: the number for sorting and the label a person reads."""

    model_config = ConfigDict(frozen=True)

    score: float
    label: TieLabel
    colour: str


def assess(stats: TieStats, as_of: datetime) -> TieStrength:
    """Score and label a stored tie as it stands at `as_of`."""
    score = strength_score(stats.decayed_weight, as_of)
    band = band_for(score)
    return TieStrength(score=score, label=band.label, colour=band.colour)
