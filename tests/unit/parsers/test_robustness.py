"""Parsers never raise for bad content: whatever the bytes, they yield items."""

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.parsers.calendar import iter_ics
from ingest.parsers.email import iter_mbox_lines, parse_message_bytes
from ingest.results import ParseIssue, Skipped
from tiegraph.domain import InteractionRecord

ITEM_TYPES = (InteractionRecord, Skipped, ParseIssue)

header_names = st.sampled_from(
    ["From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To", "References",
     "List-Id", "Precedence", "Auto-Submitted", "X-Other"]
)  # fmt: skip
header_values = st.binary(max_size=60).map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" "))
headers = st.lists(st.tuples(header_names, header_values), max_size=8).map(
    lambda pairs: b"".join(name.encode() + b": " + value + b"\r\n" for name, value in pairs)
)


@settings(max_examples=300, deadline=None)
@given(headers)
def test_any_header_block_gives_one_item(data: bytes) -> None:
    item = parse_message_bytes(data, "fuzz", now=datetime(2026, 3, 1, tzinfo=UTC))
    assert isinstance(item, ITEM_TYPES)


mbox_lines = st.lists(
    st.sampled_from([b"From x\n", b"\n", b"From: a@b.com\n", b"Date: 1 Mar 2026 09:00 Z\n"])
    | st.binary(max_size=30)
)


@settings(max_examples=200, deadline=None)
@given(mbox_lines)
def test_any_mbox_lines_give_items(lines: list[bytes]) -> None:
    assert all(isinstance(i, ITEM_TYPES) for i in iter_mbox_lines(lines, "fuzz.mbox"))


ics_lines = st.sampled_from(
    ["BEGIN:VEVENT", "END:VEVENT", "UID:u1", "UID:u2", "DTSTART:20260302T090000Z",
     "DTSTART;VALUE=DATE:20260302", "DTSTART:garbage", "DTEND:20260301T090000Z",
     "DURATION:PT30M", "DURATION:nonsense", "RRULE:FREQ=DAILY;COUNT=3", "RRULE:FREQ=NEVER",
     "EXDATE:20260303T090000Z", "RECURRENCE-ID:20260303T090000Z", "STATUS:CANCELLED",
     "ORGANIZER:mailto:ann@firm.com", "ATTENDEE;PARTSTAT=ODD:mailto:joe@acme.com",
     "ATTENDEE:urn:uuid:1234", "SUMMARY:hi", "BEGIN:VTODO", "END:VTODO", "X-FOO;BAR=1:x"]
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(ics_lines, max_size=25))
def test_any_calendar_gives_items(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "fuzz.ics"
    body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR", ""])
    path.write_text(body)
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC)
    assert all(isinstance(i, ITEM_TYPES) for i in iter_ics(path, start, end))
