"""Email to interaction records, from headers only: .eml files, mbox, maildir and zip archives.

Bodies are never read into records, and never held in memory: every reader stops
collecting a message at the blank line that ends its headers and only skims past the
body to find the next message.

Decoding choices, made once here so every mail source behaves the same:

* Encoded-words (RFC 2047) and folded headers are decoded by the stdlib parser with
  `email.policy.default`, which also splits address lists correctly when a decoded
  display name contains a comma.
* Raw 8-bit header bytes are read as UTF-8 (RFC 6532); bytes that are not valid UTF-8
  become U+FFFD and the message is still ingested. A mangled display name or subject does
  not change who wrote to whom, so it is not worth a ParseIssue. A header the stdlib
  cannot parse at all still gives a ParseIssue naming it rather than an exception.
* A Date without a zone (`-0000`, or none) is taken as UTC, as RFC 5322 section 3.3
  describes `-0000`.
* Recipients that are not valid addresses (`undisclosed-recipients:;`) are dropped.
"""

import hashlib
import re
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from email.headerregistry import AddressHeader, DateHeader
from email.message import Message
from email.parser import BytesHeaderParser
from pathlib import Path
from zipfile import BadZipFile, ZipFile

from pydantic import ValidationError

from ingest.jsonl import describe_validation_error
from ingest.parsers.detect import SNIFF_BYTES, detect_bytes
from ingest.parsers.noise import is_admin_subject, is_automated_address, message_noise_reason
from ingest.results import ParsedItem, ParseIssue, Skipped
from tiegraph.domain import InteractionKind, InteractionRecord, Participant, ParticipantRole
from tiegraph.identity import normalise_address

SOURCE = "email"
# Real header blocks are a few kilobytes; this bounds memory on a corrupt file that never
# reaches the blank line ending its headers.
MAX_HEADER_BYTES = 1 << 20
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)

_PARSER = BytesHeaderParser(policy=policy.default)
_BRACKETED_ID = re.compile(r"<([^<>]+)>")
_ROLES = (
    ("From", ParticipantRole.FROM),
    ("To", ParticipantRole.TO),
    ("Cc", ParticipantRole.CC),
)


class _HeaderError(Exception):
    """A header the stdlib parser raised on; carries the field name for the ParseIssue."""

    def __init__(self, field: str, cause: Exception) -> None:
        super().__init__(f"{field}: cannot be parsed ({type(cause).__name__}: {cause})")


class _Oversized(Exception):
    """The header block is longer than MAX_HEADER_BYTES."""


def _clean(text: str) -> str:
    # The bytes parser keeps non-ASCII bytes as lone surrogates; turn them back into
    # bytes and decode those as UTF-8, replacing what is not UTF-8.
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def _values(msg: Message, field: str) -> list[object]:
    try:
        return list(msg.get_all(field, []))
    except Exception as exc:  # the stdlib header parser has raised on odd input before
        raise _HeaderError(field, exc) from exc


def _text(msg: Message, field: str) -> str | None:
    values = _values(msg, field)
    if not values:
        return None
    return _clean(str(values[0])).strip() or None


def _addresses(msg: Message, field: str) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for value in _values(msg, field):
        if not isinstance(value, AddressHeader):
            continue
        for item in value.addresses:
            address = normalise_address(_clean(item.addr_spec))
            if address is not None:
                found.append((address, _clean(item.display_name).strip() or None))
    return found


def _occurred_at(msg: Message, now: datetime) -> datetime | str:
    """The Date as an aware UTC datetime, or a problem message naming the Date field."""
    values = _values(msg, "Date")
    if not values:
        return "Date: missing"
    header = values[0]
    when = header.datetime if isinstance(header, DateHeader) else None
    if when is None:
        return f"Date: {_clean(str(header))!r} is not a valid date"
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    if when < EARLIEST_DATE:
        return f"Date: {when.isoformat()} is before {EARLIEST_DATE.date().isoformat()}"
    if when > now + FUTURE_SLACK:
        return f"Date: {when.isoformat()} is more than a day in the future"
    return when


def _ids(value: str | None) -> list[str]:
    if not value:
        return []
    bracketed = [i.strip() for i in _BRACKETED_ID.findall(value) if i.strip()]
    # Some clients write bare ids; fall back to whitespace-separated tokens.
    return bracketed or [t.strip("<>") for t in value.split() if t.strip("<>")]


