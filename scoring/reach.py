"""An upper bound of a tie's score that Cypher can evaluate, to read fewer ties. Pure.

Reads that only care about ties at or above a label (single threads, departures, the attention
feed) drop, in Cypher, the stored ties whose score at the read time cannot reach it
(`ReachBound`, `reach_bound`); only the rest are read and scored with `scoring.formula`.

Every tie also stores the bound at its own last touch (`touch_reach`, the property `reach`),
written with its state, so that the team-wide attention reads seek the few ties that could
ever have been Good on an index instead of evaluating the bound on every tie.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from scoring.decay import EPOCH as DECAY_EPOCH
from scoring.decay import aware_utc, decayed_weight_at
from scoring.formula import NORMALISING_DAYS
from scoring.profile import ScoringProfile
from scoring.strength import TieLabel

_LN2 = math.log(2.0)
_SECONDS_PER_DAY = 86_400.0

# Subtracted from a label's threshold in `reach_bound`: covers rounding scores to one decimal
# before labelling (0.05) and float differences between Cypher's and Python's arithmetic.
REACH_MARGIN = 0.1
_DAY_MS = _SECONDS_PER_DAY * 1000
# A stored `touch_reach` is compared with `ReachBound.min_score` less this (`seek_score`): it
# covers the float differences between the value written (in Python or in Cypher) and the same
# formula evaluated by a read, which then applies the bound exactly.
TOUCH_SLACK = 1e-6


@dataclass(frozen=True)
class TouchRule:
    """A profile's numbers for `touch_reach`: the bound of a tie's score at its last touch."""

    fast_norm: float
    slow_norm: float
    fast_ms: float
    slow_ms: float
    epoch_ms: int
    saturation: float
    floor: float
    recency_ms: float


def touch_rule(profile: ScoringProfile) -> TouchRule:
    """The numbers of `touch_reach` for `profile` (also the `$rule` of the tie writes)."""
    return TouchRule(
        fast_norm=_LN2 / profile.fast_half_life_days * NORMALISING_DAYS,
        slow_norm=_LN2 / profile.slow_half_life_days * NORMALISING_DAYS,
        fast_ms=profile.fast_half_life_days * _DAY_MS,
        slow_ms=profile.slow_half_life_days * _DAY_MS,
        epoch_ms=int(DECAY_EPOCH.timestamp() * 1000),
        saturation=profile.saturation,
        floor=profile.freshness_floor,
        recency_ms=profile.recency_half_life_days * _DAY_MS,
    )


def touch_reach(
    weight_fast: float, weight_slow: float, last_ms: int, last_two_way_ms: int | None,
    rule: TouchRule,
) -> float:  # fmt: skip
    """An upper bound of the tie's score at any moment from its last touch on (`last_ms`,
    epoch milliseconds): `ReachBound`'s bound at the last touch, with the freshness floor alone
    when there was no two-way exchange. It only falls as the scoring moment moves on, so a tie
    whose stored value is below a label's `min_score` could not reach the label at its last
    touch nor since. The tie writes in `cypher/ingest/merge_ties` and
    `cypher/rescore/replace_ties` (and the upgrade `cypher/migrate/tie_reach`) evaluate this
    same formula in Cypher, on the state they have just stored."""
    since_epoch = last_ms - rule.epoch_ms
    effective = weight_fast * rule.fast_norm * 2.0 ** (-since_epoch / rule.fast_ms) + (
        weight_slow * rule.slow_norm * 2.0 ** (-since_epoch / rule.slow_ms)
    )
    fresh = rule.floor
    if last_two_way_ms is not None:
        ago = last_ms - last_two_way_ms
        fresh = rule.floor + (1.0 - rule.floor) * 2.0 ** (-ago / rule.recency_ms)
    return 100.0 * (1.0 - math.exp(-effective / rule.saturation)) * fresh


@dataclass(frozen=True)
class ReachBound:
    """Numbers for a pre-filter (in Cypher) that keeps every stored tie whose score at `as_of`
    could reach a label, so that only those need reading and scoring.

    For a tie with stored sums `weight_fast`, `weight_slow` and last two-way exchange at
    `last_two_way_ms` (epoch milliseconds), the filter keeps it when

        100 · (1 − exp(−(weight_fast · fast_factor + weight_slow · slow_factor) / saturation))
            · (floor + (1 − floor) · 2^(−max(at_ms − last_two_way_ms, 0) / recency_ms))
        ≥ min_score

    with `floor` alone as the second factor when there was no two-way exchange. This is an
    upper bound of `breakdown(...).score`: the decayed sums and the freshness only fall as the
    scoring moment moves past `as_of` (it is `max(as_of, last_at)`), the history factor gamma
    and the decline factor are at most 1, and the base grows with the effective weight. So a
    tie the filter drops cannot reach the label; `min_score` is the label's lowest threshold
    less `REACH_MARGIN`.

    For the score at an earlier moment of each tie's own (its last two-way exchange), the
    scoring moment is the tie's last touch `last_at` (epoch milliseconds `L_ms`): the factors
    are `fast_norm · 2^(−(L_ms − epoch_ms) / fast_ms)` (the same for slow) and the freshness is
    `floor + (1 − floor) · 2^(−(L_ms − last_two_way_ms) / recency_ms)`, both exact there; only
    gamma and the decline factor are left at 1. (Taking the sums at the two-way exchange
    instead is also a bound, but a far looser one: it keeps many times more ties than can
    pass; docs/benchmarks.md has the figures.)
    """

    min_score: float
    fast_factor: float
    slow_factor: float
    saturation: float
    at_ms: int
    recency_ms: float
    floor: float
    fast_norm: float
    slow_norm: float
    fast_ms: float
    slow_ms: float
    epoch_ms: int

    @property
    def seek_score(self) -> float:
        """The lowest stored `touch_reach` of a tie the bound may keep (`TOUCH_SLACK`)."""
        return self.min_score - TOUCH_SLACK


def _reach_factor(at: datetime, half_life_days: float) -> float:
    return decayed_weight_at(1.0, at, half_life_days) * _LN2 / half_life_days * NORMALISING_DAYS


def reach_bound(profile: ScoringProfile, as_of: datetime, floor: TieLabel) -> ReachBound | None:
    """The pre-filter for ties that could be `floor` or better at `as_of` (`ReachBound`); None
    when every score would be (the lowest band is already at least `floor`)."""
    rank = {label: r for r, label in enumerate(reversed(TieLabel))}
    reaching = [b.min_score for b in profile.bands if rank[b.label] >= rank[floor]]
    lowest = min(b.min_score for b in profile.bands)
    if not reaching or min(reaching) <= lowest:
        return None
    at = aware_utc(as_of, "as_of")
    rule = touch_rule(profile)
    return ReachBound(
        min_score=min(reaching) - REACH_MARGIN,
        fast_factor=_reach_factor(at, profile.fast_half_life_days),
        slow_factor=_reach_factor(at, profile.slow_half_life_days),
        saturation=rule.saturation,
        at_ms=int(at.timestamp() * 1000),
        recency_ms=rule.recency_ms,
        floor=rule.floor,
        fast_norm=rule.fast_norm,
        slow_norm=rule.slow_norm,
        fast_ms=rule.fast_ms,
        slow_ms=rule.slow_ms,
        epoch_ms=rule.epoch_ms,
    )


__all__ = [
    "REACH_MARGIN", "TOUCH_SLACK", "ReachBound", "TouchRule", "reach_bound", "touch_reach",
    "touch_rule",
]  # fmt: skip
