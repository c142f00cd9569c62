"""Email to interaction records, from headers only: .eml files, mbox, maildir and zip archives.

Bodies are never read into records, and never held in memory: every reader stops
collecting a message at the blank line that ends its headers and only skims past the
body to find the next message (mbox files and members are searched in large reads).

Decoding choices, made once here so every mail source behaves the same:

* Header bytes are read as UTF-8 (RFC 6532); bytes that are not valid UTF-8 become U+FFFD
  and the message is still ingested. A mangled display name or subject does not change
  who wrote to whom, so it is not worth a ParseIssue.
* Folded headers are unfolded here. Header lines are told apart as the stdlib parser
  does: a line that is neither a field, a continuation nor an mbox "From " line ends the
  header block. Only the fields a record uses are read, names in any case; the first
  occurrence counts, except that repeated From/To/Cc fields are all read.
* Encoded-words (RFC 2047) are decoded in those fields, wherever they stand, and white
  space between two of them is dropped (RFC 2047 section 6.2). The Message-ID is kept as
  written.
* Address lists in the common forms (`ann@firm.com`, `Ann Lee <ann@firm.com>`,
  `"Lee, Ann" <...>`, encoded-word names) are split by a small pattern, before display
  names are decoded, so a decoded name with a comma stays one name. Anything else
  (groups such as `undisclosed-recipients:;`, comments, quoting) is read by the stdlib
  header registry of `email.policy.default`.
* The usual Date form (`Mon, 2 Mar 2026 09:00:00 +0100`) is read with
  `datetime.fromisoformat`, any other with `email.utils.parsedate_to_datetime`. A Date
  without a zone (`-0000`) is taken as UTC, as RFC 5322 section 3.3 describes it.
* A header the stdlib cannot parse at all gives a ParseIssue naming it, not an exception.
* Recipients that are not valid addresses (`undisclosed-recipients:;`) are dropped.
* A message without a Message-ID gets a hash of From, Date, Subject and To as the stdlib
  parser (`email.policy.default`) renders them, as earlier versions did, so its id stays
  the same across versions.

Mail repeats the same correspondents, so parsed address fields, participants and normalised
addresses are kept in LRU caches of `CACHE_SIZE` entries each. Whether a message is admin
paperwork is not the parser's call: ingestion applies the scoring profile's rule.
"""

import base64
import binascii
import hashlib
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from zipfile import BadZipFile, ZipFile, ZipInfo

from pydantic import ValidationError

from ingest.jsonl import describe_validation_error, iter_jsonl_stream
from ingest.parsers.detect import SNIFF_BYTES, detect_bytes
from ingest.parsers.inputs import open_binary
from ingest.parsers.lines import LongLine, bounded_lines
from ingest.parsers.noise import is_automated_address, message_noise_reason
from ingest.results import ParsedItem, ParseIssue, Skipped
from tiegraph.domain import (
    InteractionKind,
    InteractionRecord,
    Participant,
    ParticipantRole,
    time_problem,
)
from tiegraph.identity import normalise_address

SOURCE = "email"
# Real header blocks are a few kilobytes; this bounds memory on a corrupt file that never
# reaches the blank line ending its headers.
MAX_HEADER_BYTES = 1 << 20
# Entries per cache; each holds a few short strings.
CACHE_SIZE = 1 << 16
# How much of an mbox is read at a time.
READ_SIZE = 1 << 20

_ADDRESS_FIELDS = ("from", "to", "cc")
HEADER_FIELDS = (
    "from", "to", "cc", "date", "message-id", "in-reply-to", "references", "subject",
    "list-id", "list-unsubscribe", "precedence", "auto-submitted",
)  # fmt: skip
# Every pattern over header text runs on "\n" + the text, so "\n" marks each line start.
# The stdlib feedparser stops reading headers at the first line that is not a field
# (printable ASCII but ":", then ":"), a continuation or an mbox "From " line.
_END_OF_HEADERS = re.compile(r"\n(?![\041-\071\073-\176]*:|[ \t]|From )")
_WANTED_FIELD = re.compile(
    rf"\n({'|'.join(HEADER_FIELDS)}):[ \t]*([^\n]*(?:\n[ \t][^\n]*)*)", re.IGNORECASE | re.ASCII
)
# A blank line (the "\n" before it first), and one followed by an mbox "From " line.
_BLANK_LINE = re.compile(rb"\n\r*\n")
_SEPARATOR = re.compile(rb"\n\r*\n(?=From )")
_BRACKETED_ID = re.compile(r"<([^<>]+)>")

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?)\?=")
_Q_ESCAPE = re.compile(rb"=([a-fA-F0-9]{2})")

