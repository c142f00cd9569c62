from datetime import UTC, datetime, timedelta

from graph.batch import prepare_batch
from graph.records import epoch_ms, tie_rows
from scoring.fold import TieTotals, fold_ties
from scoring.policy import IngestPolicy
from scoring.tie_events import tie_events
from scoring.tie_state import combine, state_delta
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
    folded = fold_ties([first, reply, later], POLICY, kinds_of(first, reply))
    assert list(folded) == [(TieType.KNOWS, "ann@firm.test", "joe@acme.com")]
    (tie,) = folded.values()
    assert (tie["email_count"], tie["meeting_count"]) == (3, 0)
    assert (tie["a_initiated"], tie["b_initiated"], tie["two_way_count"]) == (2, 1, 1)
    assert tie["first_at"] == T0
    assert tie["last_at"] == T0 + timedelta(days=3)
    # Only the contact's reply is a two-way exchange; our own outreach is not.
    assert tie["last_two_way_at"] == T0 + timedelta(hours=2)


def test_cc_ties_colleagues_and_contacts_among_themselves() -> None:
    record = email("1", "ann@firm.test", ["joe@acme.com"], cc=["bob@firm.test", "eve@acme.com"])
    folded = fold_ties([record], POLICY, kinds_of(record))
    knows = {(a, b) for t, a, b in folded if t is TieType.KNOWS}
    assert knows == {
        ("ann@firm.test", "joe@acme.com"),
        ("ann@firm.test", "eve@acme.com"),
        ("bob@firm.test", "joe@acme.com"),
        ("bob@firm.test", "eve@acme.com"),
    }
    assert [(a, b) for t, a, b in folded if t is TieType.WORKS_WITH] == [
        ("ann@firm.test", "bob@firm.test")
    ]
    assert [(a, b) for t, a, b in folded if t is TieType.ASSOCIATED_WITH] == [
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
    folded = fold_ties([meeting], POLICY, kinds_of(meeting))
    ties = {b: fields for (t, _, b), fields in folded.items() if t is TieType.KNOWS}
    joe, sue = ties["joe@acme.com"], ties["sue@acme.com"]
    assert (joe["meeting_count"], joe["declined_count"]) == (1, 0)
    assert joe["last_two_way_at"] == T0
    assert (sue["declined_count"], sue["two_way_count"], sue["weight_fast"]) == (1, 0, 0.0)


def test_large_announcements_tie_only_the_sender() -> None:
    crowd = [f"p{i}@acme.com" for i in range(30)]
    record = email("1", "ann@firm.test", crowd)
    folded = fold_ties([record], POLICY, kinds_of(record))
    assert len([k for k in folded if k[0] is TieType.KNOWS]) == 30
    assert [k for k in folded if k[0] is TieType.ASSOCIATED_WITH] == []


def test_prepare_batch_splits_people_and_accounts() -> None:
    record = email("1", "Ann@firm.test", ["joe@acme.com", "max@gmail.com"])
    batch = prepare_batch([record], POLICY)
    assert batch.team_members == [{"email": "Ann@firm.test", "name": None}]
    assert {c["email"]: c["account"] for c in batch.contacts} == {
        "joe@acme.com": "acme.com",
        "max@gmail.com": None,
    }
    (row,) = batch.interactions
    assert row["occurred_ms"] == epoch_ms(T0)
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
        totals.add(fold_ties(batch, POLICY, kinds, parents=parents))
    states = [
        state_delta([e for r in batch for k, e in tie_events(r, kinds, POLICY, parents.get(
            r.in_reply_to or "")) if k == (TieType.KNOWS, "ann@firm.test", "joe@acme.com")],
            POLICY.profile)
        for batch in batches
    ]  # fmt: skip
    key = (TieType.KNOWS, "ann@firm.test", "joe@acme.com")
    summed = totals.totals()
    assert len(totals) == 3
    assert summed[key] == combine(*states).model_dump()
    assert {b for t, _, b in summed if t is TieType.KNOWS} == {"joe@acme.com", "sue@acme.com"}
    assert len([k for k in summed if k[0] is TieType.ASSOCIATED_WITH]) == 1


def test_tie_rows_carry_sums_and_times_as_epoch_millis() -> None:
    ask = email("1", "ann@firm.test", ["joe@acme.com"], at=T0)
    reply = email("2", "joe@acme.com", ["ann@firm.test"], at=T0 + timedelta(hours=2))
    folded = fold_ties([ask, reply], POLICY, parents={"1": ask})
    (row,) = tie_rows(folded)[TieType.KNOWS]
    assert (row["a"], row["b"]) == ("ann@firm.test", "joe@acme.com")
    assert row["first_ms"] == epoch_ms(T0)
    assert row["last_two_way_ms"] == epoch_ms(T0 + timedelta(hours=2))
    assert row["sums"]["email_count"] == 2
    assert not {"first_at", "last_at", "last_two_way_at"} & row["sums"].keys()
