"""JSON Lines interactions: one JSON object per line, in the shape of `InteractionInput`.

{"id": "m-1", "kind": "email", "occurredAt": "2026-03-01T09:30:00Z",
 "from": "ann@firm.com", "to": ["joe@acme.com"], "cc": [], "subject": "Hello"}
"""

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ingest.parsers.lines import LongLine, bounded_lines
from ingest.results import ParsedItem, ParseIssue
from tiegraph.domain import (
    InteractionKind,
    InteractionRecord,
    Participant,
    ParticipantRole,
    time_problem,
)
from tiegraph.errors import BadInput
from tiegraph.identity import display_name, normalise_address


class InteractionLine(BaseModel):
    """The wire shape of one interaction (JSON Lines and the GraphQL mutation)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    external_id: str = Field(alias="id", min_length=1, max_length=998)
    kind: InteractionKind
    occurred_at: datetime = Field(alias="occurredAt")
    sender: str = Field(alias="from", min_length=3)
    to: list[str] = Field(default_factory=list)
    cc: list[str] = Field(default_factory=list)
    subject: str | None = None
    in_reply_to: str | None = Field(default=None, alias="inReplyTo")

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        # Checked here too so the error names the wire field, `occurredAt`.
        if value.tzinfo is None:
            raise ValueError("needs a time zone (for example 2026-03-01T09:30:00Z)")
        return value


def _participant(raw: str, role: ParticipantRole, field: str) -> Participant:
    address = normalise_address(raw)
    if address is None:
        raise ValueError(f"{field}: {raw!r} is not an email address")
    return Participant(email=address, role=role, name=display_name(raw))


def to_record(line: InteractionLine, source: str = "jsonl") -> InteractionRecord:
    """The record for a validated line. ValueError names the field of a bad address."""
    people = [_participant(line.sender, ParticipantRole.FROM, "from")]
    people += [_participant(a, ParticipantRole.TO, f"to[{i}]") for i, a in enumerate(line.to)]
    people += [_participant(a, ParticipantRole.CC, f"cc[{i}]") for i, a in enumerate(line.cc)]
    unique = list({p.email: p for p in reversed(people)}.values())[::-1]
    return InteractionRecord(
        external_id=line.external_id,
        kind=line.kind,
        occurred_at=line.occurred_at,
        subject=line.subject,
        participants=tuple(unique),
        source=source,
        in_reply_to=line.in_reply_to,
    )


def describe_validation_error(error: ValidationError) -> str:
    """One line naming each bad field, e.g. `occurredAt: Input should be a valid datetime`."""
    parts = []
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "line"
        parts.append(f"{field}: {item['msg']}")
    return "; ".join(parts)


def parse_line_data(data: Any, location: str, source: str = "jsonl") -> ParsedItem:
    """One decoded interaction object as a record, or a ParseIssue naming the bad field."""
    try:
        return to_record(InteractionLine.model_validate(data), source)
    except ValidationError as exc:
        return ParseIssue(location, describe_validation_error(exc))
    except ValueError as exc:
        return ParseIssue(location, str(exc))


def parse_line(text: str, location: str, source: str = "jsonl") -> ParsedItem:
    """One line of JSON Lines as a record, or a ParseIssue naming the bad field."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return ParseIssue(location, f"not valid JSON ({exc.msg} at column {exc.colno})")
    return parse_line_data(data, location, source)


# One interaction per line: a line is a few hundred bytes; this bounds what a broken file (a
# dump without newlines) can make a reader hold.
MAX_LINE_BYTES = 1 << 20


def parse_stored_line(text: str, location: str) -> ParsedItem:
    """`parse_line`, and an interaction outside the stored time range is a ParseIssue here,
    where its file and line are known."""
    item = parse_line(text, location)
    if isinstance(item, InteractionRecord):
        problem = time_problem(item.occurred_at)
        if problem is not None:
            return ParseIssue(location, f"occurredAt: {problem}")
    return item


def iter_jsonl_stream(read: Callable[[int], bytes], name: str) -> Iterator[ParsedItem]:
    """Every line of a JSON Lines stream, located `name:line`; a line that is not UTF-8 or is
    longer than MAX_LINE_BYTES is a located error, and the rest is read."""
    for number, raw in enumerate(bounded_lines(read, MAX_LINE_BYTES), start=1):
        location = f"{name}:{number}"
        if isinstance(raw, LongLine):
            yield ParseIssue(location, f"longer than {MAX_LINE_BYTES} bytes")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield ParseIssue(location, f"not UTF-8 (byte {exc.start + 1})")
            continue
        if text.strip():
            yield parse_stored_line(text, location)


def records_from_wire(rows: Sequence[Mapping[str, object]], field: str) -> list[InteractionRecord]:
    """Validate every row before any is written; BadInput names the first bad `field[i].name`."""
    records = []
    for index, row in enumerate(rows):
        item = parse_line_data(row, f"{field}[{index}]")
        if not isinstance(item, InteractionRecord):
            raise BadInput(str(item), location=None)
        records.append(item)
    return records
