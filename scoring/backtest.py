"""Score truth: how well a tie's score at a moment predicts that the tie is alive after it. Pure.

A backtest picks cut-offs across a firm's history. At each one, every (member, contact) tie
with history up to it is scored as of the cut-off, and labelled active when the pair interacts
in (cut-off, cut-off + horizon]. The same ties are ranked by the baselines a CRM would use.

The interactions are walked once, in time order: `prepare` folds them with the one fold
(`scoring.fold.fold_events`) into each tie's events between consecutive cut-offs, and works
out labels and baselines, which no profile changes. `tie_scores` then sums those events under
a profile (`delta_fields`, `TieTotals`) and scores every tie at every cut-off with
`scoring.formula.breakdown`, so a profile costs one summing pass, not one rebuild per tie and
cut-off. `scoring.backtest_metrics` turns scores and labels into AUCs and calibration.
"""

import bisect
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from scoring.decay import aware_utc, days_since_epoch
from scoring.fold import TieTotals, fold_events, person_kinds
from scoring.formula import breakdown
from scoring.policy import IngestPolicy
from scoring.profile import ScoringProfile
from scoring.tie_events import TieEvent, TieKey
from scoring.tie_state import TieState, delta_fields
from tiegraph.domain import InteractionRecord, TieType

Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]

# The baselines' windows, as the issue names them: a CRM's "touched in the last quarter" and a
# decayed count with a quarter's half-life.
RECENT_WINDOW_DAYS = 90.0
DECAYED_COUNT_HALF_LIFE_DAYS = 90.0
# Higher ranks higher for every baseline: days since the last contact enters negated.
BASELINES = ("interactions_90d", "days_since_last", "lifetime_count", "decayed_count_90d")


@dataclass(frozen=True)
class Cut:
    """One cut-off: how many ties have history up to it (the first `ties` of
    `History.keys`), which of them are active after it, and their baseline values."""

    at: datetime
    ties: int
    active: Flags
    baselines: dict[str, Floats]


@dataclass(frozen=True)
class History:
    """A firm's member-contact ties, prepared once for any number of profiles.

    `keys` is in order of each tie's first event, so the ties with history at a cut-off are
    a prefix; `segments[i]` holds each tie's events after cut-off i-1 up to cut-off i.
    """

    keys: list[TieKey]
    segments: list[dict[TieKey, list[TieEvent]]]
    cuts: list[Cut]
    horizon_days: float

    def until(self, end: datetime) -> "History":
        """The cut-offs whose horizon ends by `end`: for fitting, nothing after `end` is read."""
        horizon = timedelta(days=self.horizon_days)
        n = sum(1 for cut in self.cuts if cut.at + horizon <= end)
        return History(self.keys, self.segments[:n], self.cuts[:n], self.horizon_days)


def cutoffs_every(
    first: datetime, last: datetime, every_days: float, horizon_days: float,
    start: datetime | None = None,
) -> list[datetime]:  # fmt: skip
    """Cut-offs `every_days` apart from `start` (default: one step after `first`), the last
    one a full horizon before `last`, so that every label has its whole horizon to look at."""
    if every_days <= 0:
        raise ValueError("every: must be a positive number of days")
    step = timedelta(days=every_days)
    at = aware_utc(start, "start") if start else aware_utc(first, "first") + step
    end = aware_utc(last, "last") - timedelta(days=horizon_days)
    found: list[datetime] = []
    while at <= end:
        found.append(at)
        at += step
    return found


def _segments(
    records: Sequence[InteractionRecord], cutoffs: Sequence[datetime], policy: IngestPolicy
) -> list[dict[TieKey, list[TieEvent]]]:
    """Each stretch between cut-offs (the last one open-ended) folded into member-contact
    ties' events; replies find their parents anywhere in `records`."""
    kinds = person_kinds(records, policy.firm_domain_set)
    parents = {r.external_id: r for r in records}
    times = [r.occurred_at for r in records]
    bounds = [0, *(bisect.bisect_right(times, c) for c in cutoffs), len(records)]
    found = []
    for lo, hi in itertools.pairwise(bounds):
        events = fold_events(records[lo:hi], policy, kinds, parents=parents)
        found.append({k: e for k, e in events.items() if k[0] is TieType.KNOWS})
    return found


def _first_seen(segments: Sequence[dict[TieKey, list[TieEvent]]]) -> list[TieKey]:
    keys: dict[TieKey, None] = {}
    for segment in segments:
        for key in sorted(segment, key=lambda k: min(e.at for e in segment[k])):
            keys.setdefault(key, None)
    return list(keys)


