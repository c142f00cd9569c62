"""One sync of one source, its outcome recorded on the source, and which sources are due.

Everything a sync reads goes through the ingestion pipeline (`Ingestor`), so the rules that
apply to files apply to live sources too. A source that fails records its error, backs off
(the interval doubled per failure in a row, up to `MAX_BACKOFF`) and never holds up the
others: each sync is its own worker job. It resumes from its checkpoints.
"""

import logging
import time
from contextlib import suppress
from datetime import UTC, datetime, timedelta

from graph.repository import GraphRepository
from graph.sources import (
    Checkpoint,
    LeaseLost,
    SyncLease,
    claim_sync,
    list_sources,
    record_failure,
    record_success,
    release_sync,
)
from ingest.caldav_sync import sync_caldav
from ingest.imap_sync import BatchHook, SyncReport, sync_imap
from ingest.pipeline import Ingestor, IngestReport
from ingest.secrets import SourceFailure
from tiegraph.settings import Settings
from tiegraph.sources import Source, SourceKind

MAX_BACKOFF = timedelta(hours=1)
SYNC_RUNNING = "a sync of it is running"
SYNC_TAKEN_OVER = "its lease ran out and another sync took the source over"
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
    repo: GraphRepository, settings: Settings, lease: SyncLease,
    claimed: tuple[Source, dict[str, Checkpoint]], report: SyncReport,
    on_batch: BatchHook | None,
) -> None:  # fmt: skip
    source, saved = claimed
    ingestor = Ingestor.for_settings(repo, settings)
    report.ingest = ingestor.report
    if source.kind is SourceKind.IMAP:
        size = settings.ingest_batch_size
        await sync_imap(repo, lease, source, saved, ingestor, report, size, on_batch)
    else:
        await sync_caldav(repo, settings, lease, source, saved, ingestor, report)


async def sync_source(
    repo: GraphRepository, settings: Settings, source_id: str, on_batch: BatchHook | None = None
) -> SyncReport:
    """Sync one source now (paused or not, backoff or not) and record how it went. A failure
    of the source is in the report's `error`; Neo4j's own failures are raised. While another
    sync of it runs (`claim_sync`), nothing is done and the report says so in `skipped`."""
    started, clock = datetime.now(UTC), time.perf_counter()
    lease = SyncLease.new(source_id, timedelta(seconds=settings.job_timeout_seconds))
    claimed = await claim_sync(repo, lease, started)
    report = SyncReport(source_id=source_id, ingest=IngestReport())
    if claimed is None:
        report.skipped = SYNC_RUNNING
        return report
    source = claimed[0]
    try:
        await _run(repo, settings, lease, claimed, report, on_batch)
    except SourceFailure as exc:
        report.error = str(exc)
        wait = backoff(source.failures + 1, timedelta(seconds=settings.sync_interval))
        await record_failure(repo, source.id, report.error, started, started + wait,
                             (report.read, report.written), lease.holder)  # fmt: skip
        log.warning("sync of %s failed: %s (next attempt in %d s)", source.id, report.error,
                    wait.total_seconds())  # fmt: skip
        return report
    except LeaseLost:
        # What it wrote stays (the other sync finds it stored); the outcome is the other's.
        report.skipped = SYNC_TAKEN_OVER
        log.warning("sync of %s stopped: %s", source.id, SYNC_TAKEN_OVER)
        return report
    except BaseException:
        with suppress(Exception):  # else the lease runs out on its own
            await release_sync(repo, lease)
        raise
    counts = (report.read, report.written)
    await record_success(repo, source.id, started, datetime.now(UTC), counts, lease.holder)
    log.info("sync of %s: %d read, %d written, %d duplicates in %.3f s", source.id, report.read,
             report.written, report.ingest.duplicates, time.perf_counter() - clock)  # fmt: skip
    return report