# One mailbox of an address list in its common forms; the header registry reads the rest.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDR_SPEC = rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
PLAIN_ADDRESS = re.compile(_ADDR_SPEC)  # for the test that pins the shortcut above
_PHRASE_ATOM = r"[^\s\"<>()@,:;\[\]\\]+"
_MAILBOX = re.compile(
    rf"[ \t]*(?:(?P<bare>{_ADDR_SPEC})"
    rf"|(?:\"(?P<quoted>[^\"\\]*)\"|(?P<phrase>{_PHRASE_ATOM}(?:[ \t]+{_PHRASE_ATOM})*))?"
    rf"[ \t]*<(?P<addr>{_ADDR_SPEC})>)[ \t]*(?:,|\Z)"
)
# The Date form nearly every client writes; others go to parsedate_to_datetime.
_USUAL_DATE = re.compile(
    r"[A-Za-z]{3}, \d\d [A-Z][a-z]{2} [1-9]\d{3} \d\d:\d\d:\d\d [+-]\d{4}", re.ASCII
)
_MONTHS = {
    m: f"{n:02d}"
    for n, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}

# Only for the fallback id of a message without a Message-ID (see the module docstring).
_REGISTRY_PARSER = BytesHeaderParser(policy=policy.default)


class _HeaderError(Exception):
    """A header the stdlib raised on; carries the field name for the ParseIssue."""

    def __init__(self, field: str, cause: Exception) -> None:
        super().__init__(f"{field}: cannot be parsed ({type(cause).__name__}: {cause})")


class _Oversized(Exception):
    """The header block, or one line of it (`line`, 1-based), is longer than MAX_HEADER_BYTES."""

    def __init__(self, line: int | None) -> None:
        super().__init__(line)
        self.line = line


Fields = dict[str, str]