def _tie_days(segments: Sequence[dict[TieKey, list[TieEvent]]]) -> dict[TieKey, Floats]:
    days: dict[TieKey, list[float]] = {}
    for segment in segments:
        for key, events in segment.items():
            days.setdefault(key, []).extend(days_since_epoch(e.at) for e in events)
    return {key: np.sort(np.asarray(d, dtype=np.float64)) for key, d in days.items()}


def _columns(days: Floats, cuts: Floats, horizon: float) -> list[Floats]:
    """One tie's label and baselines at every cut-off (rows: active, then `BASELINES`).
    The decayed count sums 2^(t/h) from a fixed origin, as `scoring.decay` stores sums."""
    upto = np.searchsorted(days, cuts, side="right")
    before_window = np.searchsorted(days, cuts - RECENT_WINDOW_DAYS, side="right")
    after = np.searchsorted(days, cuts + horizon, side="right")
    last = days[np.maximum(upto - 1, 0)]
    grown = np.concatenate(([0.0], np.cumsum(np.exp2(days / DECAYED_COUNT_HALF_LIFE_DAYS))))
    decayed = grown[upto] * np.exp2(-cuts / DECAYED_COUNT_HALF_LIFE_DAYS)
    return [(after > upto).astype(np.float64), (upto - before_window).astype(np.float64),
            last - cuts, upto.astype(np.float64), decayed]  # fmt: skip


def _cuts(
    keys: Sequence[TieKey], days: dict[TieKey, Floats], cutoffs: Sequence[datetime],
    horizon_days: float,
) -> list[Cut]:  # fmt: skip
    at = np.asarray([days_since_epoch(c) for c in cutoffs], dtype=np.float64)
    table = np.empty((len(BASELINES) + 1, len(keys), len(cutoffs)), dtype=np.float64)
    for row, key in enumerate(keys):
        table[:, row, :] = _columns(days[key], at, horizon_days)
    firsts = [float(days[key][0]) for key in keys]
    found = []
    for column, cutoff in enumerate(cutoffs):
        n = bisect.bisect_right(firsts, float(at[column]))
        values = {name: table[i + 1, :n, column].copy() for i, name in enumerate(BASELINES)}
        found.append(Cut(cutoff, n, table[0, :n, column] > 0, values))
    return found


def prepare(
    records: Iterable[InteractionRecord], policy: IngestPolicy, cutoffs: Sequence[datetime],
    horizon_days: float,
) -> History:  # fmt: skip
    """Fold `records` once into what any profile's backtest at `cutoffs` needs. Admin
    touchpoints are flagged by `policy`'s profile, as ingestion and rescore flag them."""
    if horizon_days <= 0:
        raise ValueError("horizon: must be a positive number of days")
    ordered = sorted((policy.with_admin_flag(r) for r in records), key=lambda r: r.occurred_at)
    cutoffs = sorted(aware_utc(c, "cut-off") for c in cutoffs)
    segments = _segments(ordered, cutoffs, policy)
    keys = _first_seen(segments)
    cuts = _cuts(keys, _tie_days(segments), cutoffs, horizon_days)
    return History(keys, segments[: len(cutoffs)], cuts, horizon_days)


def tie_scores(
    history: History, profile: ScoringProfile, on_cut: Callable[[int], None] | None = None
) -> list[Floats]:
    """Every tie's score at every cut-off under `profile` (unrounded, as `breakdown` gives it:
    rounding to the shown decimal would only add ties to the ranking). `on_cut` hears how
    many cut-offs are scored so far."""
    totals = TieTotals()
    found: list[Floats] = []
    for cut, segment in zip(history.cuts, history.segments, strict=True):
        totals.add({key: delta_fields(events, profile) for key, events in segment.items()})
        held = totals.totals()
        # model_construct: the fields are the fold's own, validated once already by the events.
        scores = (breakdown(TieState.model_construct(**held[key]), profile, cut.at).score
                  for key in history.keys[: cut.ties])  # fmt: skip
        found.append(np.fromiter(scores, dtype=np.float64, count=cut.ties))
        if on_cut is not None:
            on_cut(len(found))
    return found


__all__ = [
    "BASELINES",
    "DECAYED_COUNT_HALF_LIFE_DAYS",
    "RECENT_WINDOW_DAYS",
    "Cut",
    "History",
    "cutoffs_every",
    "prepare",
    "tie_scores",
]
