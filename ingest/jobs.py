"""Ingestion jobs on arq: enqueue, report progress while running, and read their status."""

import json
import re
from datetime import datetime
from typing import Any, Literal

from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix
from arq.jobs import Job, JobStatus
from pydantic import BaseModel, Field

from ingest.imap_sync import SyncReport
from ingest.pipeline import IngestReport

INGEST_FUNCTION = "ingest_paths"
RESCORE_FUNCTION = "rescore_ties"
BACKTEST_FUNCTION = "backtest_ties"
SYNC_FUNCTION = "sync_source_job"
PROGRESS_TTL_SECONDS = 7 * 24 * 3600
KINDS = {
    INGEST_FUNCTION: "ingest",
    RESCORE_FUNCTION: "rescore",
    BACKTEST_FUNCTION: "backtest",
    SYNC_FUNCTION: "sync",
}

State = Literal["queued", "in_progress", "complete", "failed", "not_found"]


def _dumps(value: Any) -> bytes:
    # A failed job's exception is kept as its message.
    return json.dumps(value, default=str).encode()


def _loads(data: bytes) -> Any:
    return json.loads(data)


# Jobs are data only (JSON: their arguments are paths and ids, their results counts), never
# pickle: a job anyone planted in Redis could otherwise run code in the worker as it is read.
# Every queue connection, the worker and every job read use these.
SERIALIZERS: dict[str, Any] = {"job_serializer": _dumps, "job_deserializer": _loads}


def progress_key(job_id: str) -> str:
    """The Redis key a running job keeps its latest counts under."""
    return f"tiegraph:job-progress:{job_id}"


class JobReport(BaseModel):
    """A job's state and counts: what `GET /jobs/{id}` and `ingestJob` return."""

    id: str
    status: State
    read: int = 0
    ingested: int = 0
    duplicates: int = 0
    reference_rows: int = 0
    # A rescore reads every interaction first (`read`), then writes each tie once.
    ties_written: int = 0
    # A backtest reads every interaction (`read`), then scores each cut-off in turn.
    cutoffs: int = 0
    cutoffs_scored: int = 0
    result: dict[str, Any] | None = None
    skipped: dict[str, int] = Field(default_factory=dict)
    error_count: int = 0
    errors: list[str] = Field(default_factory=list)
    failure: str | None = None


def report_as_dict(report: IngestReport) -> dict[str, Any]:
    """The JSON-friendly counts of a report, as jobs store them in Redis."""
    return {
        "read": report.read,
        "ingested": report.ingested,
        "duplicates": report.duplicates,
        "reference_rows": report.reference_rows,
        "skipped": dict(report.skipped),
        "error_count": report.error_count,
        "errors": [str(e) for e in report.errors],
    }


async def save_counts(
    redis: ArqRedis, job_id: str, keep_seconds: int, counts: dict[str, Any]
) -> None:
    """Store a running job's counts so status requests see them move; kept as long as the
    job's result (`TIEGRAPH_JOB_HISTORY_DAYS`)."""
    await redis.set(progress_key(job_id), json.dumps(counts), ex=keep_seconds)


async def save_progress(
    redis: ArqRedis, job_id: str, keep_seconds: int, report: IngestReport
) -> None:
    """Store a running ingestion's report as its progress."""
    await save_counts(redis, job_id, keep_seconds, report_as_dict(report))


async def enqueue_ingest(redis: ArqRedis, paths: list[str], job_id: str | None = None) -> str:
    """Queue an ingestion of files the worker can read; returns the job id."""
    job = await redis.enqueue_job(INGEST_FUNCTION, paths, _job_id=job_id)
    if job is None:  # arq refuses a job id that is queued or kept already
        raise ValueError(f"job {job_id} exists already")
    return job.job_id


async def enqueue_rescore(redis: ArqRedis, rescore_id: str) -> str:
    """Queue the owed rescore `rescore_id` (a rebuild of every tie under the active profile);
    returns the job id. Its job id is derived from `rescore_id`, so queueing it again while it
    is queued, running or just done adds nothing."""
    job_id = f"rescore-{rescore_id}"
    await redis.enqueue_job(RESCORE_FUNCTION, rescore_id, _job_id=job_id)
    return job_id


