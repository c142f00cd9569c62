"""Sync a CalDAV account or calendar (the `caldav` package), changes included.

Per calendar the checkpoint keeps the RFC 6578 sync token and, per object (href), its ETag,
its event UID and when its next occurrence is due. The server says what changed since the
token; a server without sync-collection, or one that forgot the token, lists everything and
the ETags tell what changed (the `caldav` package falls back by itself; a full listing also
tells deletions by absence). A changed or deleted event's stored occurrences are retracted
(`ingest/revise.py`: ties rebuilt) and its current form ingested through the pipeline.

Only occurrences that have begun are ingested, as from files; an event whose next occurrence
has not, is read again once it is due, changed or not.
"""

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from caldav.davclient import DAVClient
from caldav.elements import dav
from caldav.lib import error as caldav_error
from requests.exceptions import RequestException

from graph.firm import firm_domains
from graph.repository import GraphRepository
from graph.sources import Checkpoint, SyncLease, save_checkpoint
from ingest.imap_sync import SyncReport
from ingest.parsers.calendar import iter_ics_bytes
from ingest.pipeline import Ingestor
from ingest.results import ParsedItem, owned_by
from ingest.revise import retract
from ingest.secrets import SourceFailure, resolve_secret, scrub
from ingest.sources import CALENDAR_HISTORY
from tiegraph.domain import InteractionRecord
from tiegraph.settings import Settings
from tiegraph.sources import Source

TIMEOUT_SECONDS = 30
# How far ahead an event's next occurrence is looked for, to know when to read it again.
LOOKAHEAD = timedelta(days=400)
_FAILURES = (caldav_error.DAVError, RequestException, OSError)


@dataclass
class Fetched:
    """One calendar's changes since its checkpoint: objects (href, ETag, iCalendar data) and
    hrefs deleted, with the new sync token."""

    key: str
    token: str | None
    objects: list[tuple[str, str, bytes]] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)


def _client(source: Source, secret: str) -> DAVClient:
    url = source.url or ""
    return DAVClient(url=url, username=source.user, password=secret,
                            timeout=TIMEOUT_SECONDS, enable_rfc6764=False,
                            require_tls=url.lower().startswith("https:"))  # fmt: skip


def _calendars(client: DAVClient, url: str) -> list[Any]:
    """The calendars under `url`: the one it names, or every one of the account it names."""
    principal = client.principal()  # type: ignore[no-untyped-call]
    found = [c for c in principal.calendars() if str(c.url).startswith(url)]
    return found or [client.calendar(url=url)]  # type: ignore[no-untyped-call]


def _etag(obj: Any) -> str:
    # A server that gives no ETag: the content's digest stands in (stable across processes).
    etag = str(obj.props.get(dav.GetEtag.tag, ""))
    return etag or "sha256:" + hashlib.sha256(str(obj.data).encode()).hexdigest()


def _changes(calendar: Any, saved: Checkpoint, now_ms: int) -> Fetched:
    """What changed in `calendar` since `saved`, objects loaded."""
    known: dict[str, Any] = saved.get("objects", {})
    result = calendar.get_objects_by_sync_token(saved.get("token"), load_objects=True)
    token = str(result.sync_token) if result.sync_token else None
    full = not saved.get("token") or (token or "").startswith("fake-")
    fetched = Fetched(key=str(calendar.url), token=token)
    fetched.deleted = {str(u) for u in result.deleted_urls} & known.keys()
    listed = set()
    for obj in result:
        href = str(obj.url.canonical())
        listed.add(href)
        if href in fetched.deleted or obj.data is None:
            continue
        etag = _etag(obj)
        if known.get(href, {}).get("etag") != etag or _due(known.get(href), now_ms):
            fetched.objects.append((href, etag, obj.data.encode()))
    if full:
        fetched.deleted |= known.keys() - listed
    for href, entry in known.items():  # not changed, but an occurrence has come due
        if href not in listed and href not in fetched.deleted and _due(entry, now_ms):
            obj = calendar.event_by_url(href)
            obj.load()
            fetched.objects.append((href, entry["etag"], obj.data.encode()))
    return fetched


def _due(entry: dict[str, Any] | None, now_ms: int) -> bool:
    return entry is not None and entry.get("due_ms") is not None and entry["due_ms"] <= now_ms


