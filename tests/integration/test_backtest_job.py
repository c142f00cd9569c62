"""The backtest job: the admin mutation queues it, the worker reads the graph and scores it, and
its figures are those of the same mail backtested from files."""

import asyncio
from pathlib import Path

import httpx

from app.worker import create_worker
from graph.repository import GraphRepository
from ingest.backtest import Plan, backtest_json, file_records, history_of, run_backtest
from ingest.pipeline import Ingestor
from ingest.sources import iter_path
from scoring.policy import IngestPolicy
from scoring.profile import DEFAULT_PROFILE
from tests.integration.apihelp import gql
from tests.integration.conftest import set_firm
from tests.rlists import FIRM, rlists_slice
from tiegraph.settings import Settings

JOB = ("query($id: String!) { ingestJob(id: $id) { status read cutoffs cutoffsScored result "
       "failure } }")  # fmt: skip


async def test_the_backtest_job_scores_the_graph_as_a_backtest_of_the_files(
    tmp_path: Path, settings: Settings, repo: GraphRepository, api: httpx.AsyncClient
) -> None:
    mail = rlists_slice(tmp_path, 600)
    await set_firm(repo, FIRM)
    await Ingestor(repo, (FIRM,), 500).run(iter_path(mail))
    queued = await gql(api, "mutation { runBacktest(everyDays: 20, horizonDays: 30) }")
    job_id = queued["data"]["runBacktest"]
    worker = create_worker(settings.model_copy(update={"firm_domains": [FIRM]}))
    worker.burst, worker.handle_signals = True, False
    await worker.main()
    await worker.close()
    job = (await gql(api, JOB, id=job_id))["data"]["ingestJob"]
    policy = IngestPolicy(firm_domains=(FIRM,))
    records, _ = await asyncio.to_thread(file_records, [mail], policy)
    plan = Plan(every_days=20.0, horizon_days=30.0)
    expected = backtest_json(run_backtest(history_of(records, policy, plan), DEFAULT_PROFILE,
                                          None), plan.horizon_days)  # fmt: skip
    assert (job["status"], job["failure"], job["read"]) == ("COMPLETE", None, len(records))
    assert job["cutoffs"] == job["cutoffsScored"] == len(expected["per_cutoff"]) >= 2
    assert expected["all"]["auc"]["score"] is not None  # both outcomes occur
    assert job["result"]["all"] == expected["all"]


async def test_the_mutation_refuses_a_horizon_of_nothing(api: httpx.AsyncClient) -> None:
    answer = await gql(api, "mutation { runBacktest(horizonDays: 0) }")
    assert answer["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    assert "horizonDays" in answer["errors"][0]["message"]
