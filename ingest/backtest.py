"""Backtest and tune the tie score on a firm's own history, read from the graph or from files.

The rules are `scoring.backtest` (one pass over the interactions), `scoring.backtest_metrics`
and `scoring.tune`; this module reads the history, runs them, and turns the outcome into JSON
for the CLI, the worker job and docs/score-truth.md. Files go through the admission rule
ingestion applies (`ingest.pipeline.admit_record`), so a backtest from files sees what a
backtest of the same files ingested would.
"""

import asyncio
import gc
import math
import multiprocessing
import os
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from graph.records import INTERACTION_COLUMNS, to_interaction
from graph.repository import GraphRepository
from ingest.pipeline import admit_record, merge_copies
from ingest.results import ParseIssue, Skipped
from ingest.sources import SourceOptions, iter_path
from scoring.backtest import History, cutoffs_every, prepare, tie_scores
from scoring.backtest_metrics import SCORE_BIN, PeriodReport, auc, indexes_between, period_report
from scoring.policy import IngestPolicy
from scoring.profile import ScoringProfile
from scoring.tune import TuneResult, knobs_for, score_auc, tune
from tiegraph.domain import InteractionRecord
from tiegraph.errors import BadInput

PAGE_SIZE = 50_000
# Candidates scored at once while tuning, one per process: each is a whole pass of scoring.
TUNE_PROCESSES = max(1, min(4, os.cpu_count() or 1))
# Starting a process and handing it the history takes seconds; below this many (tie, cut-off)
# samples a profile scores faster than that, so small histories are tuned in this process.
SPAWN_WORTH_SAMPLES = 50_000

# Called with (interactions read, cut-offs scored so far).
Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True)
class Plan:
    """Which cut-offs: `cutoffs` when given, else every `every_days` from `start` (default:
    one step after the first interaction); labels look `horizon_days` ahead. `split` divides
    fitting from evaluation."""

    every_days: float = 90.0
    horizon_days: float = 90.0
    start: datetime | None = None
    cutoffs: tuple[datetime, ...] = ()
    split: datetime | None = None


_ID = INTERACTION_COLUMNS.index("id")


async def graph_records(repo: GraphRepository, progress: Progress) -> list[InteractionRecord]:
    """Every stored interaction, in pages (the rescore's query), as records."""
    records: list[InteractionRecord] = []
    after = ""
    while rows := await repo.interaction_rows(after, PAGE_SIZE):
        records += [to_interaction(dict(zip(INTERACTION_COLUMNS, row, strict=True)))
                    for row in rows]  # fmt: skip
        after = rows[-1][_ID]
        await progress(len(records), 0)
    return records


def file_records(
    paths: Iterable[Path], policy: IngestPolicy, options: SourceOptions | None = None
) -> tuple[list[InteractionRecord], int]:
    """The interactions ingestion would keep from `paths`, and how many items it would not
    (errors and skips; reference rows such as a roster are not counted)."""
    kept: list[InteractionRecord] = []
    dropped = 0
    for path in paths:
        for item in iter_path(path, options):
            if not isinstance(item, InteractionRecord):
                dropped += isinstance(item, ParseIssue | Skipped)
                continue
            admitted = admit_record(item, policy, {})
            if isinstance(admitted, InteractionRecord):
                kept.append(admitted)
            else:
                dropped += 1
    return merge_copies(kept), dropped


def history_of(records: Sequence[InteractionRecord], policy: IngestPolicy, plan: Plan) -> History:
    """The prepared backtest of `records` at the plan's cut-offs."""
    if not records:
        raise BadInput("there are no interactions to backtest", location="history")
    cutoffs = list(plan.cutoffs)
    if not cutoffs:
        times = [r.occurred_at for r in records]
        cutoffs = cutoffs_every(min(times), max(times), plan.every_days, plan.horizon_days,
                                plan.start)  # fmt: skip
    if not cutoffs:
        raise BadInput("the history is shorter than one step and one horizon", location="every")
    return prepare(records, policy, cutoffs, plan.horizon_days)


def default_split(history: History) -> datetime:
    """Fit on the first two thirds of the cut-offs, evaluate on the rest."""
    return history.cuts[max(1, math.ceil(len(history.cuts) * 2 / 3)) - 1].at


def _fit(history: History, split: datetime) -> History:
    """The cut-offs to fit on; BadInput when the split leaves none on either side."""
    fit = history.until(split)
    if not fit.cuts or not indexes_between(history, since=split):
        raise BadInput(f"{split.date()} leaves no cut-off to fit on or none to evaluate on "
                       f"(cut-offs run {history.cuts[0].at.date()} to "
                       f"{history.cuts[-1].at.date()})", location="split")  # fmt: skip
    return fit


@dataclass(frozen=True)
class Backtest:
    """A profile's backtest: every cut-off pooled, each cut-off alone, and, when a split is
    given, the cut-offs from it on (the evaluation period)."""

    profile: ScoringProfile
    overall: PeriodReport
    evaluation: PeriodReport | None
    per_cutoff: list[dict[str, Any]]


def _per_cutoff(history: History, scores: Sequence[Any]) -> list[dict[str, Any]]:
    rows = []
    for cut, score in zip(history.cuts, scores, strict=True):
        aucs = {name: auc(values, cut.active) for name, values in cut.baselines.items()}
        rows.append({"cutoff": cut.at.isoformat(), "ties": cut.ties,
                     "active": int(cut.active.sum()), "auc": {"score": auc(score, cut.active),
                                                              **aucs}})  # fmt: skip
    return rows


