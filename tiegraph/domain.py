"""The domain's vocabulary, shared by ingest, scoring, graph and app. Pure data, no I/O."""

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

# The times an interaction may have to be stored: older mail is a clock error rather than
# history, and a day ahead allows for clocks that run fast.
EARLIEST_STORED = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


def time_problem(at: datetime, now: datetime | None = None) -> str | None:
    """Why an interaction at `at` (aware) is not stored, or None; `now` defaults to now.

    >>> time_problem(datetime(1985, 1, 1, tzinfo=UTC))
    '1985-01-01T00:00:00+00:00 is before 1990-01-01'
    """
    if at < EARLIEST_STORED:
        return f"{at.isoformat()} is before {EARLIEST_STORED.date().isoformat()}"
    if at > (now or datetime.now(UTC)) + FUTURE_SLACK:
        return f"{at.isoformat()} is more than a day in the future"
    return None


class InteractionKind(StrEnum):
    """What kind of event an interaction is."""

    EMAIL = "email"
    MEETING = "meeting"
    CALL = "call"
    NOTE = "note"


class ParticipantRole(StrEnum):
    """How a person took part in an interaction."""

    FROM = "from"
    TO = "to"
    CC = "cc"
    ORGANIZER = "organizer"
    ATTENDEE = "attendee"


class MeetingResponse(StrEnum):
    """An attendee's answer to a meeting invitation."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    TENTATIVE = "tentative"
    NEEDS_ACTION = "needs-action"


class PersonKind(StrEnum):
    """Our people (on a firm domain) versus everyone else. Values are the Neo4j labels."""

    TEAM_MEMBER = "TeamMember"
    CONTACT = "Contact"


class TieType(StrEnum):
    """The aggregated relationship types; the value is the Neo4j relationship type."""

    KNOWS = "KNOWS"  # TeamMember -> Contact
    WORKS_WITH = "WORKS_WITH"  # TeamMember -> TeamMember, stored once with a < b
    ASSOCIATED_WITH = "ASSOCIATED_WITH"  # Contact -> Contact, stored once with a < b


class Participant(BaseModel):
    """One person's part in an interaction. `email` is already normalised."""

    model_config = ConfigDict(frozen=True)

    email: str
    role: ParticipantRole
    name: str | None = None
    response: MeetingResponse | None = None

    @property
    def initiated(self) -> bool:
        """True for the sender of a message or the organizer of a meeting."""
        return self.role in (ParticipantRole.FROM, ParticipantRole.ORGANIZER)


class InteractionRecord(BaseModel):
    """One ingested event, as every parser produces it."""

    model_config = ConfigDict(frozen=True)

    external_id: str = Field(min_length=1, max_length=998)
    kind: InteractionKind
    occurred_at: datetime
    subject: str | None = None
    participants: tuple[Participant, ...] = Field(min_length=1)
    source: str = "jsonl"
    # The team member whose mailbox or calendar it was read from (a synced source's member);
    # None for files. Capture refuses it while that member's sources are excluded.
    owner: str | None = None
    # The external id of the message this one answers (from In-Reply-To/References).
    in_reply_to: str | None = None
    duration_minutes: float | None = None
    # Invoices, receipts and the like: a sign of life for account health, not a tie builder.
    is_admin: bool = False

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a time zone (for example 2026-03-01T09:30:00Z)")
        return value.astimezone(UTC)

    @property
    def initiator(self) -> Participant | None:
        """Who started it: the sender or organizer, if the record names one."""
        return next((p for p in self.participants if p.initiated), None)


class PersonRef(BaseModel):
    """A person as a view shows them."""

    model_config = ConfigDict(frozen=True)

    email: str
    name: str | None = None
    team: str | None = None

    @property
    def named(self) -> str:
        """How a sentence names them: "Ann Lee (ann@firm.com)", or the address alone.

        >>> PersonRef(email="ann@firm.com", name="Ann Lee").named
        'Ann Lee (ann@firm.com)'
        """
        return f"{self.name} ({self.email})" if self.name else self.email
