"""monthly_counts: every month from the first interaction's to the moment's, by kind."""

from datetime import UTC, datetime

from scoring.timeline import monthly_counts
from tiegraph.domain import InteractionKind, InteractionRecord, Participant, ParticipantRole


def _at(ident: str, when: str, kind: InteractionKind = InteractionKind.EMAIL) -> InteractionRecord:
    return InteractionRecord(
        external_id=ident, kind=kind, occurred_at=datetime.fromisoformat(when), source="test",
        participants=(Participant(email="a@firm.test", role=ParticipantRole.FROM),),
    )  # fmt: skip


def test_months_run_across_a_year_end_with_silent_months_kept() -> None:
    records = [
        _at("1", "2025-11-30T23:30:00-02:00"),  # already December in UTC
        _at("2", "2025-12-03T10:00:00+00:00", InteractionKind.MEETING),
        _at("3", "2026-02-01T10:00:00+00:00"),
        _at("4", "2026-04-01T10:00:00+00:00"),  # after the moment: not counted
    ]
    months = monthly_counts(records, datetime(2026, 2, 15, tzinfo=UTC))
    assert [(m.month, m.counts) for m in months] == [
        ("2025-12", {InteractionKind.EMAIL: 1, InteractionKind.MEETING: 1}),
        ("2026-01", {}),
        ("2026-02", {InteractionKind.EMAIL: 1}),
    ]


def test_no_interactions_no_months() -> None:
    assert monthly_counts([], datetime(2026, 2, 15, tzinfo=UTC)) == ()
