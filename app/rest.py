"""REST endpoints for what GraphQL is not good at: file uploads, and job status for scripts."""

import asyncio
import re
import shutil
import uuid
from pathlib import Path
from typing import Annotated

from arq.connections import ArqRedis
from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from pydantic import BaseModel

from app.graphql.types.pages import checked_first
from app.observability import JOBS_ENQUEUED
from graph.firm import firm_domains
from graph.repository import GraphRepository
from ingest.jobs import JobReport, JobSummary, enqueue_ingest, job_history, job_report
from ingest.parsers.detect import detect_source
from tiegraph.errors import BadInput, NotFound
from tiegraph.settings import Settings

router = APIRouter(tags=["ingestion"])
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _queue(request: Request) -> ArqRedis:
    queue: ArqRedis = request.app.state.queue
    return queue


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _repo(request: Request) -> GraphRepository:
    repo: GraphRepository = request.app.state.repo
    return repo


Queue = Annotated[ArqRedis, Depends(_queue)]
Repo = Annotated[GraphRepository, Depends(_repo)]
CurrentSettings = Annotated[Settings, Depends(_settings)]


class UploadedFile(BaseModel):
    """A file accepted for ingestion and the format read from its content."""

    name: str
    format: str


class EnqueuedJob(BaseModel):
    """The answer to an upload: the job to poll."""

    job_id: str
    files: list[UploadedFile]


async def _save(upload: UploadFile, folder: Path, index: int) -> UploadedFile:
    name = upload.filename or f"upload-{index}"
    target = folder / f"{index:03d}-{_UNSAFE.sub('_', Path(name).name)[:100]}"
    with target.open("wb") as out:
        # Streamed (never the whole file in memory), in a thread: a big copy must not stall
        # every other request on the event loop.
        await asyncio.to_thread(shutil.copyfileobj, upload.file, out)
    try:
        return UploadedFile(name=name, format=detect_source(target))
    except ValueError as exc:  # its message names the path on our disk: not for the client
        raise BadInput("cannot tell its format from the content", location=name) from exc


@router.post("/ingest", status_code=202, response_model=EnqueuedJob)
async def upload_for_ingestion(
    queue: Queue, repo: Repo, settings: CurrentSettings,
    files: Annotated[list[UploadFile], File()],
) -> EnqueuedJob:  # fmt: skip
    """Queue files (mbox, .eml, .zip, .ics, CSV, JSON Lines) for the worker to ingest."""
    await firm_domains(repo, settings.firm_domains)  # refused now, not in the job, when unset
    job_id = uuid.uuid4().hex
    folder = settings.data_dir.resolve() / "uploads" / job_id
    folder.mkdir(parents=True)
    try:
        saved = [await _save(f, folder, i) for i, f in enumerate(files)]
        await enqueue_ingest(queue, sorted(str(p) for p in folder.iterdir()), job_id)
    except BaseException:  # refused (bad input, Redis down, cancelled): no job will remove it
        shutil.rmtree(folder, ignore_errors=True)
        raise
    JOBS_ENQUEUED.inc()
    return EnqueuedJob(job_id=job_id, files=saved)


@router.get("/jobs/{job_id}", response_model=JobReport)
async def ingestion_job(queue: Queue, job_id: str) -> JobReport:
    """A job's state (queued, in_progress, complete, failed) and its counts so far."""
    report = await job_report(queue, job_id)
    if report.status == "not_found":
        raise NotFound(f"no job {job_id}")
    return report


class JobHistory(BaseModel):
    """Queued, running and finished jobs, newest first."""

    jobs: list[JobSummary]


@router.get("/jobs", response_model=JobHistory)
async def ingestion_jobs(
    queue: Queue, settings: CurrentSettings, first: Annotated[int, Query()] = 50
) -> JobHistory:
    """Queued, running and finished jobs, newest first, at most `first` (finished ones are kept
    TIEGRAPH_JOB_HISTORY_DAYS)."""
    size = checked_first(first, settings.max_page_size)
    return JobHistory(jobs=await job_history(queue, size))