def fetch_all(source: Source, secret: str, saved: dict[str, Checkpoint]) -> list[Fetched]:
    """Every calendar's changes (blocking: run in a thread); SourceFailure on any failure."""
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    try:
        with _client(source, secret) as client:
            calendars = _calendars(client, urljoin(source.url or "", "."))
            return [_changes(c, saved.get(str(c.url), {}), now_ms) for c in calendars]
    except caldav_error.AuthorizationError as exc:
        raise SourceFailure(scrub(f"caldav: sign-in refused ({_said(exc)})", secret)) from None
    except _FAILURES as exc:
        raise SourceFailure(scrub(f"caldav: {type(exc).__name__} ({_said(exc)})", secret)) from None


def _said(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:300]


@dataclass
class _Parsed:
    uid: str | None
    records: list[InteractionRecord]
    items: list[ParsedItem]
    due_ms: int | None


def _parse(href: str, data: bytes, now: datetime) -> _Parsed:
    """An object's occurrences that have begun, as items, and when its next one is due."""
    items = list(iter_ics_bytes(data, href, now - CALENDAR_HISTORY, now + LOOKAHEAD))
    records = [i for i in items if isinstance(i, InteractionRecord)]
    later = [r.occurred_at for r in records if r.occurred_at > now]
    begun = [i for i in items if not isinstance(i, InteractionRecord) or i.occurred_at <= now]
    uid = records[0].external_id.rpartition("@")[0] if records else _uid_of(data)
    return _Parsed(
        uid=uid, records=[r for r in records if r.occurred_at <= now], items=begun,
        due_ms=int(min(later).timestamp() * 1000) if later else None,
    )  # fmt: skip


def _uid_of(data: bytes) -> str | None:
    # A cancelled or empty event gives no record to read its UID from.
    for line in data.decode("utf-8", "replace").splitlines():
        if line.upper().startswith("UID:"):
            return line[4:].strip()
    return None


async def _apply(
    repo: GraphRepository, settings: Settings, ingestor: Ingestor, report: SyncReport,
    fetched: Fetched, saved: Checkpoint, member: str,
) -> Checkpoint:  # fmt: skip
    """Retract what changed or went, ingest the current forms (as `member`'s own calendar's);
    the new checkpoint."""
    known: dict[str, Any] = dict(saved.get("objects", {}))
    now = datetime.now(UTC)
    parsed = {href: (etag, _parse(href, data, now)) for href, etag, data in fetched.objects}
    uids = {p.uid for _, p in parsed.values() if p.uid}
    uids |= {known[h]["uid"] for h in fetched.deleted if known[h].get("uid")}
    current = {r.external_id: r for _, p in parsed.values() for r in p.records}
    stored = await repo.event_interactions(sorted(uids)) if uids else []
    horizon = now - CALENDAR_HISTORY  # older occurrences are no longer read, so not retracted
    stale = [s for s in stored
             if s.occurred_at >= horizon and _differs(s, current.get(s.external_id))]  # fmt: skip
    report.changed += await retract(repo, stale, await firm_domains(repo, settings.firm_domains))
    await ingestor.run(owned_by((item for _, p in parsed.values() for item in p.items), member))
    for href in fetched.deleted:
        known.pop(href, None)
    for href, (etag, p) in parsed.items():
        known[href] = {"etag": etag, "uid": p.uid, "due_ms": p.due_ms}
    report.fetched[fetched.key] = len(fetched.objects) + len(fetched.deleted)
    return {"token": fetched.token, "objects": known}


def _differs(stored: InteractionRecord, current: InteractionRecord | None) -> bool:
    """True when the stored occurrence is gone from the event or no longer what it says."""
    if current is None:
        return True

    def people(r: InteractionRecord) -> set[tuple[str, str, str | None]]:
        return {(p.email, p.role.value, p.response.value if p.response else None)
                for p in r.participants}  # fmt: skip

    return (stored.occurred_at, stored.subject, people(stored)) != (
        current.occurred_at, current.subject, people(current))  # fmt: skip


async def sync_caldav(
    repo: GraphRepository, settings: Settings, lease: SyncLease, source: Source,
    saved: dict[str, Checkpoint], ingestor: Ingestor, report: SyncReport,
) -> None:  # fmt: skip
    """Bring every calendar of `source` up to date from its checkpoints (`saved`, by calendar
    URL), as the holder of `lease`; SourceFailure when the server, the network or the secret
    fails (checkpoints already saved stay), LeaseLost when another sync took the source."""
    secret = await asyncio.to_thread(resolve_secret, source.secret)
    for fetched in await asyncio.to_thread(fetch_all, source, secret, saved):
        state = await _apply(repo, settings, ingestor, report, fetched,
                             saved.get(fetched.key, {}), source.member)  # fmt: skip
        await save_checkpoint(repo, lease, fetched.key, state)
