"""The backtest on a slice of real mail (rlists), checked against a count made here from scratch.

Nothing here is a stored figure: the test works out, from the raw records and with its own
simple rules, which (member, contact) pairs have history at each cut-off, which are active
after it and what each baseline says, then counts the AUC pair by pair, and compares.
"""

import itertools
import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.backtest import Plan, backtest_json, file_records, history_of, run_backtest
from scoring.backtest import History, tie_scores
from scoring.backtest_metrics import average_ranks, precision_at_top
from scoring.decay import days_since_epoch
from scoring.fold import fold_ties
from scoring.formula import breakdown
from scoring.policy import IngestPolicy
from scoring.profile import DEFAULT_PROFILE
from scoring.tie_state import TieState
from scoring.tune import score_auc, tune
from tests.rlists import FIRM, rlists_slice
from tiegraph.domain import InteractionRecord, TieType

POLICY = IngestPolicy(firm_domains=(FIRM,))
# About two years of the lists: a few thousand ties over a dozen cut-offs, seconds to check.
SLICE_MESSAGES = 5_000
PLAN = Plan(every_days=60.0, horizon_days=90.0)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[InteractionRecord]:
    path = rlists_slice(tmp_path_factory.mktemp("rlists"), SLICE_MESSAGES)
    kept, dropped = file_records([path], POLICY)
    assert (len(kept), dropped) == (SLICE_MESSAGES, 0)
    return kept


@pytest.fixture(scope="module")
def history(records: list[InteractionRecord]) -> History:
    return history_of(records, POLICY, PLAN)


def _pairs(records: list[InteractionRecord]) -> dict[tuple[str, str], list[float]]:
    """Every (member, contact) pair that shares a message, with the days they did."""
    times: dict[tuple[str, str], list[float]] = {}
    for record in records:
        emails = sorted({p.email for p in record.participants})
        for x, y in itertools.permutations(emails, 2):
            if x.endswith("@" + FIRM) and not y.endswith("@" + FIRM):
                times.setdefault((x, y), []).append(days_since_epoch(record.occurred_at))
    return times


def _brute_auc(samples: list[tuple[float, bool]]) -> float:
    """Every (active, inactive) pair compared: a win is 1, a tie one half."""
    positives = np.asarray([s for s, active in samples if active])[:, None]
    negatives = np.asarray([s for s, active in samples if not active])[None, :]
    wins = (positives > negatives).sum() + 0.5 * (positives == negatives).sum()
    return float(wins) / (positives.size * negatives.size)


def _truth(
    history: History, records: list[InteractionRecord]
) -> dict[str, list[tuple[float, bool]]]:
    """Per ranking, every (value, active) sample of every cut-off, worked out from scratch."""
    pairs = _pairs(records)
    scores = tie_scores(history, DEFAULT_PROFILE)
    found: dict[str, list[tuple[float, bool]]] = {}
    for cut, cut_scores in zip(history.cuts, scores, strict=True):
        c = days_since_epoch(cut.at)
        scored = dict(zip(history.keys[: cut.ties], cut_scores.tolist(), strict=True))
        seen = {pair: days for pair, days in pairs.items() if min(days) <= c}
        assert set(seen) == {(a, b) for _, a, b in scored}
        for (a, b), days in seen.items():
            active = any(c < t <= c + PLAN.horizon_days for t in days)
            past = [t for t in days if t <= c]
            values = {
                "score": scored[(TieType.KNOWS, a, b)],
                "interactions_90d": sum(t > c - 90 for t in past),
                "days_since_last": max(past) - c,
                "lifetime_count": len(past),
                "decayed_count_90d": sum(2 ** (-(c - t) / 90) for t in past),
            }
            for name, value in values.items():
                found.setdefault(name, []).append((float(value), active))
    return found


def test_reported_aucs_equal_a_pair_by_pair_count(
    history: History, records: list[InteractionRecord]
) -> None:
    backtest = run_backtest(history, DEFAULT_PROFILE, None)
    reported = {"score": backtest.overall.score, **backtest.overall.baselines}
    data = backtest_json(backtest, PLAN.horizon_days)["all"]
    for name, samples in _truth(history, records).items():
        expected = _brute_auc(samples)
        assert reported[name].auc == pytest.approx(expected, abs=1e-6), name
        assert data["auc"][name] == pytest.approx(expected, abs=1e-4), name
        assert 0 < sum(a for _, a in samples) < len(samples)
    assert data["ties"] == sum(len(c.active) for c in history.cuts)


def test_one_pass_scores_equal_a_rebuild_of_each_tie(
    history: History, records: list[InteractionRecord]
) -> None:
    """What `tie(asOf)` does for one tie (fold its interactions up to the moment, score)."""
    cut = history.cuts[len(history.cuts) // 2]
    scores = tie_scores(history, DEFAULT_PROFILE)[len(history.cuts) // 2]
    rng = random.Random(19)
    for index in rng.sample(range(cut.ties), 25):
        key = history.keys[index]
        mine = [r for r in records if r.occurred_at <= cut.at
                and {key[1], key[2]} <= {p.email for p in r.participants}]  # fmt: skip
        parents = {r.external_id: r for r in records}
        state = TieState(**fold_ties(mine, POLICY, parents=parents)[key])
        assert scores[index] == pytest.approx(breakdown(state, DEFAULT_PROFILE, cut.at).score)


def test_calibration_and_distribution_count_every_sample(history: History) -> None:
    report = run_backtest(history, DEFAULT_PROFILE, None).overall
    assert sum(c.ties for c in report.calibration) == report.ties
    assert sum(c.active for c in report.calibration) == report.active
    assert sum(report.histogram_active) == report.active
    assert sum(report.histogram_inactive) == report.ties - report.active


def test_a_fit_history_reads_nothing_after_the_split(history: History) -> None:
    split = history.cuts[len(history.cuts) // 2].at
    fit = history.until(split)
    horizon = timedelta(days=history.horizon_days)
    assert fit.cuts
    assert all(c.at + horizon <= split for c in fit.cuts)
    assert len(fit.segments) == len(fit.cuts)


def test_tuning_never_ends_below_where_it_started(history: History) -> None:
    fit = history.until(history.cuts[-1].at)
    result = tune(DEFAULT_PROFILE, lambda ps: [score_auc(fit, p) for p in ps], budget=6)
    assert result.fit_auc >= result.start_auc
    assert result.fit_auc == pytest.approx(score_auc(fit, result.profile))


def test_precision_at_the_top_takes_ties_at_the_cut_in_proportion() -> None:
    scores = np.asarray([5.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    active = np.asarray([True, True, False, False, False, False, False, False, False, False])
    # Top 20%: the 5 and one of four 1s, a quarter of which are active.
    assert precision_at_top(scores, active, share=0.2) == pytest.approx((1 + 0.25) / 2)


def test_cutoffs_start_where_asked(records: list[InteractionRecord]) -> None:
    start = datetime(2005, 1, 1, tzinfo=UTC)
    history = history_of(records, POLICY, Plan(every_days=30.0, horizon_days=30.0, start=start))
    assert history.cuts[0].at == start
    assert all(b.at - a.at == timedelta(days=30) for a, b in itertools.pairwise(history.cuts))


@given(st.lists(st.integers(min_value=0, max_value=5), max_size=30))
def test_average_ranks_share_the_mean_rank_among_equals(values: list[int]) -> None:
    ranks = average_ranks(np.asarray(values, dtype=np.float64))
    for value, rank in zip(values, ranks.tolist(), strict=True):
        below = sum(v < value for v in values)
        equal = sum(v == value for v in values)
        assert rank == below + (equal + 1) / 2