def run_backtest(
    history: History, profile: ScoringProfile, split: datetime | None,
    on_cut: Callable[[int], None] | None = None,
) -> Backtest:  # fmt: skip
    """Score every tie at every cut-off under `profile` and report it."""
    scores = tie_scores(history, profile, on_cut)
    overall = period_report(history, scores, profile, range(len(history.cuts)))
    evaluation = None
    if split is not None:
        evaluation = period_report(history, scores, profile, indexes_between(history, split))
    return Backtest(profile, overall, evaluation, _per_cutoff(history, scores))


_HISTORY: History | None = None


def _hold(history: History) -> None:
    global _HISTORY
    gc.disable()  # short-lived objects without cycles, as in the rescore's fold processes
    _HISTORY = history


def _fit_auc(profile: ScoringProfile) -> float:
    if _HISTORY is None:
        raise RuntimeError("the tune process was started without its history")
    return score_auc(_HISTORY, profile)


@dataclass(frozen=True)
class Tuning:
    """A tune: the search's result and both profiles' backtests on the evaluation cut-offs."""

    split: datetime
    result: TuneResult
    current: Backtest
    proposed: Backtest


def run_tune(
    history: History, current: ScoringProfile, split: datetime | None = None, budget: int = 150,
) -> Tuning:  # fmt: skip
    """Fit on the cut-offs whose horizon ends by `split`, report both profiles from it on."""
    split = split or default_split(history)
    fit = _fit(history, split)
    knobs = knobs_for(fit)
    if sum(cut.ties for cut in fit.cuts) < SPAWN_WORTH_SAMPLES or TUNE_PROCESSES == 1:
        result = tune(current, lambda ps: [score_auc(fit, p) for p in ps], knobs, budget=budget)
    else:
        spawn = multiprocessing.get_context("spawn")  # no fork of a process running threads
        with ProcessPoolExecutor(TUNE_PROCESSES, mp_context=spawn, initializer=_hold,
                                 initargs=(fit,)) as pool:  # fmt: skip
            result = tune(current, lambda ps: list(pool.map(_fit_auc, ps)), knobs, budget=budget)
    return Tuning(split, result, run_backtest(history, current, split),
                  run_backtest(history, result.profile, split))  # fmt: skip


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def period_json(report: PeriodReport) -> dict[str, Any]:
    """A period's figures as JSON (NaN, for a period without both outcomes, as null)."""
    rankings = {"score": report.score, **report.baselines}
    calibration = [{"label": c.label.value, "ties": c.ties, "active": c.active,
                    "share_active": _number(c.share)} for c in report.calibration]  # fmt: skip
    return {
        "cutoffs": len(report.cutoffs),
        "first_cutoff": report.cutoffs[0].isoformat() if report.cutoffs else None,
        "last_cutoff": report.cutoffs[-1].isoformat() if report.cutoffs else None,
        "ties": report.ties,
        "active": report.active,
        "auc": {name: _number(r.auc) for name, r in rankings.items()},
        "precision_at_top_10pct": {n: _number(r.precision_at_top) for n, r in rankings.items()},
        "calibration": calibration,
        "score_histogram": {
            "bin": SCORE_BIN,
            "active": report.histogram_active,
            "inactive": report.histogram_inactive,
        },
    }


def backtest_json(backtest: Backtest, horizon_days: float) -> dict[str, Any]:
    """A backtest as JSON: the profile, the pooled periods and every cut-off alone."""
    per_cutoff = [{**row, "auc": {k: _number(v) for k, v in row["auc"].items()}}
                  for row in backtest.per_cutoff]  # fmt: skip
    return {
        "horizon_days": horizon_days,
        "profile": backtest.profile.model_dump(mode="json"),
        "all": period_json(backtest.overall),
        "evaluation": period_json(backtest.evaluation) if backtest.evaluation else None,
        "per_cutoff": per_cutoff,
    }


def tuning_json(tuning: Tuning, horizon_days: float) -> dict[str, Any]:
    """A tune as JSON: the split, the search, and both profiles' backtests."""
    return {
        "split": tuning.split.isoformat(),
        "fit_auc": {
            "current": _number(tuning.result.start_auc),
            "proposed": _number(tuning.result.fit_auc),
        },
        "evaluations": tuning.result.evaluations,
        "current": backtest_json(tuning.current, horizon_days),
        "proposed": backtest_json(tuning.proposed, horizon_days),
    }


# Called with the job's counts so far: read, cutoffs, cutoffs_scored.
CountsProgress = Callable[[dict[str, int]], Awaitable[None]]
PROGRESS_EVERY_SECONDS = 0.5


async def backtest_stored(
    repo: GraphRepository, firm_domains: tuple[str, ...], plan: Plan, progress: CountsProgress
) -> dict[str, Any]:
    """The backtest job: read the stored history, score it under the active profile in a
    thread (the event loop keeps answering), and report counts as it goes."""
    counts = {"read": 0, "cutoffs": 0, "cutoffs_scored": 0}

    async def read(done: int, _: int) -> None:
        counts["read"] = done
        await progress(dict(counts))

    records = await graph_records(repo, read)
    profile = await repo.scoring_profile()
    policy = IngestPolicy(firm_domains=firm_domains, profile=profile)
    history = await asyncio.to_thread(history_of, records, policy, plan)
    counts["cutoffs"] = len(history.cuts)

    def scored(done: int) -> None:
        counts["cutoffs_scored"] = done

    task = asyncio.create_task(asyncio.to_thread(run_backtest, history, profile, plan.split,
                                                 scored))  # fmt: skip
    while not task.done():
        await progress(dict(counts))
        await asyncio.wait([task], timeout=PROGRESS_EVERY_SECONDS)
    return {**counts, "result": backtest_json(task.result(), plan.horizon_days)}