def _header_fields(data: bytes) -> Fields:
    """The unfolded values of the fields in `HEADER_FIELDS` in a header block, by lower-case name.

    The first occurrence of a field counts, except that repeated address fields are joined.
    """
    text = "\n" + data.decode("utf-8", "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    end = _END_OF_HEADERS.search(text)
    found = _WANTED_FIELD.findall(text, 0, len(text) if end is None else end.start())
    fields = {name.lower(): value.replace("\n", "") for name, value in reversed(found)}
    if len(fields) < len(found):
        for field in _ADDRESS_FIELDS:
            repeated = [v.replace("\n", "") for k, v in found if k.lower() == field]
            if len(repeated) > 1:
                fields[field] = ", ".join(v for v in repeated if v.strip())
    return fields


def _decode_b(raw: bytes) -> bytes | None:
    try:
        return base64.b64decode(raw + b"=" * (-len(raw) % 4), validate=True)
    except binascii.Error:
        try:
            return base64.b64decode(raw + b"==")
        except binascii.Error:
            return None


def _decode_word(match: re.Match[str]) -> str | None:
    """One encoded-word's text, or None when it is not a valid one."""
    charset, encoding, payload = match.groups()
    if not payload.isascii():
        return None
    if encoding in "bB":
        raw = _decode_b(payload.encode("ascii"))
        if raw is None:
            return None
    else:
        raw = _Q_ESCAPE.sub(_q_byte, payload.encode("ascii").replace(b"_", b" "))
    try:
        return raw.decode(charset.partition("*")[0], "replace")
    except LookupError:  # an unknown charset: keep what is UTF-8
        return raw.decode("utf-8", "replace")


def _q_byte(match: re.Match[bytes]) -> bytes:
    return bytes.fromhex(match.group(1).decode("ascii"))


def _decode_words(text: str) -> str:
    """`text` with its RFC 2047 encoded-words decoded."""
    if "=?" not in text:
        return text
    pieces: list[str] = []
    position = 0
    after_word = False
    for match in _ENCODED_WORD.finditer(text):
        decoded = _decode_word(match)
        if decoded is None:
            continue
        gap = text[position : match.start()]
        if not (after_word and gap and not gap.strip(" \t")):
            pieces.append(gap)
        pieces.append(decoded)
        position, after_word = match.end(), True
    pieces.append(text[position:])
    return "".join(pieces)


def _first(value: str | None) -> str | None:
    """A field's value decoded and stripped; None when missing or blank."""
    return (_decode_words(value).strip() or None) if value else None


def _fast_mailboxes(value: str) -> list[tuple[str, str | None]] | None:
    """(display name, normalised address) pairs when every mailbox has a common form, else
    None. A plain addr-spec lower-cased is what `normalise_address` makes of it (a test pins
    this), so the slow general parse behind that is skipped."""
    pairs: list[tuple[str, str | None]] = []
    position, end = 0, len(value)
    while position < end:
        match = _MAILBOX.match(value, position)
        if match is None:
            return None
        bare, quoted, phrase, addr = match.groups()
        if bare is not None:
            pairs.append(("", bare.lower()))
        else:
            name = quoted if quoted is not None else " ".join((phrase or "").split())
            pairs.append((_decode_words(name), addr.lower()))
        position = match.end()
    return pairs


def _registry_mailboxes(field: str, value: str) -> list[tuple[str, str]]:
    """(display name, address) pairs as the stdlib header registry reads them: groups,
    comments, quoting and the rest of RFC 5322, for what `_fast_mailboxes` does not take."""
    header = policy.default.header_factory(field, value)
    return [(_clean(a.display_name), _clean(a.addr_spec)) for a in header.addresses]


_normalise = lru_cache(maxsize=CACHE_SIZE)(normalise_address)
_is_automated = lru_cache(maxsize=CACHE_SIZE)(is_automated_address)


@lru_cache(maxsize=CACHE_SIZE)
def _person(email: str, role: ParticipantRole, name: str | None) -> Participant:
    # Participants are frozen, so every record that names this one can share it.
    return Participant(email=email, role=role, name=name)


@lru_cache(maxsize=CACHE_SIZE)
def _field_people(value: str, role: ParticipantRole) -> tuple[Participant, ...]:
    """Who one address field names, in `role`; invalid addresses are dropped, and so are
    role mailboxes in To/Cc (no relationship, though the message still is one)."""
    pairs = _fast_mailboxes(value)
    if pairs is None:
        pairs = [(n, _normalise(a)) for n, a in _registry_mailboxes(role.value, value)]
    people: list[Participant] = []
    for name, email in pairs:
        if email is not None and (role is ParticipantRole.FROM or not _is_automated(email)):
            people.append(_person(email, role, name.strip() or None))
    return tuple(people)


def _people(value: str | None, role: ParticipantRole) -> tuple[Participant, ...]:
    if not value:
        return ()
    try:
        return _field_people(value, role)
    except Exception as exc:  # the stdlib address parser has raised on odd input before
        raise _HeaderError(role.value.title(), exc) from exc


def _participants(fields: Fields, senders: tuple[Participant, ...]) -> tuple[Participant, ...]:
    """Everyone in From, To and Cc, once each: a person's first role wins."""
    people = senders + _people(fields.get("to"), ParticipantRole.TO)
    people += _people(fields.get("cc"), ParticipantRole.CC)
    first: dict[str, Participant] = {}
    for person in people:
        first.setdefault(person.email, person)
    return people if len(first) == len(people) else tuple(first.values())


def _fast_date(value: str) -> datetime | None:
    """The usual `Mon, 02 Mar 2026 09:00:00 +0100` (or `2 Mar`) in UTC; None for any other
    form, or when `datetime.fromisoformat` does not take it."""
    if len(value) == 30:  # a one-digit day
        value = f"{value[:5]}0{value[5:]}"
    month = _MONTHS.get(value[8:11])
    if month is None or not _USUAL_DATE.fullmatch(value):
        return None
    try:
        iso = f"{value[12:16]}-{month}-{value[5:7]}T{value[17:25]}{value[26:]}"
        return datetime.fromisoformat(iso).astimezone(UTC)
    except (ValueError, OverflowError):  # the stdlib decides, and words the error
        return None


def _parse_date(value: str) -> datetime | None:
    """The Date in UTC, or None when it is no date."""
    when = _fast_date(value)
    if when is not None:
        return when
    try:
        when = parsedate_to_datetime(value)
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    except Exception as exc:  # the stdlib date parser has raised on odd input before
        raise _HeaderError("Date", exc) from exc


def _occurred_at(value: str | None, now: datetime) -> datetime | str:
    """The Date as an aware UTC datetime, or a problem message naming the Date field."""
    if value is None:
        return "Date: missing"
    when = _parse_date(value)
    if when is None:
        return f"Date: {value!r} is not a valid date"
    problem = time_problem(when, now)
    return when if problem is None else f"Date: {problem}"


def _ids(value: str | None) -> list[str]:
    if not value:
        return []
    if value[0] == "<" and value[-1] == ">" and value.count("<") == value.count(">") == 1:
        inner = value[1:-1].strip()  # the usual single <id>
        if inner:
            return [inner]
    bracketed = [i for i in map(str.strip, _BRACKETED_ID.findall(value)) if i]
    # Some clients write bare ids; fall back to whitespace-separated tokens.
    return bracketed or [t for t in (t.strip("<>") for t in value.split()) if t]


def _clean(text: str) -> str:
    # The stdlib bytes parser keeps non-ASCII bytes as lone surrogates; turn them back
    # into bytes and decode those as UTF-8, replacing what is not UTF-8.
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def _registry_text(msg: Message, field: str) -> str | None:
    try:
        values = list(msg.get_all(field, []))
    except Exception as exc:  # the stdlib header parser has raised on odd input before
        raise _HeaderError(field, exc) from exc
    return (_clean(str(values[0])).strip() or None) if values else None


def _fallback_id(data: bytes) -> str:
    # Stable across re-ingests of the same message from different containers, and across
    # versions: the fields are rendered by the stdlib parser, as they always were.
    msg = _REGISTRY_PARSER.parsebytes(data)
    parts = [_registry_text(msg, field) or "" for field in ("From", "Date", "Subject", "To")]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "replace")).hexdigest()
    return f"sha256:{digest}"


