"""What a backtest reports: rankings (AUC, precision at the top) and calibration by label. Pure.

Scores and labels come from `scoring.backtest`; a period pools the ties of several cut-offs
(a tie seen at two cut-offs counts twice, once per moment it was ranked at).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from scoring.backtest import BASELINES, Flags, Floats, History
from scoring.profile import ScoringProfile
from scoring.strength import TieLabel, band_for

# The share of ties a rep would look at first: "precision at the top 10%".
TOP_SHARE = 0.1
# The score distribution in the picture, in bins of this many points.
SCORE_BIN = 10.0


def average_ranks(values: Floats) -> Floats:
    """Ranks from 1, equal values sharing the mean of their ranks (scipy's `rankdata`, whose
    import alone takes seconds: every `tiegraph` command and worker start would pay it)."""
    if len(values) == 0:
        return np.empty(0, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    first = np.flatnonzero(starts)
    sizes = np.diff(np.append(first, len(values)))
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = (first + (sizes + 1) / 2.0)[np.cumsum(starts) - 1]
    return ranks


def auc(scores: Floats, active: Flags) -> float:
    """The probability that an active tie outranks an inactive one, ties counting one half
    (Mann-Whitney from average ranks); NaN when either side is empty."""
    positives = int(active.sum())
    negatives = len(active) - positives
    if positives == 0 or negatives == 0:
        return math.nan
    ranks = average_ranks(scores)
    above = float(ranks[active].sum()) - positives * (positives + 1) / 2.0
    return above / (positives * negatives)


def precision_at_top(scores: Floats, active: Flags, share: float = TOP_SHARE) -> float:
    """The share of active ties among the top `share` by score. Ties at the cut are taken
    in proportion (the expected precision when they are broken at random), so a baseline
    with few distinct values gets no luck from the order of its input."""
    n = len(scores)
    take = max(1, math.ceil(share * n)) if n else 0
    if take == 0:
        return math.nan
    threshold = np.sort(scores)[n - take]
    above = scores > threshold
    at = scores == threshold
    rest = take - int(above.sum())
    hits = float(active[above].sum()) + rest * float(active[at].sum()) / int(at.sum())
    return hits / take


@dataclass(frozen=True)
class Ranking:
    """How well one ranking separates ties active after the horizon from the rest."""

    auc: float
    precision_at_top: float


@dataclass(frozen=True)
class LabelTruth:
    """Of the ties that carried a label at a cut-off, how many were active after it."""

    label: TieLabel
    ties: int
    active: int

    @property
    def share(self) -> float:
        """The share still active (NaN for a label no tie had)."""
        return self.active / self.ties if self.ties else math.nan


@dataclass(frozen=True)
class PeriodReport:
    """A set of cut-offs pooled: the score, every baseline, calibration and distributions."""

    cutoffs: list[datetime]
    ties: int
    active: int
    score: Ranking
    baselines: dict[str, Ranking]
    calibration: list[LabelTruth]
    # Ties per SCORE_BIN-point bin, for active and for inactive ties.
    histogram_active: list[int]
    histogram_inactive: list[int]

    @property
    def best_baseline(self) -> tuple[str, Ranking]:
        """The baseline with the highest AUC."""
        return max(self.baselines.items(), key=lambda item: item[1].auc)


def _ranking(scores: Floats, active: Flags) -> Ranking:
    return Ranking(auc(scores, active), precision_at_top(scores, active))


def calibration(scores: Floats, active: Flags, profile: ScoringProfile) -> list[LabelTruth]:
    """Active share per label, labels as every answer shows them (the score rounded first)."""
    labels = np.asarray([band_for(round(s, 1), profile.bands).label for s in scores.tolist()])
    found = []
    for band in profile.bands:
        mine = labels == band.label
        found.append(LabelTruth(band.label, int(mine.sum()), int(active[mine].sum())))
    return found


def _histogram(scores: Floats) -> list[int]:
    edges = np.arange(0.0, 100.0 + SCORE_BIN, SCORE_BIN)
    return [int(n) for n in np.histogram(scores, bins=edges)[0]]


def period_report(
    history: History, scores: Sequence[Floats], profile: ScoringProfile, which: Sequence[int]
) -> PeriodReport:
    """The cut-offs at indexes `which` pooled into one report."""
    cuts = [history.cuts[i] for i in which]
    pooled = np.concatenate([scores[i] for i in which]) if cuts else np.empty(0)
    active = np.concatenate([c.active for c in cuts]) if cuts else np.empty(0, dtype=bool)
    # Days since the last contact is stored negated, so every baseline ranks higher when higher.
    baselines = {name: _ranking(np.concatenate([c.baselines[name] for c in cuts]), active)
                 for name in BASELINES} if cuts else {}  # fmt: skip
    return PeriodReport(
        cutoffs=[c.at for c in cuts],
        ties=len(active),
        active=int(active.sum()),
        score=_ranking(pooled, active),
        baselines=baselines,
        calibration=calibration(pooled, active, profile),
        histogram_active=_histogram(pooled[active]),
        histogram_inactive=_histogram(pooled[~active]),
    )


def indexes_between(
    history: History, since: datetime | None = None, until: datetime | None = None
) -> list[int]:
    """The cut-offs at or after `since` and before `until`."""
    return [i for i, c in enumerate(history.cuts)
            if (since is None or c.at >= since) and (until is None or c.at < until)]  # fmt: skip


__all__ = [
    "SCORE_BIN",
    "TOP_SHARE",
    "LabelTruth",
    "PeriodReport",
    "Ranking",
    "auc",
    "average_ranks",
    "calibration",
    "indexes_between",
    "period_report",
    "precision_at_top",
]
