"""Fit a scoring profile to a firm's own history: a small coordinate search. Pure.

The objective is the score's AUC over a backtest's cut-offs (`scoring.backtest`); the caller
hands in only the cut-offs it fits on (`History.until`), so the period it evaluates on is
never read. The search moves one knob at a time by a factor (or a step, for shares), keeps
a move when the AUC rises, and narrows the steps when a full round finds nothing. Every
candidate is a validated `ScoringProfile`: one the profile refuses (a slow memory faster
than the fast one, say) is never scored.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import ValidationError

from scoring.backtest import History, tie_scores
from scoring.backtest_metrics import auc
from scoring.profile import MIN_HALF_LIFE_DAYS, ScoringProfile
from tiegraph.domain import InteractionKind


@dataclass(frozen=True)
class Knob:
    """One tunable number, its range, and how the search moves it (by a factor when
    `ratio`, by an added step otherwise). `kind` names a channel weight's kind."""

    name: str
    low: float
    high: float
    ratio: bool = True
    kind: InteractionKind | None = None

    def read(self, profile: ScoringProfile) -> float:
        """The knob's value in `profile`."""
        if self.kind is not None:
            return profile.channel_weight(self.kind)
        return float(getattr(profile, self.name))

    def moved(self, value: float, step: float, up: bool) -> float:
        """`value` moved one step, kept within the range."""
        if self.ratio:
            value = value * step if up else value / step
        else:
            value = value + step if up else value - step
        return min(max(value, self.low), self.high)


# Ranges wide enough to matter, narrow enough that every profile in them keeps the formula's
# invariants (tests/unit/scoring/test_properties.py draws tuned profiles from here).
SEARCH_SPACE: tuple[Knob, ...] = (
    Knob("fast_half_life_days", MIN_HALF_LIFE_DAYS, 365.0),
    Knob("slow_half_life_days", MIN_HALF_LIFE_DAYS, 3_000.0),
    Knob("recency_half_life_days", 7.0, 720.0),
    Knob("saturation", 1.0, 200.0),
    Knob("freshness_floor", 0.05, 0.9, ratio=False),
    Knob("history_half_span_days", 15.0, 1_500.0),
    *(Knob(f"channel_weights.{k.value}", 0.1, 10.0, kind=k) for k in InteractionKind),
)
FIRST_RATIO, FIRST_STEP = 2.0, 0.2
# A move must gain at least this much AUC: smaller gains are noise on a firm's history.
MIN_GAIN = 1e-4


def knobs_for(history: History, knobs: Sequence[Knob] = SEARCH_SPACE) -> list[Knob]:
    """The knobs that can change a ranking on `history`: channel weights only when it holds
    two kinds or more (one kind's weight only rescales every tie, as saturation does)."""
    kinds = {e.kind for segment in history.segments for events in segment.values()
             for e in events}  # fmt: skip
    return [k for k in knobs if k.kind is None or (len(kinds) > 1 and k.kind in kinds)]


def with_knob(profile: ScoringProfile, knob: Knob, value: float) -> ScoringProfile:
    """`profile` with one knob set (ValidationError when the profile refuses the value)."""
    if knob.kind is not None:
        weights = {**profile.channel_weights, knob.kind: value}
        return profile.with_changes(channel_weights=weights)
    return profile.with_changes(**{knob.name: value})


def score_auc(history: History, profile: ScoringProfile) -> float:
    """The score's AUC over every cut-off of `history`, pooled."""
    scores = np.concatenate(tie_scores(history, profile))
    active = np.concatenate([cut.active for cut in history.cuts])
    return auc(scores, active)


# Scores several candidates at once (the caller may use processes); returns their AUCs.
Evaluate = Callable[[Sequence[ScoringProfile]], list[float]]


@dataclass(frozen=True)
class TuneResult:
    """The fitted profile, the AUC it and the starting profile reach on the fit cut-offs,
    and how many profiles were scored."""

    profile: ScoringProfile
    fit_auc: float
    start_auc: float
    evaluations: int


def _candidates(profile: ScoringProfile, knob: Knob, step: float) -> list[ScoringProfile]:
    here = knob.read(profile)
    found = []
    for up in (True, False):
        value = knob.moved(here, step, up)
        if math.isclose(value, here):
            continue
        try:
            found.append(with_knob(profile, knob, value))
        except ValidationError:
            continue
    return found


def tune(
    start: ScoringProfile, evaluate: Evaluate, knobs: Sequence[Knob] = SEARCH_SPACE,
    rounds: int = 4, budget: int = 150,
) -> TuneResult:  # fmt: skip
    """Coordinate search from `start`: `rounds` narrowing steps, each repeated while it helps,
    until about `budget` profiles have been scored."""
    best, best_auc = start, evaluate([start])[0]
    start_auc, evaluations = best_auc, 1
    ratio, step = FIRST_RATIO, FIRST_STEP
    for _ in range(rounds):
        improved = True
        while improved:
            improved = False
            for knob in knobs:
                if evaluations >= budget:
                    return TuneResult(best, best_auc, start_auc, evaluations)
                tried = _candidates(best, knob, ratio if knob.ratio else step)
                if not tried:
                    continue
                aucs = evaluate(tried)
                evaluations += len(tried)
                top = max(range(len(tried)), key=lambda i: aucs[i])
                if aucs[top] > best_auc + MIN_GAIN:
                    best, best_auc, improved = tried[top], aucs[top], True
        ratio, step = math.sqrt(ratio), step / 2.0
    return TuneResult(best, best_auc, start_auc, evaluations)


__all__ = [
    "SEARCH_SPACE",
    "Evaluate",
    "Knob",
    "TuneResult",
    "knobs_for",
    "score_auc",
    "tune",
    "with_knob",
]
