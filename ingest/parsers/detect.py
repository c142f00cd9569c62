"""Which parser a file needs, judged from its content rather than its name.

Names lie (an export called `calendar.csv` that is really an mbox, a `.txt` message), so
only the first few kilobytes decide. The checks run from the most to the least specific
signature; an RFC 822 header block is tested before CSV because a header such as
`To: a@x.com, b@y.com` also contains commas.
"""

import re
from pathlib import Path

SNIFF_BYTES = 4096

_HEADER_LINE = re.compile(rb"^([!-9;-~]+):[ \t]?")
# A header block only counts as a message if it has at least one of these fields.
_MAIL_FIELDS = frozenset(
    {
        b"from", b"to", b"date", b"subject", b"message-id", b"received", b"return-path",
        b"mime-version", b"delivered-to", b"sender", b"reply-to", b"cc",
    }
)  # fmt: skip


def _looks_like_message(head: bytes) -> bool:
    fields: set[bytes] = set()
    lines = head.splitlines()
    if len(lines) > 1 and not head.endswith(b"\n"):
        lines.pop()  # cut off by the sniff window, so it may end before its colon
    for line in lines:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            continue  # a folded continuation of the previous field
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        fields.add(match.group(1).lower())
    return bool(fields & _MAIL_FIELDS)


def detect_bytes(head: bytes) -> str | None:
    """The source kind of a file starting with `head`, or None if nothing matches.

    Kinds: "zip", "ics", "mbox", "eml", "jsonl", "csv". A maildir is a directory, so it
    is recognised only by `detect_source`.
    """
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    text = head.removeprefix(b"\xef\xbb\xbf")
    if text.startswith(b"From "):
        return "mbox"
    stripped = text.lstrip()
    if not stripped or b"\x00" in text:
        return None
    if stripped[:15].upper() == b"BEGIN:VCALENDAR":
        return "ics"
    if stripped.startswith(b"{"):
        return "jsonl"
    if _looks_like_message(text):
        return "eml"
    first_line = stripped.split(b"\n", 1)[0]
    if b"," in first_line:
        return "csv"
    return None


def detect_source(path: str | Path) -> str:
    """The parser `path` needs: "zip", "ics", "mbox", "eml", "maildir", "jsonl" or "csv".

    Raises ValueError naming the file when the content matches none of them.
    """
    path = Path(path)
    if path.is_dir():
        if (path / "cur").is_dir() and (path / "new").is_dir():
            return "maildir"
        raise ValueError(f"{path}: a directory but not a maildir (no cur/ and new/)")
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    kind = detect_bytes(head)
    if kind is None:
        raise ValueError(f"{path}: cannot tell the source format from the content")
    return kind
