"""Interactions sent through the API, and what ingesting them did."""

from datetime import datetime
from typing import Self

import strawberry
from strawberry.scalars import JSON

from app.graphql.types.enums import JobStatus
from ingest.jobs import JobReport, JobSummary
from ingest.pipeline import IngestReport
from tiegraph import domain

strawberry.enum(domain.InteractionKind, description="What kind of event an interaction is.")


@strawberry.input(description="One interaction, as in a JSON Lines file.")
class InteractionInput:
    id: str = strawberry.field(description="A stable external id; re-sending it changes nothing.")
    kind: domain.InteractionKind
    occurred_at: datetime = strawberry.field(description="With a time zone.")
    sender: str = strawberry.field(name="from")
    to: list[str] = strawberry.field(default_factory=list)
    cc: list[str] = strawberry.field(default_factory=list)
    subject: str | None = None
    in_reply_to: str | None = None

    def to_wire(self) -> dict[str, object]:
        """The JSON Lines shape, so the API and files share one validator."""
        return {
            "id": self.id, "kind": self.kind.value, "occurredAt": self.occurred_at,
            "from": self.sender, "to": self.to, "cc": self.cc, "subject": self.subject,
            "inReplyTo": self.in_reply_to,
        }  # fmt: skip


@strawberry.type(description="What an ingestion did.")
class IngestResult:
    received: int
    ingested: int
    duplicates: int

    @classmethod
    def from_domain(cls, report: IngestReport) -> Self:
        return cls(received=report.read, ingested=report.ingested, duplicates=report.duplicates)


@strawberry.type(description="An ingestion job and its counts so far.")
class IngestJob:
    id: str
    status: JobStatus
    read: int
    ingested: int
    duplicates: int
    reference_rows: int
    ties_written: int = strawberry.field(
        description="A rescore job: ties rebuilt so far (it reads every interaction first)."
    )
    cutoffs: int = strawberry.field(description="A backtest job: the cut-offs it scores.")
    cutoffs_scored: int = strawberry.field(description="A backtest job: cut-offs scored so far.")
    result: JSON | None = strawberry.field(
        description="A complete backtest job: its figures (docs/score-truth.md)."
    )
    error_count: int
    errors: list[str] = strawberry.field(description="The first errors, each with its location.")
    skipped: list["SkipCount"]
    failure: str | None

    @classmethod
    def from_domain(cls, report: JobReport) -> Self:
        skipped = [SkipCount(reason=k, count=v) for k, v in sorted(report.skipped.items())]
        return cls(
            id=report.id, status=JobStatus(report.status), read=report.read,
            ingested=report.ingested, duplicates=report.duplicates,
            reference_rows=report.reference_rows,
            ties_written=report.ties_written, cutoffs=report.cutoffs,
            cutoffs_scored=report.cutoffs_scored,
            result=JSON(report.result) if report.result is not None else None,
            error_count=report.error_count,
            errors=report.errors, skipped=skipped,
            failure=report.failure,
        )  # fmt: skip


@strawberry.type(description="How many items were skipped for one reason.")
class SkipCount:
    reason: str
    count: int


@strawberry.type(description="A job in the history (kept TIEGRAPH_JOB_HISTORY_DAYS once finished).")
class JobHistoryEntry:
    id: str
    kind: str = strawberry.field(description="ingest, rescore or backtest.")
    status: JobStatus
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    read: int
    ingested: int
    error_count: int
    failure: str | None

    @classmethod
    def from_domain(cls, job: JobSummary) -> Self:
        return cls(
            id=job.id, kind=job.kind, status=JobStatus(job.status), enqueued_at=job.enqueued_at,
            started_at=job.started_at, finished_at=job.finished_at, read=job.read,
            ingested=job.ingested, error_count=job.error_count, failure=job.failure,
        )  # fmt: skip
