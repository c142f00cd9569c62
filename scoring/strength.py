"""The words and colours of scores: labels, bands and the default channel weights."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from tiegraph.domain import InteractionKind

# 0-10 per kind, as sales operations would set them: a meeting says more than an email.
DEFAULT_CHANNEL_WEIGHTS: dict[InteractionKind, float] = {
    InteractionKind.EMAIL: 2.0,
    InteractionKind.CALL: 5.0,
    InteractionKind.MEETING: 6.0,
    InteractionKind.NOTE: 1.0,
}


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


def band_for(score: float, bands: tuple[LabelBand, ...] = DEFAULT_BANDS) -> LabelBand:
    """The band a score falls in; bands are searched from the highest threshold down."""
    for band in sorted(bands, key=lambda b: b.min_score, reverse=True):
        if score >= band.min_score:
            return band
    return min(bands, key=lambda b: b.min_score)
