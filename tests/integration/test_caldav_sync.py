"""CalDAV sync against a real Radicale: sync tokens, and events that change after ingestion
(rescheduled, declined, cancelled, deleted) with their ties rebuilt to match."""

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from caldav.davclient import DAVClient
from neo4j import AsyncDriver

from graph.repository import GraphRepository
from graph.sources import (
    SyncLease,
    add_source,
    checkpoints,
    claim_sync,
    get_source,
    release_sync,
    save_checkpoint,
)
from ingest.rescore import rescore_all
from ingest.sync import sync_source
from tests.conftest import free_port
from tests.integration.graphstate import assert_same_ties, ties_of
from tests.integration.mailservers import Radicale
from tiegraph.settings import Settings
from tiegraph.sources import SecretRef, Source, SourceKind, SourceSpec

ANN, JOE, KIM = "ann@firm.test", "joe@acme.test", "kim@acme.test"
PASSWORD = "ann-caldav-Secret-9"
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def radicale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Radicale]:
    monkeypatch.setenv("ANN_CALDAV_PASSWORD", PASSWORD)
    server = Radicale(tmp_path / "radicale", free_port(), {ANN: PASSWORD})
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def calendar(radicale: Radicale) -> Iterator[Any]:
    """Ann's calendar on the server, written to by the test as her calendar app would."""
    with DAVClient(url=radicale.url, username=ANN, password=PASSWORD, enable_rfc6764=False,
                   require_tls=False) as client:  # fmt: skip
        principal = client.principal()  # type: ignore[no-untyped-call]
        yield principal.make_calendar(name="Work", cal_id="work")


def event(uid: str, start: datetime, answers: dict[str, str], status: str | None = None) -> str:
    """A one-hour meeting organised by Ann, with each attendee's PARTSTAT."""
    stamp = "%Y%m%dT%H%M%SZ"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tiegraph tests//EN", "BEGIN:VEVENT",
             f"UID:{uid}", f"DTSTAMP:{NOW:{stamp}}", f"DTSTART:{start:{stamp}}",
             f"DTEND:{start + timedelta(hours=1):{stamp}}", "SUMMARY:Review",
             f"ORGANIZER;CN=Ann Lee:mailto:{ANN}",
             *(f"ATTENDEE;PARTSTAT={answer}:mailto:{who}" for who, answer in answers.items())]  # fmt: skip
    if status:
        lines.append(f"STATUS:{status}")
    return "\r\n".join([*lines, "END:VEVENT", "END:VCALENDAR", ""])


async def caldav_source(repo: GraphRepository, server: Radicale, secret: str) -> Source:
    spec = SourceSpec(kind=SourceKind.CALDAV, name="ann calendar", member=ANN, user=ANN,
                      secret=SecretRef.parse(secret), url=f"{server.url}{ANN}/")  # fmt: skip
    return await add_source(repo, spec, ("firm.test",))


async def meetings(driver: AsyncDriver) -> dict[str, dict[str, Any]]:
    result = await driver.execute_query(
        "MATCH (i:Interaction) RETURN i.id AS id, i.occurred_at.epochMillis AS ms, "
        "i.participants AS people, i.responses AS responses"
    )
    return {r["id"]: r.data() for r in result.records}


async def assert_ties_as_rebuilt(driver: AsyncDriver, repo: GraphRepository) -> None:
    """The ties the sync left are those a rescore builds from the stored interactions."""
    synced = await ties_of(driver)

    async def progress(read: int, written: int) -> None:
        return None

    await rescore_all(repo, ("firm.test",), progress)
    assert_same_ties(await ties_of(driver), synced)


def ident(uid: str, start: datetime) -> str:
    return f"{uid}@{start.isoformat()}"


async def test_first_sync_then_only_changes_and_future_meetings_wait(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, radicale: Radicale,
    calendar: Any,
) -> None:  # fmt: skip
    calendar.save_event(event("m1", NOW - timedelta(days=2), {JOE: "ACCEPTED"}))
    calendar.save_event(event("m2", NOW - timedelta(days=3), {KIM: "ACCEPTED"}))
    calendar.save_event(event("later", NOW + timedelta(days=10), {JOE: "ACCEPTED"}))
    source = await caldav_source(repo, radicale, "env:ANN_CALDAV_PASSWORD")

    first = await sync_source(repo, settings, source.id)
    assert first.error is None
    assert list(first.fetched.values()) == [3]
    assert first.ingest.ingested == 2
    assert set(await meetings(driver)) == {ident("m1", NOW - timedelta(days=2)),
                                           ident("m2", NOW - timedelta(days=3))}  # fmt: skip
    idle = await sync_source(repo, settings, source.id)
    assert list(idle.fetched.values()) == [0]  # the sync token says nothing changed
    calendar.save_event(event("m3", NOW - timedelta(hours=5), {KIM: "TENTATIVE"}))
    third = await sync_source(repo, settings, source.id)
    assert (list(third.fetched.values()), third.ingest.ingested) == ([1], 1)