def _fallback_id(msg: Message) -> str:
    # Stable across re-ingests of the same message from different containers.
    parts = [_text(msg, field) or "" for field in ("From", "Date", "Subject", "To")]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "replace")).hexdigest()
    return f"sha256:{digest}"


def _participants(msg: Message) -> list[Participant]:
    people: dict[str, Participant] = {}
    for field, role in _ROLES:
        for address, name in _addresses(msg, field):
            # A role mailbox in To/Cc is no relationship, but the message still is one.
            if role is not ParticipantRole.FROM and is_automated_address(address):
                continue
            people.setdefault(address, Participant(email=address, role=role, name=name))
    return list(people.values())


def _parse(data: bytes, location: str, now: datetime) -> ParsedItem:
    msg = _PARSER.parsebytes(data)
    senders = _addresses(msg, "From")
    subject = _text(msg, "Subject")
    reason = message_noise_reason(
        senders[0][0] if senders else None,
        subject=subject,
        list_id=_text(msg, "List-Id"),
        list_unsubscribe=_text(msg, "List-Unsubscribe"),
        precedence=_text(msg, "Precedence"),
        auto_submitted=_text(msg, "Auto-Submitted"),
    )
    if reason is not None:
        return Skipped(location, reason)

    problems: list[str] = []
    if not senders:
        raw_from = _text(msg, "From")
        problems.append(
            "From: missing" if raw_from is None else f"From: {raw_from!r} has no valid address"
        )
    occurred_at = _occurred_at(msg, now)
    if isinstance(occurred_at, str):
        problems.append(occurred_at)
    if problems or isinstance(occurred_at, str):
        return ParseIssue(location, "; ".join(problems))

    message_ids = _ids(_text(msg, "Message-ID"))
    replied = _ids(_text(msg, "In-Reply-To")) or _ids(_text(msg, "References"))
    try:
        return InteractionRecord(
            external_id=message_ids[0] if message_ids else _fallback_id(msg),
            kind=InteractionKind.EMAIL,
            occurred_at=occurred_at,
            subject=subject,
            participants=tuple(_participants(msg)),
            source=SOURCE,
            in_reply_to=replied[-1] if replied else None,
            is_admin=is_admin_subject(subject),
        )
    except ValidationError as exc:
        return ParseIssue(location, describe_validation_error(exc))


def parse_message_bytes(data: bytes, location: str, *, now: datetime | None = None) -> ParsedItem:
    """The record for one message's header bytes, a Skipped for noise, or a ParseIssue.

    `data` may hold the whole message; only the headers are parsed. `now` (default: the
    current time) bounds how far in the future a Date may be.
    """
    try:
        return _parse(data, location, now or datetime.now(UTC))
    except _HeaderError as exc:
        return ParseIssue(location, str(exc))


def _collect_headers(lines: Iterable[bytes]) -> bytes:
    """The header block of a message read line by line, up to the blank line ending it."""
    parts: list[bytes] = []
    size = 0
    for number, line in enumerate(lines):
        if not line.rstrip(b"\r\n"):
            break
        # Some tools save single messages with an mbox "From " envelope line first.
        if number == 0 and line.startswith(b"From "):
            continue
        size += len(line)
        if size > MAX_HEADER_BYTES:
            raise _Oversized
        parts.append(line)
    return b"".join(parts)


def _parse_stream(lines: Iterable[bytes], location: str, now: datetime | None) -> ParsedItem:
    try:
        headers = _collect_headers(lines)
    except _Oversized:
        return ParseIssue(location, f"headers: longer than {MAX_HEADER_BYTES} bytes")
    if not headers.strip():
        return ParseIssue(location, "headers: none found")
    return parse_message_bytes(headers, location, now=now)


def _parse_file(path: Path, location: str, now: datetime | None) -> ParsedItem:
    try:
        with path.open("rb") as handle:
            return _parse_stream(handle, location, now)
    except OSError as exc:
        return ParseIssue(location, f"cannot be read ({exc.strerror or exc})")


def iter_eml(path: str | Path, *, now: datetime | None = None) -> Iterator[ParsedItem]:
    """One item for a single RFC 822 message file; the location is the file name."""
    path = Path(path)
    yield _parse_file(path, path.name, now)


def _finish_mbox_message(
    location: str, header: list[bytes], size: int, ended: bool, now: datetime | None
) -> ParsedItem:
    if size > MAX_HEADER_BYTES:
        return ParseIssue(location, f"headers: longer than {MAX_HEADER_BYTES} bytes")
    if not b"".join(header).strip():
        return ParseIssue(location, "headers: none after the 'From ' line")
    if not ended:
        return ParseIssue(location, "headers: the file ends inside them (truncated message)")
    return parse_message_bytes(b"".join(header), location, now=now)


