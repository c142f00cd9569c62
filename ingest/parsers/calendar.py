"""iCalendar (.ics) events to meeting records, recurring series expanded within a horizon.

Memory: icalendar parses a whole calendar at once, and a recurring series cannot be
expanded before all of its overrides (RECURRENCE-ID components, which may sit anywhere in
the file) are known, so an .ics file is read whole. That is acceptable for calendar
exports, which are megabytes rather than gigabytes. Series are then expanded one UID at a
time, so only one series' occurrences are held at once and a broken series costs only
itself.

Times:

* A start with a zone is converted to UTC.
* An all-day start (a DATE) becomes midnight UTC of that date; its duration is whole days.
* A floating start (no zone, and no X-WR-TIMEZONE on the calendar) is taken as UTC. A
  floating time is a wall-clock time with no single instant; UTC keeps ids and times
  deterministic at the cost of being off by the owner's offset. The expander compares
  floating times with the horizon the same way.

Each occurrence is its own interaction with external_id `UID@<UTC start ISO>`, so
re-ingesting the same file gives the same ids. Locations are `file#UID` for a series and
`file#UID@<start>` for an occurrence; events without a UID are `file#event-N`.
"""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from itertools import islice, takewhile
from pathlib import Path

import recurring_ical_events  # type: ignore[import-untyped]
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]
from icalendar import Calendar, Component, Event, vCalAddress
from pydantic import ValidationError

from ingest.jsonl import describe_validation_error
from ingest.parsers.inputs import open_binary
from ingest.parsers.noise import is_automated_address
from ingest.results import ParsedItem, ParseIssue, Skipped
from tiegraph.domain import (
    InteractionKind,
    InteractionRecord,
    MeetingResponse,
    Participant,
    ParticipantRole,
)
from tiegraph.identity import normalise_address

SOURCE = "calendar"
CANCELLED = "cancelled"
NO_PARTICIPANTS = "no-participants"

_RESPONSES = {
    "ACCEPTED": MeetingResponse.ACCEPTED,
    "DECLINED": MeetingResponse.DECLINED,
    "TENTATIVE": MeetingResponse.TENTATIVE,
    "NEEDS-ACTION": MeetingResponse.NEEDS_ACTION,
}
# Rooms and equipment are invited like people but are not relationships.
_NOT_PEOPLE = frozenset({"ROOM", "RESOURCE"})
_CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+[;:]")
# An invite anyone can send may repeat every second for years, and the expander holds all
# of a series' occurrences at once: they are counted lazily first, and a series (or a file)
# with more than these in the horizon is an error instead. A daily meeting over the
# three-year horizon is about 1,100.
MAX_OCCURRENCES_PER_SERIES = 5_000
MAX_OCCURRENCES_PER_FILE = 200_000


def _first_bad_line(data: bytes) -> int | None:
    # icalendar's messages quote the bad line but not its number; find it ourselves.
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        if line and line[0] not in " \t" and not _CONTENT_LINE.match(line):
            return number
    return None


def _as_utc(moment: date | datetime) -> datetime:
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time(), tzinfo=UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _address(value: vCalAddress) -> str | None:
    return normalise_address(re.sub(r"^mailto:", "", str(value), flags=re.IGNORECASE))


def _participants(event: Component) -> list[Participant]:
    people: dict[str, Participant] = {}
    organizer = event.get("ORGANIZER")
    if isinstance(organizer, vCalAddress):
        address = _address(organizer)
        if address is not None and not is_automated_address(address):
            name = organizer.params.get("CN") or None
            people[address] = Participant(email=address, role=ParticipantRole.ORGANIZER, name=name)
    attendees = event.get("ATTENDEE", [])
    for attendee in attendees if isinstance(attendees, list) else [attendees]:
        if not isinstance(attendee, vCalAddress):
            continue
        address = _address(attendee)
        if address is None or is_automated_address(address):
            continue
        if str(attendee.params.get("CUTYPE", "")).upper() in _NOT_PEOPLE:
            continue
        # RFC 5545 makes NEEDS-ACTION the default; DELEGATED and the like map to None.
        partstat = str(attendee.params.get("PARTSTAT", "NEEDS-ACTION")).upper()
        response = _RESPONSES.get(partstat)
        known = people.get(address)
        if known is None:
            name = attendee.params.get("CN") or None
            people[address] = Participant(
                email=address, role=ParticipantRole.ATTENDEE, name=name, response=response
            )
        elif known.role is ParticipantRole.ORGANIZER and known.response is None:
            # Organizers often list themselves as attendees; keep their answer.
            people[address] = known.model_copy(update={"response": response})
    return list(people.values())


def _occurrence(event: Event, uid: str, name: str, cancel_all: bool) -> ParsedItem:
    occurred_at = _as_utc(event.start)
    external_id = f"{uid}@{occurred_at.isoformat()}"
    location = f"{name}#{external_id}"
    if cancel_all or str(event.get("STATUS", "")).upper() == "CANCELLED":
        return Skipped(location, CANCELLED)
    participants = _participants(event)
    if not participants:
        return Skipped(location, NO_PARTICIPANTS)
    summary = event.get("SUMMARY")
    try:
        return InteractionRecord(
            external_id=external_id,
            kind=InteractionKind.MEETING,
            occurred_at=occurred_at,
            subject=(str(summary).strip() or None) if summary is not None else None,
            participants=tuple(participants),
            source=SOURCE,
            duration_minutes=event.duration.total_seconds() / 60,
        )
    except ValidationError as exc:
        return ParseIssue(location, describe_validation_error(exc))


