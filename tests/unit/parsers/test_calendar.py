from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event, vCalAddress

from ingest.parsers import calendar
from ingest.parsers.calendar import iter_ics
from ingest.results import ParseIssue, Skipped
from tiegraph.domain import (
    InteractionKind,
    InteractionRecord,
    MeetingResponse,
    Participant,
    ParticipantRole,
)

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 30, tzinfo=UTC)


def _address(email: str, **params: str) -> vCalAddress:
    value = vCalAddress(f"mailto:{email}")
    for key, param in params.items():
        value.params[key.upper()] = param
    return value


def _event(uid: str, start: datetime | date, **props: object) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime(2026, 2, 1, tzinfo=UTC))
    event.add("dtstart", start)
    for key, value in props.items():
        if key == "attendee":
            assert isinstance(value, list)
            for attendee in value:
                event.add("attendee", attendee)
        else:
            event.add(key.replace("_", "-"), value)
    return event


def _write(path: Path, *events: Event, method: str | None = None) -> Path:
    cal = Calendar()
    cal.add("prodid", "-//tiegraph tests//EN")
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()
    path.write_bytes(cal.to_ical())
    return path


def _records(items: Sequence[object]) -> list[InteractionRecord]:
    assert all(isinstance(i, InteractionRecord) for i in items), items
    return [i for i in items if isinstance(i, InteractionRecord)]


ANN = _address("Ann@Firm.com", cn="Ann Lee")


def test_weekly_series_with_exdate_and_cancelled_occurrence(tmp_path: Path) -> None:
    master = _event(
        "weekly-1@firm.com",
        datetime(2026, 3, 16, 10, 0, tzinfo=BERLIN),
        dtend=datetime(2026, 3, 16, 10, 30, tzinfo=BERLIN),
        rrule={"freq": "weekly", "count": 5},
        exdate=datetime(2026, 3, 23, 10, 0, tzinfo=BERLIN),
        summary="Acme sync",
        organizer=ANN,
        attendee=[
            _address("joe@acme.com", cn="Joe", partstat="ACCEPTED"),
            _address("kim@acme.com", cn="Kim", partstat="DECLINED"),
            _address("lou@acme.com", partstat="TENTATIVE"),
            _address("max@acme.com"),
        ],
    )
    cancelled = _event(
        "weekly-1@firm.com",
        datetime(2026, 4, 6, 10, 0, tzinfo=BERLIN),
        dtend=datetime(2026, 4, 6, 10, 30, tzinfo=BERLIN),
        recurrence_id=datetime(2026, 4, 6, 10, 0, tzinfo=BERLIN),
        status="CANCELLED",
        summary="Acme sync",
        organizer=ANN,
    )
    path = _write(tmp_path / "team.ics", master, cancelled)
    items = list(iter_ics(path, START, END))
    # 16 Mar (CET), 23 Mar excluded, 30 Mar (CEST), 6 Apr cancelled, 13 Apr.
    assert [getattr(i, "external_id", None) or i for i in items] == [
        "weekly-1@firm.com@2026-03-16T09:00:00+00:00",
        "weekly-1@firm.com@2026-03-30T08:00:00+00:00",
        Skipped("team.ics#weekly-1@firm.com@2026-04-06T08:00:00+00:00", "cancelled"),
        "weekly-1@firm.com@2026-04-13T08:00:00+00:00",
    ]
    first = items[0]
    assert isinstance(first, InteractionRecord)
    assert first.kind is InteractionKind.MEETING
    assert first.source == "calendar"
    assert first.occurred_at == datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    assert first.duration_minutes == 30.0
    assert first.subject == "Acme sync"
    assert first.participants == (
        Participant(email="ann@firm.com", role=ParticipantRole.ORGANIZER, name="Ann Lee"),
        Participant(
            email="joe@acme.com",
            role=ParticipantRole.ATTENDEE,
            name="Joe",
            response=MeetingResponse.ACCEPTED,
        ),
        Participant(
            email="kim@acme.com",
            role=ParticipantRole.ATTENDEE,
            name="Kim",
            response=MeetingResponse.DECLINED,
        ),
        Participant(
            email="lou@acme.com",
            role=ParticipantRole.ATTENDEE,
            response=MeetingResponse.TENTATIVE,
        ),
        Participant(
            email="max@acme.com",
            role=ParticipantRole.ATTENDEE,
            response=MeetingResponse.NEEDS_ACTION,
        ),
    )


