"""Real-format source files the integration tests write: mbox, Maildir, .ics, CSV."""

import mailbox
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

RECENT = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)


def message(
    ident: str, sender: str, to: str, *, cc: str | None = None, subject: str = "Proposal",
    at: datetime = RECENT, **headers: str,
) -> EmailMessage:  # fmt: skip
    """An ordinary email with a body (which tiegraph never reads)."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    if cc:
        msg["Cc"] = cc
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = f"<{ident}>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Hello,\n\nthe body is never stored.\n")
    return msg


def write_mbox(path: Path, messages: list[EmailMessage]) -> Path:
    """An mbox file holding `messages`."""
    box = mailbox.mbox(str(path))
    for msg in messages:
        box.add(msg)
    box.flush()
    box.close()
    return path


def write_maildir(path: Path, messages: list[EmailMessage]) -> Path:
    """A Maildir directory holding `messages`."""
    box = mailbox.Maildir(str(path), create=True)
    for msg in messages:
        box.add(msg)
    return path


def ics_time(at: datetime) -> str:
    """An iCalendar UTC date-time."""
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def weekly_meeting_ics(path: Path, start: datetime, weeks: int) -> Path:
    """A weekly series organised by ann@firm.test with joe (accepted) and sue (declined)."""
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tiegraph tests//EN", "BEGIN:VEVENT",
        "UID:weekly-sync@firm.test", f"DTSTAMP:{ics_time(start)}", f"DTSTART:{ics_time(start)}",
        f"DTEND:{ics_time(start + timedelta(minutes=30))}", f"RRULE:FREQ=WEEKLY;COUNT={weeks}",
        "SUMMARY:Weekly sync", "ORGANIZER;CN=Ann Lee:mailto:ann@firm.test",
        "ATTENDEE;CN=Joe Doe;PARTSTAT=ACCEPTED:mailto:joe@acme.com",
        "ATTENDEE;CN=Sue Roe;PARTSTAT=DECLINED:mailto:sue@acme.com",
        "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    path.write_text("\r\n".join(lines) + "\r\n")
    return path
