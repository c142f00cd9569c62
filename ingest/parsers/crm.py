"""CRM activity exports (CSV) to interaction records, driven by a column mapping.

A `ColumnMapping` names, for each record field, the CSV column(s) it comes from. A field
may list several candidate columns: the ones present in the header are used in order and
the first non-empty value in a row wins. That lets one preset read both Salesforce Task
exports (ActivityDate) and Event exports (ActivityDateTime). Column names are matched
case-insensitively, ignoring surrounding spaces and a byte-order mark, because Data
Loader writes API names in upper case while reports keep their case.

Presets (the names are typical of each tool's export; for anything else write a JSON
mapping file and pass it to `load_mapping`):

* "salesforce": a Data Loader export of Task or Event with the owner's and the related
  person's emails pulled through relationship fields, e.g. SOQL
  `SELECT Id, Subject, ActivityDate, ActivityDateTime, Type, TaskSubtype, EventSubtype,
  Owner.Email, Who.Email FROM Task`. Type is read first (Call, Email, Meeting...), then
  the subtypes. Duration is not mapped, because Task has only CallDurationInSeconds; a
  custom mapping can add DurationInMinutes for Event exports.
* "hubspot": an engagements (activities) export with "Engagement ID" (or "Record ID"),
  "Activity date", "Activity type" (or "Engagement type"), "Owner email", "Associated
  contact email" and "Subject" (or "Call title"). HubSpot writes local times without a
  zone; set `timezone` to the portal's zone in a custom mapping.

The owner (our team member) becomes ParticipantRole.FROM and the contact TO.
"""

import csv
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from ingest.jsonl import describe_validation_error
from ingest.parsers.inputs import open_text
from ingest.results import ParsedItem, ParseIssue, Skipped
from tiegraph.domain import (
    InteractionKind,
    InteractionRecord,
    Participant,
    ParticipantRole,
    time_problem,
)
from tiegraph.identity import normalise_address

SOURCE = "crm"
NO_CONTACT = "no-contact"
ISO = "iso"  # a date format meaning datetime.fromisoformat