async def test_an_event_changed_after_ingestion_updates_it_and_its_ties(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, radicale: Radicale,
    calendar: Any,
) -> None:  # fmt: skip
    first, second = NOW - timedelta(days=4), NOW - timedelta(days=6)
    calendar.save_event(event("m1", first, {JOE: "ACCEPTED", KIM: "ACCEPTED"}))
    calendar.save_event(event("m2", second, {JOE: "ACCEPTED"}))
    source = await caldav_source(repo, radicale, "env:ANN_CALDAV_PASSWORD")
    await sync_source(repo, settings, source.id)
    assert ("KNOWS", ANN, KIM) in await ties_of(driver)

    moved = NOW - timedelta(days=1)  # rescheduled
    calendar.save_event(event("m1", moved, {JOE: "ACCEPTED", KIM: "ACCEPTED"}))
    report = await sync_source(repo, settings, source.id)
    assert (report.changed, report.ingest.ingested) == (1, 1)
    assert set(await meetings(driver)) == {ident("m1", moved), ident("m2", second)}
    ties = await ties_of(driver)
    assert ties[("KNOWS", ANN, KIM)]["last_at"].to_native() == moved
    await assert_ties_as_rebuilt(driver, repo)

    calendar.save_event(event("m2", second, {JOE: "DECLINED"}))  # Joe now declines
    await sync_source(repo, settings, source.id)
    stored = (await meetings(driver))[ident("m2", second)]
    assert dict(zip(stored["people"], stored["responses"], strict=True))[JOE] == "declined"
    await assert_ties_as_rebuilt(driver, repo)

    calendar.save_event(event("m1", moved, {JOE: "ACCEPTED", KIM: "ACCEPTED"}, "CANCELLED"))
    cancelled = await sync_source(repo, settings, source.id)
    assert cancelled.changed == 1
    assert set(await meetings(driver)) == {ident("m2", second)}
    assert not {k for k in await ties_of(driver) if KIM in k}  # Kim was only in m1
    await assert_ties_as_rebuilt(driver, repo)

    calendar.event_by_uid("m2").delete()
    await sync_source(repo, settings, source.id)
    assert await meetings(driver) == {}
    assert await ties_of(driver) == {}


async def test_a_meeting_still_ahead_is_ingested_once_it_has_begun(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, radicale: Radicale,
    calendar: Any,
) -> None:  # fmt: skip
    # Far enough ahead that the first sync ends before it begins on a loaded machine too.
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=8)
    calendar.save_event(event("soon", soon, {JOE: "ACCEPTED"}))
    source = await caldav_source(repo, radicale, "env:ANN_CALDAV_PASSWORD")
    assert (await sync_source(repo, settings, source.id)).ingest.ingested == 0
    await asyncio.sleep((soon - datetime.now(UTC)).total_seconds() + 0.2)
    assert (await sync_source(repo, settings, source.id)).ingest.ingested == 1
    assert set(await meetings(driver)) == {ident("soon", soon)}


async def test_a_failing_calendar_records_why_and_resumes(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, radicale: Radicale,
    calendar: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    calendar.save_event(event("m1", NOW - timedelta(days=2), {JOE: "ACCEPTED"}))
    monkeypatch.setenv("WRONG_CALDAV_PASSWORD", "nope")
    wrong = await caldav_source(repo, radicale, "env:WRONG_CALDAV_PASSWORD")
    refused = await sync_source(repo, settings, wrong.id)
    assert (refused.error or "").startswith("caldav: sign-in refused")
    assert (await get_source(repo, wrong.id)).last_error == refused.error

    source = await caldav_source(repo, radicale, "env:ANN_CALDAV_PASSWORD")
    radicale.stop()
    down = await sync_source(repo, settings, source.id)
    assert (down.error or "").startswith("caldav: ")
    radicale.start()
    calendar.save_event(event("m2", NOW - timedelta(days=1), {KIM: "ACCEPTED"}))
    back = await sync_source(repo, settings, source.id)
    assert (back.error, back.ingest.ingested) == (None, 2)
    assert len(await meetings(driver)) == 2


async def test_without_a_usable_sync_token_etags_and_absence_tell_the_changes(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, radicale: Radicale,
    calendar: Any,
) -> None:  # fmt: skip
    first, second = NOW - timedelta(days=2), NOW - timedelta(days=3)
    calendar.save_event(event("m1", first, {JOE: "ACCEPTED"}))
    calendar.save_event(event("m2", second, {KIM: "ACCEPTED"}))
    calendar.save_event(event("m3", second, {KIM: "ACCEPTED", JOE: "ACCEPTED"}))
    source = await caldav_source(repo, radicale, "env:ANN_CALDAV_PASSWORD")
    await sync_source(repo, settings, source.id)
    ((key, saved),) = (await checkpoints(repo, source.id)).items()
    # The server no longer knows the token (expired, or a server without sync-collection).
    planted = SyncLease.new(source.id, timedelta(minutes=1))
    assert await claim_sync(repo, planted, datetime.now(UTC)) is not None
    await save_checkpoint(repo, planted, key, {**saved, "token": "urn:forgotten-token"})
    await release_sync(repo, planted)
    calendar.event_by_uid("m2").delete()
    calendar.save_event(event("m1", first, {JOE: "DECLINED"}))

    report = await sync_source(repo, settings, source.id)
    assert report.error is None
    assert report.fetched == {key: 2}  # m1 changed by its ETag, m2 gone; m3 the same
    assert report.changed == 2
    stored = await meetings(driver)
    assert set(stored) == {ident("m1", first), ident("m3", second)}
    assert stored[ident("m1", first)]["responses"][-1] == "declined"
    await assert_ties_as_rebuilt(driver, repo)
