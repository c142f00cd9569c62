"""Sync a CalDAV calendar (placeholder until written)."""

from graph.repository import GraphRepository
from ingest.imap_sync import SyncReport
from ingest.pipeline import Ingestor
from tiegraph.settings import Settings
from tiegraph.sources import Source


async def sync_caldav(
    repo: GraphRepository, settings: Settings, source: Source, ingestor: Ingestor,
    report: SyncReport,
) -> None:  # fmt: skip
    raise NotImplementedError