def iter_mbox_lines(
    lines: Iterable[bytes], name: str, *, now: datetime | None = None
) -> Iterator[ParsedItem]:
    """Stream an mbox given as binary lines; locations are `name#message-N` (1-based).

    A message starts at a line beginning with "From " that opens the file or follows a
    blank line. Requiring the blank line keeps an unquoted "From " at the start of a body
    paragraph from splitting a message in most cases (writers following mboxrd quote it as
    ">From " anyway). Only one message's headers are held at a time.
    """
    number = 0
    header: list[bytes] = []
    size = 0
    in_headers = False
    previous_blank = True
    reported_preamble = False
    for line_number, line in enumerate(lines, start=1):
        blank = not line.rstrip(b"\r\n")
        if previous_blank and line.startswith(b"From "):
            if number:
                yield _finish_mbox_message(
                    f"{name}#message-{number}", header, size, not in_headers, now
                )
            number += 1
            header, size, in_headers = [], 0, True
        elif number == 0:
            if not blank and not reported_preamble:
                reported_preamble = True
                yield ParseIssue(
                    f"{name}:{line_number}", "text before the first 'From ' separator line"
                )
        elif in_headers:
            if blank:
                in_headers = False
            else:
                size += len(line)
                if size <= MAX_HEADER_BYTES:
                    header.append(line)
        previous_blank = blank
    if number:
        yield _finish_mbox_message(f"{name}#message-{number}", header, size, not in_headers, now)


def iter_mbox(path: str | Path, *, now: datetime | None = None) -> Iterator[ParsedItem]:
    """Stream an mbox file line by line; see `iter_mbox_lines` for how messages are split."""
    path = Path(path)
    with path.open("rb") as handle:
        yield from iter_mbox_lines(handle, path.name, now=now)


def iter_maildir(path: str | Path, *, now: datetime | None = None) -> Iterator[ParsedItem]:
    """Every message in a maildir's cur/ and new/ (tmp/ holds unfinished deliveries).

    Locations are `maildir/cur/<file>`; files are read in name order so runs repeat.
    """
    root = Path(path)
    folders = [root / sub for sub in ("cur", "new") if (root / sub).is_dir()]
    if not folders:
        yield ParseIssue(root.name, "not a maildir: no cur/ or new/ directory")
    for folder in folders:
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or not entry.is_file():
                continue
            yield _parse_file(entry, f"{root.name}/{folder.name}/{entry.name}", now)


def _is_metadata(member: str) -> bool:
    # Finder and other tools add these; they are never mail.
    return member.startswith("__MACOSX/") or member.rpartition("/")[2].startswith(".")


def _is_maildir_member(member: str) -> bool:
    parts = member.split("/")
    return len(parts) >= 2 and parts[-2] in ("cur", "new")


def iter_zip(path: str | Path, *, now: datetime | None = None) -> Iterator[ParsedItem]:
    """Mail inside a zip archive: mbox members, .eml members and maildir-style members.

    Members are recognised by content (an mbox by its "From " line, a message by its
    header block) with the name as a fallback; anything else gives Skipped "not-email".
    Locations are `archive.zip!member`, plus `#message-N` inside an mbox member. Members
    are decompressed as streams, never extracted to disk or held whole in memory.
    """
    path = Path(path)
    try:
        archive = ZipFile(path)
    except BadZipFile as exc:
        yield ParseIssue(path.name, f"not a readable zip archive ({exc})")
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir() or _is_metadata(info.filename):
                continue
            location = f"{path.name}!{info.filename}"
            try:
                with archive.open(info) as member:
                    kind = detect_bytes(member.read(SNIFF_BYTES))
                with archive.open(info) as member:
                    if kind == "mbox":
                        yield from iter_mbox_lines(member, location, now=now)
                    elif (
                        kind == "eml"
                        or info.filename.lower().endswith(".eml")
                        or _is_maildir_member(info.filename)
                    ):
                        yield _parse_stream(member, location, now)
                    else:
                        yield Skipped(location, "not-email")
            except (BadZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error) as exc:
                # Encrypted, corrupt or unsupported-compression members; the rest may be fine.
                yield ParseIssue(location, f"cannot be read from the archive ({exc})")