def _noise_reason(fields: Fields, sender: str | None, subject: str | None) -> str | None:
    get = fields.get
    list_id, list_unsubscribe = get("list-id"), get("list-unsubscribe")
    precedence, auto_submitted = get("precedence"), get("auto-submitted")
    return message_noise_reason(
        sender,
        subject=subject,
        list_id=_first(list_id) if list_id else None,
        list_unsubscribe=_first(list_unsubscribe) if list_unsubscribe else None,
        precedence=_first(precedence) if precedence else None,
        auto_submitted=_first(auto_submitted) if auto_submitted else None,
    )


def _issue(location: str, fields: Fields, occurred_at: datetime | str) -> ParseIssue:
    """What is wrong with a message that has no valid sender or no valid Date."""
    problems: list[str] = []
    if not _people(fields.get("from"), ParticipantRole.FROM):
        raw_from = _first(fields.get("from"))
        problems.append(
            "From: missing" if raw_from is None else f"From: {raw_from!r} has no valid address"
        )
    if isinstance(occurred_at, str):
        problems.append(occurred_at)
    return ParseIssue(location, "; ".join(problems))


def _record(
    data: bytes,
    fields: Fields,
    occurred_at: datetime,
    subject: str | None,
    senders: tuple[Participant, ...],
) -> InteractionRecord:
    # Not decoded: the id is whatever the sender wrote, as it always was here.
    message_ids = _ids(fields.get("message-id", "").strip())
    replied = _ids(_first(fields.get("in-reply-to"))) or _ids(_first(fields.get("references")))
    return InteractionRecord(
        external_id=message_ids[0] if message_ids else _fallback_id(data),
        kind=InteractionKind.EMAIL,
        occurred_at=occurred_at,
        subject=subject,
        participants=_participants(fields, senders),
        source=SOURCE,
        in_reply_to=replied[-1] if replied else None,
    )


def _parse(data: bytes, location: str, now: datetime) -> ParsedItem:
    fields = _header_fields(data)
    senders = _people(fields.get("from"), ParticipantRole.FROM)
    subject = _first(fields.get("subject"))
    reason = _noise_reason(fields, senders[0].email if senders else None, subject)
    if reason is not None:
        return Skipped(location, reason)
    occurred_at = _occurred_at(fields.get("date"), now)
    if not senders or isinstance(occurred_at, str):
        return _issue(location, fields, occurred_at)
    try:
        return _record(data, fields, occurred_at, subject, senders)
    except ValidationError as exc:
        return ParseIssue(location, describe_validation_error(exc))


