"""A rescore rebuilds exactly the ties a fresh ingest under the new profile would write."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from neo4j import AsyncDriver

from graph.repository import GraphRepository
from ingest import rescore
from ingest.pipeline import Ingestor
from ingest.rescore import RescoreCounts, rescore_all
from scoring.profile import DEFAULT_PROFILE
from tests.integration.conftest import EMPTY_BUT_THE_FIRM
from tests.integration.graphstate import assert_same_ties, ties_of
from tiegraph.domain import (
    InteractionKind,
    InteractionRecord,
    MeetingResponse,
    Participant,
    ParticipantRole,
)
from tiegraph.settings import Settings

NOW = datetime.now(UTC).replace(microsecond=0)
MEMBERS = [f"m{i}@firm.test" for i in range(4)]
CONTACTS = [f"c{i}@acme.com" for i in range(5)] + [f"d{i}@globex.com" for i in range(3)]
# Channel weights, a faster memory and a new admin pattern: every kind of stored sum changes.
NEW_PROFILE = DEFAULT_PROFILE.with_changes(
    channel_weights={"email": 4, "meeting": 9, "call": 3, "note": 1},
    fast_half_life_days=35.0,
    admin_subject_patterns=(*DEFAULT_PROFILE.admin_subject_patterns, r"(?i)statement"),
)


def _interactions(count: int, seed: int = 3) -> list[InteractionRecord]:
    """Mail with replies answering messages in other pages, cc'd peers, meetings with
    declines, and 'statement' subjects that only the new profile calls admin."""
    rng = random.Random(seed)
    records: list[InteractionRecord] = []
    for n in range(count):
        member, contact = rng.choice(MEMBERS), rng.choice(CONTACTS)
        at = NOW - timedelta(days=rng.randrange(700), minutes=rng.randrange(1440))
        ident = f"{rng.randrange(10**6):06d}-{n}"  # id order is not time order
        if rng.random() < 0.25:
            people = [Participant(email=member, role=ParticipantRole.ORGANIZER),
                      Participant(email=contact, role=ParticipantRole.ATTENDEE,
                                  response=rng.choice(list(MeetingResponse))),
                      Participant(email=rng.choice(MEMBERS), role=ParticipantRole.ATTENDEE)]  # fmt: skip
            kind = InteractionKind.MEETING
        else:
            first, second = (member, contact) if rng.random() < 0.5 else (contact, member)
            people = [Participant(email=first, role=ParticipantRole.FROM),
                      Participant(email=second, role=ParticipantRole.TO),
                      Participant(email=rng.choice(CONTACTS + MEMBERS), role=ParticipantRole.CC)]  # fmt: skip
            kind = InteractionKind.EMAIL
        parent = rng.choice(records) if records and rng.random() < 0.4 else None
        records.append(
            InteractionRecord(
                external_id=ident,
                kind=kind,
                occurred_at=max(at, parent.occurred_at) if parent else at,
                subject="Monthly statement" if rng.random() < 0.1 else "Next steps",
                participants=tuple({p.email: p for p in people}.values()),
                in_reply_to=parent.external_id if parent else None,
                source="test",
            )
        )
    return records


async def test_a_rescore_rebuilds_the_ties_a_fresh_ingest_under_the_new_profile_writes(
    driver: AsyncDriver,
    repo: GraphRepository,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A tie built only from mail the new profile calls admin: the rescore must remove it.
    statement = InteractionRecord(
        external_id="statement-1", kind=InteractionKind.EMAIL, occurred_at=NOW - timedelta(days=9),
        subject="Your statement for October", source="test",
        participants=(Participant(email="m0@firm.test", role=ParticipantRole.FROM),
                      Participant(email="z@initech.com", role=ParticipantRole.TO)),
    )  # fmt: skip
    records = [*_interactions(149), statement]
    await Ingestor.for_settings(repo, settings).run(iter(records))
    before = await ties_of(driver)
    await repo.save_scoring_profile(NEW_PROFILE)
    # Small pages and writes, so replies answer messages of other pages and ties span pages.
    monkeypatch.setattr(rescore, "PAGE_SIZE", 16)
    monkeypatch.setattr(rescore, "WRITE_SIZE", 7)
    seen: list[tuple[int, int]] = []

    async def progress(read: int, written: int) -> None:
        seen.append((read, written))

    counts = await rescore_all(repo, tuple(settings.firm_domains), progress)
    rebuilt = await ties_of(driver)

    await driver.execute_query(EMPTY_BUT_THE_FIRM)
    await repo.save_scoring_profile(NEW_PROFILE)
    await Ingestor.for_settings(repo, settings).run(iter(records))
    fresh = await ties_of(driver)

    assert_same_ties(rebuilt, fresh)
    gone = before.keys() - fresh.keys()
    assert ("KNOWS", "m0@firm.test", "z@initech.com") in gone
    assert counts == RescoreCounts(interactions=150, ties=len(fresh), removed=len(gone))
    assert seen == sorted(seen)
    assert seen[-1] == (150, len(fresh))
    assert [read for read, written in seen if not written] == [*range(16, 150, 16), 150]
    # The new profile did change what is stored: the weights of ties that stay.
    assert any(before[k]["weight_fast"] != v["weight_fast"] for k, v in rebuilt.items())


def _mail(ident: str, contact: str, subject: str) -> InteractionRecord:
    return InteractionRecord(
        external_id=ident, kind=InteractionKind.EMAIL, occurred_at=NOW - timedelta(days=3),
        subject=subject, source="test",
        participants=(Participant(email="m0@firm.test", role=ParticipantRole.FROM),
                      Participant(email=contact, role=ParticipantRole.TO)),
    )  # fmt: skip


async def _admin_flags(driver: AsyncDriver) -> dict[str, bool]:
    result = await driver.execute_query("MATCH (i:Interaction) RETURN i.id AS id, i.is_admin AS a")
    return {r["id"]: r["a"] for r in result.records}


async def test_a_profile_change_both_sets_and_clears_admin_flags(
    driver: AsyncDriver, repo: GraphRepository, settings: Settings
) -> None:
    # The default profile calls an invoice admin and a statement not; the new one the reverse.
    invoice, statement = _mail("inv", "ap@acme.com", "Invoice 7"), _mail("st", "cfo@globex.com",
                                                                          "Quarterly statement")  # fmt: skip
    await Ingestor.for_settings(repo, settings).run(iter([invoice, statement]))
    assert await _admin_flags(driver) == {"inv": True, "st": False}
    assert set(await ties_of(driver)) == {("KNOWS", "m0@firm.test", "cfo@globex.com")}

    await repo.save_scoring_profile(
        DEFAULT_PROFILE.with_changes(admin_subject_patterns=(r"(?i)\bstatement\b",))
    )

    async def progress(read: int, written: int) -> None:
        pass

    await rescore_all(repo, tuple(settings.firm_domains), progress)
    assert await _admin_flags(driver) == {"inv": False, "st": True}
    assert set(await ties_of(driver)) == {("KNOWS", "m0@firm.test", "ap@acme.com")}
