"""The tunable side of scoring: one immutable, JSON-serialisable `ScoringProfile`.

Everything a sales-operations person might want to change (how much a meeting counts against an
email, how fast ties fade, where the label bands sit, what counts as an admin message or a
well-covered account) lives here with its default, validated once when the profile is built.
The scoring functions take the profile as an argument and never read global settings.

Changing a profile: `profile.with_changes(saturation=20.0)` returns a new, *validated* profile.
Pydantic's `model_copy(update=...)` is deliberately not used for this because it skips
validation, so a bad value would only surface later, inside a score.
"""

import functools
import math
import re
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scoring.strength import DEFAULT_BANDS, DEFAULT_CHANNEL_WEIGHTS, LabelBand
from tiegraph.domain import InteractionKind

# Stored decayed sums grow as 2 ** (days since 2000 / half-life) (see scoring.decay). A float64
# overflows at 2 ** 1024, so a half-life of h days is good for about 1,000 * h days after 2000.
# The trend's own 30-day sum already bounds the model to before ~2080; a faster half-life than
# that would bring the overflow date closer, so it is refused.
MIN_HALF_LIFE_DAYS = 30.0

# Paperwork: a sign of account life, not of a relationship. The only admin rule there is:
# ingestion and rescore both flag an interaction by these (see `IngestPolicy.with_admin_flag`).
DEFAULT_ADMIN_SUBJECT_PATTERNS: tuple[str, ...] = (
    r"\binvoices?\b",
    r"\breceipts?\b",
    r"\bpayments?\b",
    r"\bbilling statements?\b",
    r"\border confirmations?\b",
    r"\brenewal notices?\b",
    r"\bstatements? of account\b",
    r"\baccount statements?\b",
    r"\bremittance advice\b",
    r"\bpurchase orders?\b",
    r"\bpast due\b",
    r"\boverdue\b",
    r"\brechnung\b",
    r"\bfacture\b",
)


class CoverageStandard(BaseModel):
    """What "well covered" means for one tier of account: how many ties of which kind we need."""

    model_config = ConfigDict(frozen=True)

    min_active_contacts_at_director_or_above: int = Field(ge=0)
    min_executives: int = Field(ge=0)
    min_champions: int = Field(ge=0)


def _default_coverage() -> dict[str, CoverageStandard]:
    return {
        "strategic": CoverageStandard(
            min_active_contacts_at_director_or_above=3, min_executives=1, min_champions=1
        )
    }


@functools.lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    # Compiled once per pattern set: ingestion asks this of every message, and re.search's own
    # cache lookup per pattern and call is a visible share of the parse.
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


