from datetime import UTC, datetime, timedelta

from ingest.batch import prepare_batch
from ingest.policy import IngestPolicy
from ingest.tie_events import tie_events
from ingest.ties import TieTotals, epoch_millis, fields_row, fold_ties
from scoring.tie_model import combine, state_delta
from tiegraph.domain import (
    InteractionKind,
    InteractionRecord,
    MeetingResponse,
    Participant,
    ParticipantRole,
    PersonKind,
    TieType,
)

POLICY = IngestPolicy(firm_domains=("firm.test",))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def email(ident: str, sender: str, to: list[str], cc: list[str] = (), at: datetime = T0):  # type: ignore[assignment]
    people = [Participant(email=sender, role=ParticipantRole.FROM)]
    people += [Participant(email=a, role=ParticipantRole.TO) for a in to]
    people += [Participant(email=a, role=ParticipantRole.CC) for a in cc]
    return InteractionRecord(
        external_id=ident, kind=InteractionKind.EMAIL, occurred_at=at, participants=tuple(people)
    )


def kinds_of(*records: InteractionRecord) -> dict[str, PersonKind]:
    return {
        p.email: PersonKind.TEAM_MEMBER if p.email.endswith("@firm.test") else PersonKind.CONTACT
        for r in records
        for p in r.participants
    }


def test_repeated_pairs_fold_into_one_delta_with_counts_and_bounds() -> None:
    first = email("1", "ann@firm.test", ["joe@acme.com"], at=T0)
    reply = email("2", "joe@acme.com", ["ann@firm.test"], at=T0 + timedelta(hours=2))
    later = email("3", "ann@firm.test", ["joe@acme.com"], at=T0 + timedelta(days=3))
    folded = fold_ties([first, reply, later], kinds_of(first, reply), POLICY)
    (tie,) = folded[TieType.KNOWS]
    assert (tie["a"], tie["b"]) == ("ann@firm.test", "joe@acme.com")
    sums = tie["sums"]
    assert (sums["email_count"], sums["meeting_count"]) == (3, 0)
    assert (sums["a_initiated"], sums["b_initiated"], sums["two_way_count"]) == (2, 1, 1)
    assert tie["first_ms"] == epoch_millis(T0)
    assert tie["last_ms"] == epoch_millis(T0 + timedelta(days=3))
    # Only the contact's reply is a two-way exchange; our own outreach is not.
    assert tie["last_two_way_ms"] == epoch_millis(T0 + timedelta(hours=2))


def test_cc_ties_colleagues_and_contacts_among_themselves() -> None:
    record = email("1", "ann@firm.test", ["joe@acme.com"], cc=["bob@firm.test", "eve@acme.com"])
    folded = fold_ties([record], kinds_of(record), POLICY)
    knows = {(t["a"], t["b"]) for t in folded[TieType.KNOWS]}
    assert knows == {
        ("ann@firm.test", "joe@acme.com"),
        ("ann@firm.test", "eve@acme.com"),
        ("bob@firm.test", "joe@acme.com"),
        ("bob@firm.test", "eve@acme.com"),
    }
    assert [(t["a"], t["b"]) for t in folded[TieType.WORKS_WITH]] == [
        ("ann@firm.test", "bob@firm.test")
    ]
    assert [(t["a"], t["b"]) for t in folded[TieType.ASSOCIATED_WITH]] == [
        ("eve@acme.com", "joe@acme.com")
    ]


def test_declined_attendees_record_a_decline_not_a_meeting() -> None:
    meeting = InteractionRecord(
        external_id="m1",
        kind=InteractionKind.MEETING,
        occurred_at=T0,
        participants=(
            Participant(email="ann@firm.test", role=ParticipantRole.ORGANIZER),
            Participant(email="joe@acme.com", role=ParticipantRole.ATTENDEE,
                        response=MeetingResponse.ACCEPTED),
            Participant(email="sue@acme.com", role=ParticipantRole.ATTENDEE,
                        response=MeetingResponse.DECLINED),
        ),
    )  # fmt: skip
    folded = fold_ties([meeting], kinds_of(meeting), POLICY)
    rows = {t["b"]: t for t in folded[TieType.KNOWS]}
    joe, sue = rows["joe@acme.com"]["sums"], rows["sue@acme.com"]["sums"]
    assert (joe["meeting_count"], joe["declined_count"]) == (1, 0)
    assert rows["joe@acme.com"]["last_two_way_ms"] == epoch_millis(T0)
    assert (sue["declined_count"], sue["two_way_count"], sue["weight_fast"]) == (1, 0, 0.0)


def test_large_announcements_tie_only_the_sender() -> None:
    crowd = [f"p{i}@acme.com" for i in range(30)]
    record = email("1", "ann@firm.test", crowd)
    folded = fold_ties([record], kinds_of(record), POLICY)
    assert len(folded[TieType.KNOWS]) == 30
    assert folded[TieType.ASSOCIATED_WITH] == []


def test_prepare_batch_splits_people_and_accounts() -> None:
    record = email("1", "Ann@firm.test", ["joe@acme.com", "max@gmail.com"])
    batch = prepare_batch([record], POLICY)
    assert batch.team_members == [{"email": "Ann@firm.test", "name": None}]
    assert {c["email"]: c["account"] for c in batch.contacts} == {
        "joe@acme.com": "acme.com",
        "max@gmail.com": None,
    }
    (row,) = batch.interactions
    assert row["occurred_ms"] == epoch_millis(T0)
    assert row["contacts"] == ["joe@acme.com", "max@gmail.com"]  # INVOLVES; members are not linked


def test_tie_totals_add_batches_as_combine_adds_states() -> None:
    # One tie over two batches (a question and its answer, then a message days later), and the
    # two ties only the later message makes.
    ask = email("1", "ann@firm.test", ["joe@acme.com"], at=T0)
    reply = email("2", "joe@acme.com", ["ann@firm.test"], at=T0 + timedelta(hours=2))
    later = email("3", "ann@firm.test", ["joe@acme.com", "sue@acme.com"], at=T0 + timedelta(days=9))
    batches = [[ask, reply], [later]]
    kinds = kinds_of(ask, reply, later)
    parents = {"1": ask}
    totals = TieTotals()
    for batch in batches:
        totals.add(fold_ties(batch, kinds, POLICY, parents=parents))
    states = [
        state_delta([e for r in batch for k, e in tie_events(r, kinds, POLICY, parents.get(
            r.in_reply_to or "")) if k == (TieType.KNOWS, "ann@firm.test", "joe@acme.com")],
            POLICY.profile)
        for batch in batches
    ]  # fmt: skip
    key = (TieType.KNOWS, "ann@firm.test", "joe@acme.com")
    want = fields_row(key, combine(*states).model_dump())
    grouped = totals.grouped()
    assert len(totals) == 3
    assert [r for r in grouped[TieType.KNOWS] if r["b"] == "joe@acme.com"] == [want]
    assert {r["b"] for r in grouped[TieType.KNOWS]} == {"joe@acme.com", "sue@acme.com"}
    assert len(grouped[TieType.ASSOCIATED_WITH]) == 1
