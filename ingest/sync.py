"""One sync of one source, its outcome recorded on the source, and which sources are due.

Everything a sync reads goes through the ingestion pipeline (`Ingestor`), so the rules that
apply to files apply to live sources too. A source that fails records its error, backs off
(the interval doubled per failure in a row, up to `MAX_BACKOFF`) and never holds up the
others: each sync is its own worker job. It resumes from its checkpoints.
"""

import logging
import time
from datetime import UTC, datetime, timedelta

from graph.repository import GraphRepository
from graph.sources import get_source, list_sources, record_attempt, record_failure, record_success
from ingest.caldav_sync import sync_caldav
from ingest.imap_sync import BatchHook, SyncReport, sync_imap
from ingest.pipeline import Ingestor
from ingest.secrets import SourceFailure
from tiegraph.settings import Settings
from tiegraph.sources import Source, SourceKind

MAX_BACKOFF = timedelta(hours=1)
log = logging.getLogger("tiegraph.sync")


def backoff(failures: int, interval: timedelta) -> timedelta:
    """How long to wait after `failures` failures in a row."""
    grown: timedelta = interval * 2 ** max(0, failures - 1)
    return min(grown, MAX_BACKOFF)


def is_due(source: Source, now: datetime, interval: timedelta) -> bool:
    """True when the schedule should sync `source` now: not paused, past its backoff, and not
    attempted within the last interval (a little early counts: cron ticks drift)."""
    if source.paused:
        return False
    if source.next_attempt_at is not None and source.next_attempt_at > now:
        return False
    slack = min(interval / 10, timedelta(seconds=5))
    return source.last_attempt_at is None or source.last_attempt_at + interval - slack <= now


async def due_sources(repo: GraphRepository, interval: timedelta) -> list[Source]:
    """The sources the schedule should sync now."""
    now = datetime.now(UTC)
    return [s for s in await list_sources(repo) if is_due(s, now, interval)]


async def _run(
    repo: GraphRepository, settings: Settings, source: Source, report: SyncReport,
    ingestor: Ingestor, on_batch: BatchHook | None,
) -> None:  # fmt: skip
    if source.kind is SourceKind.IMAP:
        await sync_imap(repo, source, ingestor, report, settings.ingest_batch_size, on_batch)
    else:
        await sync_caldav(repo, settings, source, ingestor, report)


async def sync_source(
    repo: GraphRepository, settings: Settings, source_id: str, on_batch: BatchHook | None = None
) -> SyncReport:
    """Sync one source now (paused or not, backoff or not) and record how it went. A failure
    of the source is in the report's `error`; Neo4j's own failures are raised."""
    source = await get_source(repo, source_id)
    started, clock = datetime.now(UTC), time.perf_counter()
    await record_attempt(repo, source.id, started)
    ingestor = Ingestor.for_settings(repo, settings)
    report = SyncReport(source_id=source.id, ingest=ingestor.report)
    try:
        await _run(repo, settings, source, report, ingestor, on_batch)
    except SourceFailure as exc:
        report.error = str(exc)
        wait = backoff(source.failures + 1, timedelta(seconds=settings.sync_interval))
        await record_failure(repo, source.id, report.error, started, started + wait,
                             (report.read, report.written))  # fmt: skip
        log.warning("sync of %s failed: %s (next attempt in %d s)", source.id, report.error,
                    wait.total_seconds())  # fmt: skip
        return report
    await record_success(repo, source.id, datetime.now(UTC), report.read, report.written)
    log.info("sync of %s: %d read, %d written, %d duplicates in %.3f s", source.id, report.read,
             report.written, report.ingest.duplicates, time.perf_counter() - clock)  # fmt: skip
    return report