def _as_columns(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


Columns = Annotated[tuple[str, ...], BeforeValidator(_as_columns)]
RequiredColumns = Annotated[tuple[str, ...], BeforeValidator(_as_columns), Field(min_length=1)]

REQUIRED_FIELDS = ("external_id", "kind", "occurred_at", "owner_email", "contact_email")
OPTIONAL_FIELDS = ("subject", "duration_minutes")


class ColumnMapping(BaseModel):
    """Which CSV column(s) feed which record field, and how to read kinds and dates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    external_id: RequiredColumns
    kind: RequiredColumns
    occurred_at: RequiredColumns
    owner_email: RequiredColumns
    contact_email: RequiredColumns
    subject: Columns = ()
    duration_minutes: Columns = ()
    # Raw kind value (matched case-insensitively) to interaction kind.
    kind_values: dict[str, InteractionKind]
    # strptime formats, tried in order; "iso" means datetime.fromisoformat.
    date_formats: tuple[str, ...] = (ISO,)
    # The zone of dates written without one.
    timezone: str = "UTC"

    @field_validator("kind_values")
    @classmethod
    def _fold_kinds(cls, value: dict[str, InteractionKind]) -> dict[str, InteractionKind]:
        return {raw.strip().casefold(): kind for raw, kind in value.items()}

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


def load_mapping(path: str | Path) -> ColumnMapping:
    """A ColumnMapping from a JSON file; raises ValueError (or ValidationError) if invalid.

    Column fields take a column name or a list of candidates, for example
    {"external_id": "Id", "occurred_at": ["Due", "Created"], ..., "kind_values": {"Call": "call"}}.
    """
    return ColumnMapping.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))


PRESETS: dict[str, ColumnMapping] = {
    "salesforce": ColumnMapping(
        external_id=("Id",),
        kind=("Type", "TaskSubtype", "EventSubtype"),
        occurred_at=("ActivityDateTime", "ActivityDate"),
        owner_email=("Owner.Email",),
        contact_email=("Who.Email",),
        subject=("Subject",),
        kind_values={
            "Call": InteractionKind.CALL,
            "Email": InteractionKind.EMAIL,
            "ListEmail": InteractionKind.EMAIL,
            "Meeting": InteractionKind.MEETING,
            "Event": InteractionKind.MEETING,
            "Task": InteractionKind.NOTE,
            "Other": InteractionKind.NOTE,
            "Cadence": InteractionKind.NOTE,
            "LinkedIn": InteractionKind.NOTE,
            "Send Letter/Quote": InteractionKind.NOTE,
        },
        date_formats=(ISO, "%m/%d/%Y %I:%M %p", "%m/%d/%Y"),
    ),
    "hubspot": ColumnMapping(
        external_id=("Engagement ID", "Record ID"),
        kind=("Activity type", "Engagement type"),
        occurred_at=("Activity date",),
        owner_email=("Owner email", "Activity owner email"),
        contact_email=("Associated contact email", "Contact email"),
        subject=("Subject", "Call title"),
        kind_values={
            "Call": InteractionKind.CALL,
            "Email": InteractionKind.EMAIL,
            "Incoming email": InteractionKind.EMAIL,
            "INCOMING_EMAIL": InteractionKind.EMAIL,
            "FORWARDED_EMAIL": InteractionKind.EMAIL,
            "Logged email": InteractionKind.EMAIL,
            "Meeting": InteractionKind.MEETING,
            "Note": InteractionKind.NOTE,
            "Task": InteractionKind.NOTE,
        },
        date_formats=(ISO, "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y"),
    ),
}


def normalise_header(column: str) -> str:
    """The form column names are compared in: no BOM, no surrounding spaces, case-folded."""
    return column.removeprefix("\ufeff").strip().casefold()


def resolve_columns(
    header: list[str], mapping: ColumnMapping
) -> dict[str, tuple[str, ...]] | tuple[str, tuple[str, ...]]:
    """Per mapped field, the header's columns that feed it, in candidate order.

    Returns (field, candidates) for the first mapped field none of whose candidates is in
    the header.
    """
    present = {normalise_header(column): column for column in header}
    resolved: dict[str, tuple[str, ...]] = {}
    for field in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        candidates: tuple[str, ...] = getattr(mapping, field)
        if not candidates:
            continue
        found = tuple(
            present[normalise_header(c)] for c in candidates if normalise_header(c) in present
        )
        if not found:
            return field, candidates
        resolved[field] = found
    return resolved


def header_matches(header: list[str], mapping: ColumnMapping) -> bool:
    """True when every field `mapping` maps has a column in `header`."""
    return isinstance(resolve_columns(header, mapping), dict)


def header_overlap(header: list[str], mapping: ColumnMapping) -> int:
    """How many of the required fields `mapping` maps have a column in `header`."""
    present = {normalise_header(column) for column in header}
    return sum(
        any(normalise_header(c) in present for c in getattr(mapping, field))
        for field in REQUIRED_FIELDS
    )


class _RowError(ValueError):
    """One bad field of a row; the message already names the field and column."""


def _pick(row: Mapping[str | None, Any], columns: tuple[str, ...]) -> tuple[str, str]:
    """(column, value) of the first non-empty candidate, or (first column, "")."""
    for column in columns:
        value = row.get(column)
        if isinstance(value, str) and value.strip():
            return column, value.strip()
    return columns[0], ""


def _parse_date(value: str, mapping: ColumnMapping) -> datetime | None:
    for fmt in mapping.date_formats:
        try:
            parsed = datetime.fromisoformat(value) if fmt == ISO else datetime.strptime(value, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(mapping.timezone))
        return parsed.astimezone(UTC)
    return None


def _parse_minutes(value: str) -> float | None:
    # Minutes as a number, or a clock duration such as "0:45:00" or "45:00".
    try:
        if ":" in value:
            parts = [float(p) for p in value.split(":")]
            if len(parts) > 3:
                return None
            seconds = 0.0
            for part in parts:
                seconds = seconds * 60 + part
            minutes = seconds / 60
        else:
            minutes = float(value)
    except ValueError:
        return None
    return minutes if minutes >= 0 else None


def _row_item(
    row: Mapping[str | None, Any],
    columns: dict[str, tuple[str, ...]],
    mapping: ColumnMapping,
    location: str,
) -> ParsedItem:
    problems: list[str] = []

    def field(name: str) -> tuple[str, str]:
        return _pick(row, columns[name]) if name in columns else ("", "")

    def problem(name: str, column: str, message: str) -> None:
        problems.append(f"{name}: {message} (column {column!r})")

    id_column, external_id = field("external_id")
    if not external_id:
        problem("external_id", id_column, "empty")

    kind_column, raw_kind = field("kind")
    kind = mapping.kind_values.get(raw_kind.casefold())
    if kind is None:
        problem("kind", kind_column, f"{raw_kind!r} is not in kind_values" if raw_kind else "empty")

    date_column, raw_date = field("occurred_at")
    occurred_at = _parse_date(raw_date, mapping) if raw_date else None
    if occurred_at is None:
        formats = ", ".join(mapping.date_formats)
        message = f"{raw_date!r} matches none of {formats}" if raw_date else "empty"
        problem("occurred_at", date_column, message)
    elif (out_of_range := time_problem(occurred_at)) is not None:
        problem("occurred_at", date_column, out_of_range)
        occurred_at = None

    owner_column, raw_owner = field("owner_email")
    owner = normalise_address(raw_owner) if raw_owner else None
    if owner is None:
        message = f"{raw_owner!r} is not an email address" if raw_owner else "empty"
        problem("owner_email", owner_column, message)

    contact_column, raw_contact = field("contact_email")
    contact = normalise_address(raw_contact) if raw_contact else None
    if raw_contact and contact is None:
        problem("contact_email", contact_column, f"{raw_contact!r} is not an email address")

    duration_column, raw_duration = field("duration_minutes")
    duration = _parse_minutes(raw_duration) if raw_duration else None
    if raw_duration and duration is None:
        problem("duration_minutes", duration_column, f"{raw_duration!r} is not a duration")

    if problems or owner is None or kind is None or occurred_at is None:
        return ParseIssue(location, "; ".join(problems))
    if contact is None:
        # An activity with nobody outside the team on it builds no relationship.
        return Skipped(location, NO_CONTACT)
    subject = field("subject")[1] or None
    people = [Participant(email=owner, role=ParticipantRole.FROM)]
    if contact != owner:
        people.append(Participant(email=contact, role=ParticipantRole.TO))
    try:
        return InteractionRecord(
            external_id=external_id,
            kind=kind,
            occurred_at=occurred_at,
            subject=subject,
            participants=tuple(people),
            source=SOURCE,
            duration_minutes=duration,
        )
    except ValidationError as exc:
        return ParseIssue(location, describe_validation_error(exc))


def iter_crm_csv(path: str | Path, mapping: ColumnMapping) -> Iterator[ParsedItem]:
    """Stream a CRM activity CSV; one item per row, located `file:LINE`.

    A mapped column missing from the header gives a single ParseIssue naming the file, the
    mapping field and the column, and nothing else. A bad row gives a ParseIssue naming
    each bad field and its column, and reading goes on. Rows without a contact email give
    Skipped "no-contact". Bytes that are not UTF-8 are replaced rather than fatal.
    """
    path = Path(path)
    with open_text(path) as handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames
        except csv.Error as exc:
            yield ParseIssue(f"{path.name}:1", f"header: {exc}")
            return
        if not header:
            yield ParseIssue(path.name, "header: the file is empty")
            return
        columns = resolve_columns(list(header), mapping)
        if isinstance(columns, tuple):
            field, candidates = columns
            wanted = " or ".join(repr(c) for c in candidates)
            yield ParseIssue(path.name, f"{field}: column {wanted} is not in the header")
            return
        end_of_previous = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield ParseIssue(f"{path.name}:{reader.line_num}", f"row: {exc}")
                if reader.line_num == end_of_previous:
                    break  # no progress: stop rather than loop
                end_of_previous = reader.line_num
                continue
            # A quoted field may span lines; a row is located at its first line.
            location = f"{path.name}:{end_of_previous + 1}"
            end_of_previous = reader.line_num
            yield _row_item(row, columns, mapping, location)