def _parse_headers(headers: bytes, location: str, now: datetime | None) -> ParsedItem:
    """Like `parse_message_bytes`, for a header block without the blank line ending it."""
    try:
        return _parse(headers, location, now or datetime.now(UTC))
    except _HeaderError as exc:
        return ParseIssue(location, str(exc))


def parse_message_bytes(data: bytes, location: str, *, now: datetime | None = None) -> ParsedItem:
    """The record for one message's header bytes, a Skipped for noise, or a ParseIssue.

    `data` may hold the whole message; only the headers are parsed. `now` (default: the
    current time) bounds how far in the future a Date may be.
    """
    blank = _BLANK_LINE.search(b"\n" + data)
    return _parse_headers(data if blank is None else data[: blank.start()], location, now)


def _collect_headers(lines: Iterable[bytes | LongLine]) -> bytes:
    """The header block of a message read line by line, up to the blank line ending it."""
    parts: list[bytes] = []
    size = 0
    for number, line in enumerate(lines):
        if isinstance(line, LongLine):
            raise _Oversized(line.number)
        if not line.rstrip(b"\r\n"):
            break
        # Some tools save single messages with an mbox "From " envelope line first.
        if number == 0 and line.startswith(b"From "):
            continue
        size += len(line)
        if size > MAX_HEADER_BYTES:
            raise _Oversized(None)
        parts.append(line)
    return b"".join(parts)


def _parse_stream(read: Callable[[int], bytes], location: str, now: datetime | None) -> ParsedItem:
    # Lines through a bounded buffer: a header line of a gigabyte is refused, never held.
    try:
        headers = _collect_headers(bounded_lines(read, MAX_HEADER_BYTES))
    except _Oversized as exc:
        if exc.line is None:
            return ParseIssue(location, f"headers: longer than {MAX_HEADER_BYTES} bytes")
        return ParseIssue(f"{location}:{exc.line}", f"headers: a line longer than "
                          f"{MAX_HEADER_BYTES} bytes")  # fmt: skip
    if not headers.strip():
        return ParseIssue(location, "headers: none found")
    return _parse_headers(headers, location, now)


def _parse_file(path: Path, location: str, now: datetime | None) -> ParsedItem:
    try:
        with open_binary(path) as handle:
            return _parse_stream(handle.read, location, now)
    except OSError as exc:
        return ParseIssue(location, f"cannot be read ({exc.strerror or exc})")


def iter_eml(path: str | Path, *, now: datetime | None = None) -> Iterator[ParsedItem]:
    """One item for a single RFC 822 message file; the location is the file name."""
    path = Path(path)
    yield _parse_file(path, path.name, now)


def _finish_mbox_message(
    location: str, headers: bytes, size: int, ended: bool, now: datetime | None
) -> ParsedItem:
    if size > MAX_HEADER_BYTES:
        return ParseIssue(location, f"headers: longer than {MAX_HEADER_BYTES} bytes")
    if not headers.strip():
        return ParseIssue(location, "headers: none after the 'From ' line")
    if not ended:
        return ParseIssue(location, "headers: the file ends inside them (truncated message)")
    return _parse_headers(headers, location, now)


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
                    f"{name}#message-{number}", b"".join(header), size, not in_headers, now
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
        yield _finish_mbox_message(
            f"{name}#message-{number}", b"".join(header), size, not in_headers, now
        )


class _LineCap:
    """A read function over `read` whose lines are cut to `limit` bytes (the newline aside).

    What the scanner below keeps is bounded by the lines it holds; a line of a gigabyte (in
    a body, or a header that is refused anyway) must not be one of them. Cutting changes no
    line boundary, blank line or "From " start, and a cut header line still makes its block
    longer than MAX_HEADER_BYTES, so the messages found are the same. Reads of at most
    `limit` bytes keep every line inside a chunk within the limit, so only a chunk's first
    line (which continues the last one) is ever cut.
    """

    def __init__(self, read: Callable[[int], bytes], limit: int) -> None:
        self._read, self._limit = read, limit
        self._run = 0  # bytes of the current line so far

    def __call__(self, size: int) -> bytes:
        while chunk := self._read(min(size, self._limit)):
            first = chunk.find(b"\n")
            if first < 0:
                kept = chunk[: max(0, self._limit - self._run)]
                self._run += len(chunk)
            else:
                room = self._limit - self._run
                kept = chunk if first <= room else chunk[: max(0, room)] + chunk[first:]
                self._run = len(chunk) - chunk.rfind(b"\n") - 1
            if kept:
                return kept
        return b""


