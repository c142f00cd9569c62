"""The one ingestion pipeline: parsed items in, atomic batches out, a report of what happened.

Shared by the CLI, the arq worker and the GraphQL mutation.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from neo4j.exceptions import ConstraintError

from graph.repository import GraphRepository
from ingest.batch import prepare_batch
from ingest.results import ParsedItem, ParseIssue, Skipped
from tiegraph.domain import InteractionRecord

# Kept in the report; the count of errors beyond it is still exact.
MAX_REPORTED_ERRORS = 200
# A concurrent job may create some of our ids between our check and our write; the unique
# constraint then rolls our batch back whole, and a fresh check sorts it out.
WRITE_ATTEMPTS = 3


@dataclass
class IngestReport:
    """Counts for one ingestion run, as `GET /jobs/{id}` and the CLI show them."""

    read: int = 0
    ingested: int = 0
    duplicates: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    error_count: int = 0
    errors: list[ParseIssue] = field(default_factory=list)

    def add_error(self, issue: ParseIssue) -> None:
        """Count an error and keep its text while there is room."""
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(issue)


def merge_copies(records: Sequence[InteractionRecord]) -> list[InteractionRecord]:
    """One record per external id; copies of a message seen in several mailboxes pool their
    participants (first role wins)."""
    merged: dict[str, InteractionRecord] = {}
    for record in records:
        first = merged.get(record.external_id)
        if first is None:
            merged[record.external_id] = record
            continue
        known = {p.email for p in first.participants}
        extra = tuple(p for p in record.participants if p.email not in known)
        if extra:
            merged[record.external_id] = first.model_copy(
                update={"participants": first.participants + extra}
            )
    return list(merged.values())


class Ingestor:
    """Writes parsed items to the graph in batches of `batch_size`, one transaction each."""

    def __init__(
        self,
        repo: GraphRepository,
        firm_domains: frozenset[str],
        batch_size: int,
        on_progress: Callable[[IngestReport], None] | None = None,
    ) -> None:
        self._repo = repo
        self._firm_domains = firm_domains
        self._batch_size = batch_size
        self._on_progress = on_progress
        self.report = IngestReport()

    async def run(self, items: Iterable[ParsedItem]) -> IngestReport:
        """Consume every item; returns the report (also kept on `self.report`)."""
        pending: list[InteractionRecord] = []
        for item in items:
            self.report.read += 1
            if isinstance(item, ParseIssue):
                self.report.add_error(item)
            elif isinstance(item, Skipped):
                self.report.skipped[item.reason] += 1
            else:
                pending.append(item)
                if len(pending) >= self._batch_size:
                    await self._flush(pending)
                    pending = []
        if pending:
            await self._flush(pending)
        return self.report

    async def _flush(self, records: list[InteractionRecord]) -> None:
        unique = merge_copies(records)
        self.report.duplicates += len(records) - len(unique)
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            existing = await self._repo.existing_interaction_ids([r.external_id for r in unique])
            fresh = [r for r in unique if r.external_id not in existing]
            try:
                if fresh:
                    await self._repo.write_batch(prepare_batch(fresh, self._firm_domains))
                break
            except ConstraintError:
                if attempt == WRITE_ATTEMPTS:
                    raise
        self.report.duplicates += len(existing)
        self.report.ingested += len(fresh)
        if self._on_progress is not None:
            self._on_progress(self.report)