def test_ids_are_stable_across_reingests(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.ics",
        _event(
            "daily@x",
            datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
            rrule={"freq": "daily", "count": 3},
            organizer=ANN,
        ),
    )
    ids = [[r.external_id for r in _records(list(iter_ics(path, START, END)))] for _ in range(2)]
    assert ids[0] == ids[1] == [f"daily@x@2026-03-0{d}T08:00:00+00:00" for d in (2, 3, 4)]


def test_time_zones_all_day_and_floating(tmp_path: Path) -> None:
    attendee = [_address("joe@acme.com", partstat="ACCEPTED")]
    path = _write(
        tmp_path / "mixed.ics",
        _event(
            "ny",
            datetime(2026, 3, 3, 9, 0, tzinfo=ZoneInfo("America/New_York")),
            duration=timedelta(minutes=45),
            organizer=ANN,
        ),
        _event(
            "kolkata",
            datetime(2026, 3, 4, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata")),
            dtend=datetime(2026, 3, 4, 10, 15, tzinfo=ZoneInfo("Asia/Kolkata")),
            organizer=ANN,
        ),
        _event("offsite", date(2026, 3, 5), dtend=date(2026, 3, 7), attendee=attendee),
        _event("floating", datetime(2026, 3, 6, 14, 0), summary="Floating", attendee=attendee),
    )
    records = {r.external_id.split("@")[0]: r for r in _records(list(iter_ics(path, START, END)))}
    assert records["ny"].occurred_at == datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    assert records["ny"].duration_minutes == 45.0
    assert records["kolkata"].occurred_at == datetime(2026, 3, 4, 3, 30, tzinfo=UTC)
    assert records["kolkata"].duration_minutes == 75.0
    assert records["offsite"].external_id == "offsite@2026-03-05T00:00:00+00:00"
    assert records["offsite"].duration_minutes == 2 * 24 * 60
    assert records["offsite"].participants == (
        Participant(
            email="joe@acme.com", role=ParticipantRole.ATTENDEE, response=MeetingResponse.ACCEPTED
        ),
    )
    assert records["floating"].occurred_at == datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
    assert records["floating"].duration_minutes == 0.0


def test_horizon_excludes_events_outside_it(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.ics",
        _event("before", datetime(2026, 2, 27, 9, tzinfo=UTC), organizer=ANN),
        _event("inside", datetime(2026, 3, 27, 9, tzinfo=UTC), organizer=ANN),
        _event("after", datetime(2026, 5, 2, 9, tzinfo=UTC), organizer=ANN),
    )
    assert [r.external_id for r in _records(list(iter_ics(path, START, END)))] == [
        "inside@2026-03-27T09:00:00+00:00"
    ]


def test_rooms_robots_and_organizer_answer(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.ics",
        _event(
            "room",
            datetime(2026, 3, 10, 9, tzinfo=UTC),
            organizer=ANN,
            attendee=[
                _address("ann@firm.com", partstat="ACCEPTED"),
                _address("Joe@Acme.com", cn="Joe"),
                _address("c_123@resource.calendar.google.com", cn="Room 4"),
                _address("board-room@firm.com", cutype="ROOM"),
            ],
        ),
    )
    (record,) = _records(list(iter_ics(path, START, END)))
    assert record.participants == (
        Participant(
            email="ann@firm.com",
            role=ParticipantRole.ORGANIZER,
            name="Ann Lee",
            response=MeetingResponse.ACCEPTED,
        ),
        Participant(
            email="joe@acme.com",
            role=ParticipantRole.ATTENDEE,
            name="Joe",
            response=MeetingResponse.NEEDS_ACTION,
        ),
    )


def test_cancelled_private_and_method_cancel(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.ics",
        _event("gone", datetime(2026, 3, 10, 9, tzinfo=UTC), status="CANCELLED", organizer=ANN),
        _event("focus", datetime(2026, 3, 11, 9, tzinfo=UTC), summary="Focus time"),
    )
    assert list(iter_ics(path, START, END)) == [
        Skipped("c.ics#gone@2026-03-10T09:00:00+00:00", "cancelled"),
        Skipped("c.ics#focus@2026-03-11T09:00:00+00:00", "no-participants"),
    ]
    invite = _write(
        tmp_path / "invite.ics",
        _event("call", datetime(2026, 3, 12, 9, tzinfo=UTC), organizer=ANN),
        method="CANCEL",
    )
    assert list(iter_ics(invite, START, END)) == [
        Skipped("invite.ics#call@2026-03-12T09:00:00+00:00", "cancelled")
    ]


def test_invalid_file_is_one_issue_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.ics"
    path.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nthis line is not iCalendar\r\n")
    (item,) = list(iter_ics(path, START, END))
    assert isinstance(item, ParseIssue)
    assert item.location == "broken.ics:3"
    assert item.message.startswith("not a valid iCalendar file")


def test_non_calendar_file_is_one_issue(tmp_path: Path) -> None:
    path = tmp_path / "empty.ics"
    path.write_bytes(b"")
    (item,) = list(iter_ics(path, START, END))
    assert isinstance(item, ParseIssue)
    assert item.location == "empty.ics"


def test_bad_event_is_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    good = _write(
        tmp_path / "good.ics", _event("ok", datetime(2026, 3, 10, 9, tzinfo=UTC), organizer=ANN)
    ).read_bytes()
    broken = good.replace(
        b"BEGIN:VEVENT",
        b"BEGIN:VEVENT\r\nUID:bad-date\r\nDTSTART:2026-03-10 nine\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nDTSTART:20260311T090000Z\r\nSUMMARY:no uid\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT",
        1,
    )
    path = tmp_path / "some-bad.ics"
    path.write_bytes(broken)
    items = list(iter_ics(path, START, END))
    assert isinstance(items[0], ParseIssue)
    assert items[0].location == "some-bad.ics#bad-date"
    assert items[0].message.startswith("DTSTART: ")
    assert items[1] == ParseIssue("some-bad.ics#event-2", "UID: missing")
    assert [r.external_id for r in _records(items[2:])] == ["ok@2026-03-10T09:00:00+00:00"]


def test_a_series_repeating_every_second_is_an_error_not_a_flood(tmp_path: Path) -> None:
    # Expanded, this rule is 5 million occurrences in the horizon: gigabytes held at once.
    flood = _event("flood", datetime(2026, 3, 1, tzinfo=UTC), organizer=ANN,
                   rrule={"freq": "secondly"})  # fmt: skip
    fine = _event("daily", datetime(2026, 3, 1, 9, tzinfo=UTC), organizer=ANN,
                  rrule={"freq": "daily", "count": 3})  # fmt: skip
    items = list(iter_ics(_write(tmp_path / "invite.ics", flood, fine), START, END))
    assert items[0] == ParseIssue(
        "invite.ics#flood", "RRULE: more than 5000 occurrences in the horizon; series skipped"
    )
    assert len(_records(items[1:])) == 3


def test_occurrences_are_capped_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calendar, "MAX_OCCURRENCES_PER_FILE", 5)
    series = [_event(f"s{i}", datetime(2026, 3, 1, 9, tzinfo=UTC), organizer=ANN,
                     rrule={"freq": "daily", "count": 2}) for i in range(4)]  # fmt: skip
    items = list(iter_ics(_write(tmp_path / "many.ics", *series), START, END))
    assert len(_records(items[:4])) == 4
    assert items[4] == ParseIssue("many.ics#s2", "more than 5 occurrences in the file")
    assert items[5] == ParseIssue("many.ics#s3", "more than 5 occurrences in the file")