class _MboxScanner:
    """Finds the messages of an mbox byte stream with searches over large reads.

    The rules are those of `iter_mbox_lines` (lines end at "\\n"; a blank line holds
    nothing but "\\r"), without a Python step per line: bodies are skipped at the speed of
    a regex search. Every line start `s` in the buffer has `_buf[s - 1] == "\\n"`; the
    buffer starts as an empty line before the stream, which is what lets a "From " line
    open the file.
    """

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = _LineCap(read, MAX_HEADER_BYTES + 1)
        self._buf = b"\n\n"
        self._ended = False
        self._added = 0  # 1 once a newline is added after a last line without one

    def _more(self, keep: int) -> int | None:
        """Drop what is before line start `keep` and read on; returns how many bytes were
        dropped, or None at the end of the stream."""
        if self._ended:
            return None
        chunk = self._read(READ_SIZE)
        if not chunk:
            self._ended = True
            if self._buf.endswith(b"\n"):
                return None
            self._buf += b"\n"  # the last line counts without its newline too
            self._added = 1
            return 0
        self._buf = self._buf[keep - 1 :] + chunk
        return keep - 1

    def _last_line_start(self, start: int) -> int:
        """The start of the last complete line at or after `start` (or `start`)."""
        end = self._buf.rfind(b"\n", start)
        return max(start, self._buf.rfind(b"\n", start, end) + 1) if end >= start else start

    def separator(self, start: int, observe: Callable[[bytes], None] | None = None) -> int | None:
        """The start of the next "From " line after a blank line, the first candidate
        blank line starting at `start`; None at the end. `observe` sees the lines skipped."""
        while True:
            found = _SEPARATOR.search(self._buf, start - 1)
            if found is not None:
                if observe is not None:
                    observe(self._buf[start : found.end()])
                return found.end()
            cut = self._last_line_start(start)
            if observe is not None:
                observe(self._buf[start:cut])
            dropped = self._more(cut)
            if dropped is None:
                if observe is not None:
                    observe(self._buf[cut:])
                return None
            start = cut - dropped

    def line_end(self, start: int) -> int:
        """The start of the line after the one starting at `start` (the buffer's end at the
        end of the stream)."""
        while (newline := self._buf.find(b"\n", start)) < 0:
            dropped = self._more(start)
            if dropped is None:
                return len(self._buf)
            start -= dropped
        return newline + 1

    def headers(self, start: int) -> tuple[tuple[bytes, int], int | None]:
        """From line start `start` to the first blank line: the header bytes (empty when
        longer than MAX_HEADER_BYTES), their size, and the blank line's start (None when
        the stream ends first)."""
        searched, size = start, 0
        while (blank := _BLANK_LINE.search(self._buf, searched - 1)) is None:
            searched = self._last_line_start(searched)
            if size + searched - start > MAX_HEADER_BYTES:  # keep counting, stop keeping
                size, start = size + searched - start, searched
            dropped = self._more(start)
            if dropped is None:
                return self._kept(start, len(self._buf), size), None
            start, searched = start - dropped, searched - dropped
        end = blank.start() + 1
        return self._kept(start, end, size), end

    def _kept(self, start: int, end: int, size: int) -> tuple[bytes, int]:
        size += end - start - (self._added if end == len(self._buf) else 0)
        return (self._buf[start:end] if size <= MAX_HEADER_BYTES else b""), size


class _Preamble:
    """Watches the text before the first "From " line for a line that is not blank."""

    def __init__(self) -> None:
        self.lines = -1  # the scanner's buffer starts with an empty line of its own
        self.first_text_line: int | None = None

    def observe(self, skipped: bytes) -> None:
        if self.first_text_line is None:
            text = skipped.lstrip(b"\r\n")
            if text:
                before = len(skipped) - len(text)
                self.first_text_line = self.lines + skipped.count(b"\n", 0, before) + 1
        self.lines += skipped.count(b"\n")


