"""The first load rebuilds spilled records with `ingest.bulk.trusted`, not `model_construct`:
the two must make the same instances, every field named."""

from datetime import UTC, datetime

import pytest
from pydantic import BaseModel

from ingest.bulk import _record_of, trusted
from tiegraph.domain import (
    InteractionKind,
    InteractionRecord,
    MeetingResponse,
    Participant,
    ParticipantRole,
)

ANN = {"email": "ann@firm.test", "role": ParticipantRole.ORGANIZER, "name": "Ann", "response": None}
JOE = {"email": "joe@acme.com", "role": ParticipantRole.ATTENDEE, "name": None,
       "response": MeetingResponse.DECLINED}  # fmt: skip


def _record(participants: tuple[Participant, ...]) -> dict[str, object]:
    return {
        "external_id": "m1", "kind": InteractionKind.MEETING,
        "occurred_at": datetime(2026, 3, 2, 9, tzinfo=UTC), "subject": "Plan",
        "participants": participants, "source": "ics", "owner": None, "in_reply_to": None,
        "duration_minutes": None, "is_admin": False,
    }  # fmt: skip


@pytest.mark.parametrize("model", [Participant, InteractionRecord])
def test_trusted_needs_what_model_construct_does_beyond_setting_fields(
    model: type[BaseModel],
) -> None:
    # No post-init hook, no extra fields kept, not a root model: model_construct then only
    # sets the fields, the fields set and empty extra and private state.
    assert not model.__pydantic_post_init__
    assert model.model_config.get("extra") != "allow"
    assert not model.__pydantic_root_model__


def test_trusted_makes_what_model_construct_and_validation_make() -> None:
    people = (trusted(Participant, dict(ANN)), trusted(Participant, dict(JOE)))
    assert people == (Participant.model_construct(**ANN), Participant(**JOE))  # type: ignore[arg-type]
    made = trusted(InteractionRecord, _record(people))
    built = InteractionRecord.model_construct(**_record(people))  # type: ignore[arg-type]
    assert set(_record(people)) == set(InteractionRecord.model_fields)
    assert made == built == InteractionRecord.model_validate(made.model_dump())
    assert made.model_fields_set == built.model_fields_set
    assert made.initiator == people[0]
    grown = made.model_copy(update={"participants": people[:1]})
    assert grown.participants == people[:1]
    assert made.participants == people
    with pytest.raises(ValueError, match="frozen"):
        made.subject = "changed"  # type: ignore[misc]


def test_a_spilled_record_comes_back_with_every_field() -> None:
    row = {
        "id": "m2", "kind": "email", "occurred_us": 1_772_442_000_000_000, "subject": None,
        "source": "mbox", "is_admin": False, "in_reply_to": "m1",
        "emails": ["ann@firm.test", "joe@acme.com"], "roles": ["from", "to"],
        "names": ["Ann", None], "responses": [None, None],
    }  # fmt: skip
    record = _record_of(row)
    assert set(record.__dict__) == set(InteractionRecord.model_fields)
    assert record == InteractionRecord.model_validate(record.model_dump())
    assert record.occurred_at == datetime(2026, 3, 2, 9, tzinfo=UTC)