async def enqueue_backtest(
    redis: ArqRedis, every_days: float, horizon_days: float, split: datetime | None
) -> str:
    """Queue a backtest of the stored history under the active profile; returns the job id."""
    job = await redis.enqueue_job(BACKTEST_FUNCTION, every_days, horizon_days,
                                  split.isoformat() if split else None)  # fmt: skip
    if job is None:
        raise ValueError("arq refused the backtest job")
    return job.job_id


async def enqueue_sync(redis: ArqRedis, source_id: str, job_id: str | None = None) -> str | None:
    """Queue a sync of one source; returns the job id, or None when a job of that id (a
    scheduled sync of the same source and tick) is queued or kept already."""
    job = await redis.enqueue_job(SYNC_FUNCTION, source_id, _job_id=job_id)
    return None if job is None else job.job_id


def sync_result(report: SyncReport) -> dict[str, Any]:
    """A sync job's result: the ingestion counts, with `read` the messages or calendar
    objects read from the server, and the sync's own figures in `result`."""
    summary = {
        "source": report.source_id, "fetched": report.fetched, "resynced": report.resynced,
        "changed": report.changed, "error": report.error, "skipped": report.skipped,
    }  # fmt: skip
    return {**report_as_dict(report.ingest), "read": report.read, "result": summary}


async def job_report(redis: ArqRedis, job_id: str) -> JobReport:
    """The state of a job and its latest counts."""
    job = Job(job_id, redis, _deserializer=_loads)
    status = await job.status()
    if status is JobStatus.complete:
        info = await job.result_info()
        if info is not None and info.success:
            return JobReport(id=job_id, status="complete", **info.result)
        failure = _failure(str(info.result)) if info is not None else "unknown"
        return JobReport(
            id=job_id, status="failed", failure=failure, **await _progress(redis, job_id)
        )
    states: dict[JobStatus, State] = {
        JobStatus.not_found: "not_found",
        JobStatus.in_progress: "in_progress",
    }
    state = states.get(status, "queued")
    return JobReport(id=job_id, status=state, **await _progress(redis, job_id))


def _failure(message: str) -> str:
    """arq's "max N retries exceeded" said as what happened to the job."""
    tries = re.fullmatch(r"max (\d+) retries exceeded", message)
    if tries is None:
        return message
    return (f"started {tries[1]} times without finishing (its worker stopped each time: "
            "killed, or out of memory?); not tried again")  # fmt: skip


async def _progress(redis: ArqRedis, job_id: str) -> dict[str, Any]:
    raw = await redis.get(progress_key(job_id))
    return dict(json.loads(raw)) if raw else {}


class JobSummary(BaseModel):
    """One line of the job history (`GET /jobs`, `jobs`): never a job's arguments (paths on
    the server's disk)."""

    id: str
    kind: str  # ingest, rescore, backtest, sync
    status: State
    enqueued_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    read: int = 0
    ingested: int = 0
    error_count: int = 0
    failure: str | None = None


async def job_history(redis: ArqRedis, limit: int) -> list[JobSummary]:
    """Queued, running and finished jobs (finished ones are kept `TIEGRAPH_JOB_HISTORY_DAYS`),
    newest first, at most `limit`."""
    jobs: list[JobSummary] = []
    for queued in await redis.queued_jobs():
        if queued.job_id is None or queued.function not in KINDS:
            continue
        running = await redis.exists(in_progress_key_prefix + queued.job_id)
        jobs.append(JobSummary(id=queued.job_id, kind=KINDS[queued.function],
                               status="in_progress" if running else "queued",
                               enqueued_at=queued.enqueue_time,
                               **_counts(await _progress(redis, queued.job_id))))  # fmt: skip
    for done in await redis.all_job_results():
        if done.job_id is None or done.function not in KINDS:
            continue
        counts = done.result if done.success else await _progress(redis, done.job_id)
        jobs.append(JobSummary(
            id=done.job_id, kind=KINDS[done.function],
            status="complete" if done.success else "failed", enqueued_at=done.enqueue_time,
            started_at=done.start_time, finished_at=done.finish_time,
            failure=None if done.success else _failure(str(done.result)),
            **_counts(counts if isinstance(counts, dict) else {}),
        ))  # fmt: skip
    jobs.sort(key=lambda job: job.enqueued_at, reverse=True)
    return jobs[:limit]


def _counts(counts: dict[str, Any]) -> dict[str, int]:
    return {key: int(counts.get(key) or 0) for key in ("read", "ingested", "error_count")}