def _scan_mbox(
    read: Callable[[int], bytes], name: str, now: datetime | None
) -> Iterator[ParsedItem]:
    """Messages of an mbox read in large chunks; same items as `iter_mbox_lines`."""
    scanner = _MboxScanner(read)
    preamble = _Preamble()
    start = scanner.separator(1, preamble.observe)
    if preamble.first_text_line is not None:
        yield ParseIssue(
            f"{name}:{preamble.first_text_line}", "text before the first 'From ' separator line"
        )
    number = 0
    while start is not None:
        number += 1
        (headers, size), blank = scanner.headers(scanner.line_end(start))
        start = None if blank is None else scanner.separator(blank)
        yield _finish_mbox_message(
            f"{name}#message-{number}", headers, size, blank is not None, now
        )


def iter_mbox(path: str | Path, *, now: datetime | None = None) -> Iterator[ParsedItem]:
    """Stream an mbox file in large reads; see `iter_mbox_lines` for how messages are split."""
    path = Path(path)
    with open_binary(path) as handle:
        yield from _scan_mbox(handle.read, path.name, now)


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


def _escapes(member: str) -> bool:
    # A name that would land outside a folder it were extracted to: rooted, on a drive, or
    # climbing with "..". Nothing is extracted here, but such a name is a forged archive.
    parts = member.replace("\\", "/").split("/")
    return member.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts


# Formats `ingest` reads on their own but not inside an archive; named, never passed over.
_NOT_IN_ZIP = {"ics": "calendar (.ics)", "csv": "CSV", "zip": "zip"}


def iter_zip(path: str | Path, *, now: datetime | None = None) -> Iterator[ParsedItem]:
    """Mail inside a zip archive: mbox members, .eml members and maildir-style members, and
    JSON Lines members.

    Members are recognised by content (an mbox by its "From " line, a message by its
    header block) with the name as a fallback; a calendar or CSV member is an error saying
    to ingest it on its own, and anything else gives Skipped "not-email". A member whose name
    leaves the archive (`../x`, `/x`) is an error, not read. Locations are
    `archive.zip!member`, plus `#message-N` inside an mbox member and `:line` inside a JSON
    Lines one. Members are decompressed as streams, never extracted to disk or held whole
    in memory.
    """
    path = Path(path)
    with open_binary(path) as handle:
        try:
            archive = ZipFile(handle)
        except BadZipFile as exc:
            yield ParseIssue(path.name, f"not a readable zip archive ({exc})")
            return
        with archive:
            yield from _zip_members(archive, path.name, now)


def _zip_members(archive: ZipFile, name: str, now: datetime | None) -> Iterator[ParsedItem]:
    for info in archive.infolist():
        location = f"{name}!{info.filename}"
        if _escapes(info.filename):
            yield ParseIssue(location, "name: a path outside the archive; dropped unread")
        elif not info.is_dir() and not _is_metadata(info.filename):
            yield from _zip_member(archive, info, location, now)


def _zip_member(
    archive: ZipFile, info: ZipInfo, location: str, now: datetime | None
) -> Iterator[ParsedItem]:
    try:
        with archive.open(info) as member:
            kind = detect_bytes(member.read(SNIFF_BYTES))
        with archive.open(info) as member:
            if kind == "mbox":
                yield from _scan_mbox(member.read, location, now)
            elif (
                kind == "eml"
                or info.filename.lower().endswith(".eml")
                or _is_maildir_member(info.filename)
            ):
                yield _parse_stream(member.read, location, now)
            elif kind == "jsonl":
                yield from iter_jsonl_stream(member.read, location)
            elif kind in _NOT_IN_ZIP:
                what = _NOT_IN_ZIP[kind]
                yield ParseIssue(
                    location, f"a {what} file is not read inside a zip; ingest it on its own"
                )
            else:
                yield Skipped(location, "not-email")
    except (BadZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error) as exc:
        # Encrypted, corrupt or unsupported-compression members; the rest may be fine.
        yield ParseIssue(location, f"cannot be read from the archive ({exc})")