def _event_problem(event: Component, uid: str) -> str | None:
    if not uid:
        return "UID: missing"
    if event.errors:
        return "; ".join(f"{prop or 'event'}: {message}" for prop, message in event.errors)
    if event.get("DTSTART") is None:
        return "DTSTART: missing"
    return None


def _series_calendar(calendar: Component, events: list[Component]) -> Calendar:
    # Calendar-level properties carry X-WR-TIMEZONE, which the expander applies.
    single = Calendar()
    for key, value in calendar.items():
        single[key] = value
    for component in calendar.subcomponents:
        if component.name == "VTIMEZONE":
            single.add_component(component)
    for event in events:
        single.add_component(event)
    return single


def _rule_count(event: Component, start: datetime, end: datetime, cap: int) -> int:
    """How many times the event's rules fire in [start, end), counted lazily up to `cap`.
    Counted in naive UTC, ignoring UNTIL's zone: an estimate good enough for a bound."""
    rules = event.get("RRULE")
    first = _as_utc(event.decoded("DTSTART")).replace(tzinfo=None)
    lo, hi = start.replace(tzinfo=None), end.replace(tzinfo=None)
    total = 0
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        text = rule.to_ical().decode()
        moments = rrulestr(text, dtstart=first, ignoretz=True).xafter(lo, inc=True)
        total += sum(1 for _ in islice(takewhile(lambda at: at < hi, moments), cap - total))
    return total


def _too_many(events: list[Component], start: datetime, end: datetime, cap: int) -> str | None:
    """Why a series may not be expanded within `cap` occurrences, or None when it may."""
    try:
        count = sum(_rule_count(e, start, end, cap + 1) for e in events)
    except (ValueError, TypeError, OverflowError) as exc:
        return f"cannot expand the series ({exc})"
    if count > cap:
        return f"RRULE: more than {cap} occurrences in the horizon; series skipped"
    return None


def _calendar_items(
    calendar: Component, name: str, start: datetime, end: datetime
) -> Iterator[ParsedItem]:
    # An iTIP cancellation (METHOD:CANCEL) cancels every event it carries.
    cancel_all = str(calendar.get("METHOD", "")).upper() == "CANCEL"
    series: dict[str, list[Component]] = {}
    for index, event in enumerate(calendar.walk("VEVENT"), start=1):
        uid = str(event.get("UID", "")).strip()
        problem = _event_problem(event, uid)
        if problem is not None:
            yield ParseIssue(f"{name}#{uid}" if uid else f"{name}#event-{index}", problem)
            continue
        series.setdefault(uid, []).append(event)
    budget = MAX_OCCURRENCES_PER_FILE
    for uid, events in series.items():
        cap = min(MAX_OCCURRENCES_PER_SERIES, budget)
        if (problem := _too_many(events, start, end, cap)) is not None:
            if cap < MAX_OCCURRENCES_PER_SERIES:
                problem = f"more than {MAX_OCCURRENCES_PER_FILE} occurrences in the file"
            yield ParseIssue(f"{name}#{uid}", problem)
            continue
        try:
            query = recurring_ical_events.of(_series_calendar(calendar, events))
            occurrences: list[Component] = query.between(start, end)
        except Exception as exc:  # the expander raises many types on broken rules
            yield ParseIssue(f"{name}#{uid}", f"cannot expand the series ({exc})")
            continue
        budget -= len(occurrences)
        for occurrence in occurrences:
            if isinstance(occurrence, Event):
                try:
                    item = _occurrence(occurrence, uid, name, cancel_all)
                except ValueError as exc:  # e.g. a DTEND before DTSTART on one override
                    item = ParseIssue(f"{name}#{uid}", f"cannot read an occurrence ({exc})")
                yield item


def iter_ics(
    path: str | Path, horizon_start: datetime, horizon_end: datetime
) -> Iterator[ParsedItem]:
    """Meetings in an .ics file that take place, at least in part, in [horizon_start, horizon_end).

    Naive horizon bounds are taken as UTC. A file icalendar cannot parse gives a single
    ParseIssue naming the file (and the first malformed line when one can be found); a
    single bad event gives a ParseIssue naming its UID and property, and the rest of
    the calendar is still read. Cancelled events and occurrences give Skipped
    "cancelled"; events with nobody on them (private blocks) give "no-participants".
    """
    path = Path(path)
    with open_binary(path) as handle:
        data = handle.read()
    yield from iter_ics_bytes(data, path.name, horizon_start, horizon_end)


def iter_ics_bytes(
    data: bytes, name: str, horizon_start: datetime, horizon_end: datetime
) -> Iterator[ParsedItem]:
    """`iter_ics` for iCalendar data that is not a file (a CalDAV object), located by `name`."""
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except Exception as exc:  # icalendar signals bad input with ValueError and others
        line = _first_bad_line(data)
        where = f"{name}:{line}" if line is not None else name
        yield ParseIssue(where, f"not a valid iCalendar file ({exc})")
        return
    if not calendars:
        yield ParseIssue(name, "not a valid iCalendar file (no VCALENDAR)")
    start, end = _as_utc(horizon_start), _as_utc(horizon_end)
    for calendar in calendars:
        if calendar.name != "VCALENDAR":
            yield ParseIssue(name, f"top-level {calendar.name} is not a VCALENDAR")
            continue
        yield from _calendar_items(calendar, name, start, end)
