"""Backtest benchmark: the whole of a history, cut every 90 days, from files or synthetic.

    .venv/bin/python -m bench.backtest --rlists ../shared/data/rlists/mail.mbox.gz
    .venv/bin/python -m bench.backtest --synthetic 1000000

Times each stage of what `tiegraph backtest --from` does (read, fold, score, report) with the
default profile; no database is involved. `--synthetic N` uses the rescore benchmark's
deterministic firm (500 members, 100,000 contacts, two years). Figures: docs/score-truth.md.
"""

import argparse
import gzip
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench.rescore import FIRM, synthetic
from ingest.backtest import Plan, backtest_json, file_records, history_of, run_backtest
from scoring.policy import IngestPolicy
from scoring.profile import DEFAULT_PROFILE
from tiegraph.domain import InteractionRecord

T = TypeVar("T")


def timed(stage: str, work: Callable[[], T]) -> T:
    """Run `work`, print how long it took (wall and CPU of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    print(f"{stage:>8}: {time.perf_counter() - wall:6.1f} s wall, "
          f"{time.process_time() - cpu:6.1f} s CPU")  # fmt: skip
    return result


def rlists_records(source: Path, policy: IngestPolicy) -> list[InteractionRecord]:
    """The interactions of an rlists mbox (gzipped or not), read as `tiegraph ingest` would."""
    with tempfile.TemporaryDirectory() as work:
        path = source
        if source.suffix == ".gz":
            path = Path(work) / "mail.mbox"
            with gzip.open(source, "rb") as packed, path.open("wb") as out:
                shutil.copyfileobj(packed, out)
        return file_records([path], policy)[0]


def main() -> None:
    """Read, fold, score and report one history; print the stage times and the AUCs."""
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--rlists", type=Path, help="the rlists mbox (or mbox.gz)")
    args.add_argument("--synthetic", type=int, help="this many synthetic interactions")
    options = args.parse_args()
    firm = "rhelpers.example" if options.rlists else FIRM
    policy = IngestPolicy(firm_domains=(firm,))
    started = time.perf_counter()
    if options.rlists:
        records = timed("read", lambda: rlists_records(options.rlists, policy))
    else:
        records = timed("generate", lambda: list(synthetic(options.synthetic or 100_000)))
    plan = Plan(every_days=90.0, horizon_days=90.0)
    history = timed("fold", lambda: history_of(records, policy, plan))
    backtest = timed("score", lambda: run_backtest(history, DEFAULT_PROFILE, None))
    data = timed("report", lambda: backtest_json(backtest, plan.horizon_days))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(records):,} interactions, {len(history.cuts)} cut-offs, "
          f"{data['all']['ties']:,} (tie, cut-off) samples, "
          f"{time.perf_counter() - started:.1f} s in all, peak {peak:,.0f} MB")  # fmt: skip
    print("AUC:", data["all"]["auc"])


if __name__ == "__main__":
    main()