class ScoringProfile(BaseModel):
    """Every number the tie model uses that a person might reasonably tune.

    Model-shape constants (the two-way multiplier, the trend thresholds) are not here: they
    are part of the formula documented in `scoring.formula`, and changing them would change
    what the score means rather than tune it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # 0-10 per kind; every kind must be present so a score never meets a missing weight.
    channel_weights: dict[InteractionKind, float] = Field(
        default_factory=lambda: dict(DEFAULT_CHANNEL_WEIGHTS)
    )
    # The short memory: what the tie has been doing lately.
    fast_half_life_days: float = Field(default=45.0, ge=MIN_HALF_LIFE_DAYS)
    # The long memory: what the tie has been over the years (weighted by the tie's span).
    slow_half_life_days: float = Field(default=365.0, ge=MIN_HALF_LIFE_DAYS)
    # How fast the last two-way exchange stops vouching for the tie.
    recency_half_life_days: float = Field(default=90.0, gt=0)
    # K in 100 * (1 - e^(-E/K)): the effective weight at which a tie reaches 63% of the scale.
    saturation: float = Field(default=15.0, gt=0)
    # The share of a score freshness never takes away: an old friend who went quiet is still a
    # friend. Above 0, or a tie that never had a two-way exchange would score 0 however much
    # history it has. Read at scoring time only, so changing it needs no rescore.
    freshness_floor: float = Field(default=0.4, gt=0.0, le=1.0)
    # The history factor gamma reaches one half when a tie has spanned this long (read-only too).
    history_half_span_days: float = Field(default=180.0, gt=0)
    bands: tuple[LabelBand, ...] = DEFAULT_BANDS
    # Days without a two-way exchange after which a tie is flagged as cooling, in stages.
    cold_after_days: tuple[int, ...] = (30, 60, 90)
    # Subjects that mark administrative traffic (a sign of account life, not of a relationship).
    admin_subject_patterns: tuple[str, ...] = DEFAULT_ADMIN_SUBJECT_PATTERNS
    # Account tier -> what good coverage of such an account takes.
    coverage_standards: dict[str, CoverageStandard] = Field(default_factory=_default_coverage)
    # A message to more recipients than this gives each tie bulk/n of its weight.
    bulk_recipients: int = Field(default=15, ge=1)
    # Meetings with up to this many people count fully; larger ones count small/size.
    small_meeting_size: int = Field(default=4, ge=2)

    @field_validator("channel_weights")
    @classmethod
    def _weights(cls, value: dict[InteractionKind, float]) -> dict[InteractionKind, float]:
        missing = [kind.value for kind in InteractionKind if kind not in value]
        if missing:
            raise ValueError(f"needs a weight for every kind; missing: {', '.join(missing)}")
        for kind, weight in value.items():
            if not (math.isfinite(weight) and 0.0 <= weight <= 10.0):
                raise ValueError(f"{kind.value}: weight must be between 0 and 10, got {weight}")
        return value

    @field_validator("bands")
    @classmethod
    def _bands(cls, value: tuple[LabelBand, ...]) -> tuple[LabelBand, ...]:
        thresholds = [band.min_score for band in value]
        if len(set(thresholds)) != len(thresholds):
            raise ValueError("band thresholds must be distinct")
        if 0 not in thresholds:
            # Without a band at 0 some scores would have no label at all.
            raise ValueError("one band must start at 0")
        if any(not (0 <= t <= 100) for t in thresholds):
            raise ValueError("band thresholds must lie between 0 and 100")
        # Highest first, so readers (and band lookups) see them in scale order.
        return tuple(sorted(value, key=lambda band: band.min_score, reverse=True))

    @field_validator("cold_after_days")
    @classmethod
    def _cold(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(days <= 0 for days in value):
            raise ValueError("cold_after_days must be positive")
        if list(value) != sorted(set(value)):
            raise ValueError("cold_after_days must be strictly increasing")
        return value

    @field_validator("admin_subject_patterns")
    @classmethod
    def _patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from exc
        return value

    @field_validator("coverage_standards")
    @classmethod
    def _tiers(cls, value: dict[str, CoverageStandard]) -> dict[str, CoverageStandard]:
        if any(not tier.strip() for tier in value):
            raise ValueError("coverage tiers need a name")
        return value

    @model_validator(mode="after")
    def _memories(self) -> Self:
        # The long memory must not forget faster than the short one, or "long-standing ties
        # fade slower" would turn into its opposite.
        if self.slow_half_life_days < self.fast_half_life_days:
            raise ValueError("slow_half_life_days must be at least fast_half_life_days")
        return self

    def with_changes(self, **changes: Any) -> "ScoringProfile":
        """A copy with some fields replaced, validated like a new profile (unlike model_copy)."""
        return type(self).model_validate({**self.model_dump(), **changes})

    def channel_weight(self, kind: InteractionKind) -> float:
        """The 0-10 weight of one interaction of this kind."""
        return self.channel_weights[kind]

    def is_admin_subject(self, subject: str | None) -> bool:
        """True when a subject line matches one of the admin patterns (case-insensitive)."""
        if not subject:
            return False
        return any(p.search(subject) for p in _compiled(self.admin_subject_patterns))

    def bulk_share(self, recipients: int) -> float:
        """The share of its weight a message to `recipients` people gives each tie (0-1]."""
        return 1.0 if recipients <= self.bulk_recipients else self.bulk_recipients / recipients

    def meeting_size_factor(self, size: int | None) -> float:
        """1 for small meetings (or an unknown size), small_meeting_size/size for larger ones."""
        if size is None or size <= self.small_meeting_size:
            return 1.0
        return self.small_meeting_size / size


DEFAULT_PROFILE = ScoringProfile()
