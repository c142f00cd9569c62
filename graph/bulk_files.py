"""The files `neo4j-admin database import full` reads for a first load: the same nodes,
relationships and properties the write queries in `cypher/ingest/` create, as CSV.

Every string is quoted and a missing value is an empty unquoted field, which the importer
stores as no property (as Cypher does with a null); a quoted empty string stays an empty
string. Lists and labels are separated by ARRAY_DELIMITER, a control character no address,
role or answer holds (responses hold "" for "no answer", kept as empty elements).
"""

import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from graph.batch import Row
from scoring.reach import TouchRule, touch_reach
from tiegraph.domain import PersonKind, TieType

ARRAY_DELIMITER = "\x1f"
# The importer's own spelling of that delimiter on its command line.
ARRAY_DELIMITER_ARG = "\\u001F"

WRITE_BUFFER = 1 << 20

# A tie's stored fields (`scoring.tie_state.TieState`) by type.
TIE_COUNTS = (
    "email_count", "meeting_count", "call_count", "note_count", "a_initiated", "b_initiated",
    "two_way_count", "declined_count", "brought_colleagues_count",
)  # fmt: skip
TIE_SUMS = ("weight_fast", "weight_slow", "activity_recent", "activity_base")
TIE_TIMES = ("first_at", "last_at", "last_two_way_at")

HEADERS: dict[str, list[str]] = {
    "people": ["email:ID(Person)", "name", ":LABEL"],
    "accounts": ["domain:ID(Account)", ":LABEL"],
    "interactions": [
        "id:ID(Interaction)", "kind", "occurred_at:datetime", "subject", "source",
        "is_admin:boolean", "in_reply_to", "participants:string[]", "roles:string[]",
        "responses:string[]", ":LABEL",
    ],
    "works_at": [":START_ID(Person)", ":END_ID(Account)", ":TYPE"],
    "involves": [":START_ID(Interaction)", ":END_ID(Person)", ":TYPE"],
    "ties": [
        ":START_ID(Person)", ":END_ID(Person)", ":TYPE",
        *(f"{name}:long" for name in TIE_COUNTS), "reply_buckets:long[]",
        *(f"{name}:double" for name in TIE_SUMS),
        "first_at:datetime", "last_at:datetime", "last_two_way_at:datetime", "reach:double",
    ],
}  # fmt: skip
# Which files are nodes; the rest are relationships.
NODE_FILES = ("people", "accounts", "interactions")


def _text(value: object) -> str:
    """One CSV field: a quoted string, a bare number or boolean, or empty for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # shortest exact form: Java reads back the same double
    return str(value)


def _array(values: Sequence[object]) -> str:
    return _text(ARRAY_DELIMITER.join(map(str, values)))


def iso_ms(ms: int | None) -> str:
    """An epoch-millisecond time as the importer reads it: what `datetime({epochMillis})`
    stores, to the millisecond, in UTC."""
    if ms is None:
        return ""
    seconds, milli = divmod(ms, 1000)
    # gmtime and strftime: a third of the cost of a datetime, and the same text.
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{milli:03d}Z"


def _line(fields: Iterable[str]) -> str:
    return ",".join(fields) + "\n"


def interaction_lines(row: Row) -> tuple[str, list[str]]:
    """The interaction node's line and its INVOLVES lines, from `graph.batch.interaction_row`."""
    node = _line([
        _text(row["id"]), _text(row["kind"]), iso_ms(int(row["occurred_ms"])),  # type: ignore[call-overload]
        _text(row["subject"]), _text(row["source"]), _text(row["is_admin"]),
        _text(row["in_reply_to"]), _array(row["participants"]), _array(row["roles"]),  # type: ignore[arg-type]
        _array(row["responses"]), '"Interaction"',  # type: ignore[arg-type]
    ])  # fmt: skip
    ident = _text(row["id"])
    links = [_line([ident, _text(email), '"INVOLVES"']) for email in row["contacts"]]  # type: ignore[attr-defined]
    return node, links


def tie_line(tie_type: TieType, row: Mapping[str, Any], rule: TouchRule) -> str:
    """One tie from `graph.records.tie_row`: what `ingest/merge_ties` creates a new tie from,
    its `reach` under `rule` included."""
    sums = row["sums"]
    reach = touch_reach(
        float(sums["weight_fast"]), float(sums["weight_slow"]), row["last_ms"],
        row["last_two_way_ms"], rule,
    )  # fmt: skip
    return _line([
        _text(row["a"]), _text(row["b"]), _text(tie_type.value),
        *(str(sums[name]) for name in TIE_COUNTS), _array(sums["reply_buckets"]),
        *(repr(float(sums[name])) for name in TIE_SUMS),
        iso_ms(row["first_ms"]), iso_ms(row["last_ms"]), iso_ms(row["last_two_way_ms"]),
        repr(reach),
    ])  # fmt: skip


def person_line(email: str, name: str | None, kind: PersonKind) -> str:
    """A person as `ingest/merge_team_members` or `merge_contacts` creates them."""
    return _line([_text(email), _text(name), _text(f"Person{ARRAY_DELIMITER}{kind.value}")])


def account_line(domain: str) -> str:
    """An account as `ingest/merge_contacts` creates it (domain only)."""
    return _line([_text(domain), '"Account"'])


def works_at_line(email: str, domain: str) -> str:
    """A contact's WORKS_AT link to the account of their address."""
    return _line([_text(email), _text(domain), '"WORKS_AT"'])


@dataclass(frozen=True)
class ImportFiles:
    """The CSV files of one import in `folder`: per kind (`HEADERS`) a header file and any
    number of data files, written by several processes."""

    folder: Path

    def write_headers(self) -> None:
        """One header file per kind."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for kind, header in HEADERS.items():
            (self.folder / f"{kind}.header.csv").write_text(_line(header), encoding="utf-8")

    def open(self, kind: str, part: str) -> IO[str]:
        """A new data file of `kind` (`part` names it apart from the other processes')."""
        path = self.folder / f"{kind}.part-{part}.csv"
        # A large buffer: the writers add one short line at a time, millions of them.
        return path.open("w", encoding="utf-8", newline="", buffering=WRITE_BUFFER)

    def arguments(self) -> list[str]:
        """The importer's --nodes and --relationships arguments for every kind with data."""
        arguments = [f"--array-delimiter={ARRAY_DELIMITER_ARG}"]
        for kind in HEADERS:
            parts = sorted(self.folder.glob(f"{kind}.part-*.csv"))
            if not any(p.stat().st_size for p in parts):
                continue
            option = "--nodes" if kind in NODE_FILES else "--relationships"
            paths = [self.folder / f"{kind}.header.csv", *parts]
            arguments.append(f"{option}={','.join(str(p) for p in paths)}")
        return arguments

    def parts(self, kind: str) -> list[Path]:
        """The data files of `kind`, in a stable order."""
        return sorted(self.folder.glob(f"{kind}.part-*.csv"))

    def rows(self, kind: str, on_bytes: Callable[[int], None] = lambda _: None) -> Iterator[Row]:
        """Every line of `kind` as the importer reads it, for writing it with Cypher instead
        (a remote Neo4j): node lines as `{"labels": [...], "props": {...}, "times": {...}}`,
        relationship lines as `{"start": ..., "end": ..., "type": ..., "props": {...},
        "times": {...}}`, each value typed by its header and a missing one left out; a
        datetime goes to `times` as epoch milliseconds (the driver packs an int far faster
        than a datetime; the query makes it one). `on_bytes` hears each line's size."""
        for path in self.parts(kind):
            yield from _rows(path, kind, on_bytes)

    def interactions(self, on_bytes: Callable[[int], None] = lambda _: None) -> Iterator[Row]:
        """The interaction rows of `rows`, each with its INVOLVES lines' ends as `contacts`:
        one query creates both. A fold worker writes an interaction's links right after it,
        into the part of the same name, so each part pair is read side by side."""
        for path in self.parts("interactions"):
            involves = path.with_name(path.name.replace("interactions", "involves", 1))
            links = _rows(involves, "involves", on_bytes)
            link = next(links, None)
            for row in _rows(path, "interactions", on_bytes):
                ident, contacts = row["props"]["id"], []  # type: ignore[index]
                while link is not None and link["start"] == ident:
                    contacts.append(link["end"])
                    link = next(links, None)
                yield {**row, "contacts": contacts}
            if link is not None:
                raise ValueError(f"{involves.name}: the INVOLVES line of {link['start']!r} is "
                                 "out of its interactions' order")  # fmt: skip


def _rows(path: Path, kind: str, on_bytes: Callable[[int], None]) -> Iterator[Row]:
    """The typed rows of one data file of `kind` (`ImportFiles.rows`)."""
    columns = [_Column.of(name) for name in HEADERS[kind]]
    for line in _lines(path):
        on_bytes(len(line.encode("utf-8")))
        yield _typed(columns, _fields(line.removesuffix("\n")))


# One CSV field and the comma before it: quoted (doubled quotes inside, kept) or bare (a
# number, a boolean, or nothing). A line is read with a comma put in front: one C-level
# findall a line, where matching field by field in Python cost more than the rest.
_FIELD = re.compile(r',("[^"]*(?:""[^"]*)*"|[^,]*)')


def _lines(path: Path) -> Iterator[str]:
    """The lines of a data file, a line whose quoted field holds a newline kept whole."""
    with path.open(encoding="utf-8", newline="") as handle:
        pending = ""
        for line in handle:
            pending += line
            if pending.count('"') % 2 == 0:
                yield pending
                pending = ""


def _fields(line: str) -> list[str | None]:
    """A line's fields: a quoted one as its text, a bare one as written, an empty bare one as
    None (no property, as the importer reads it)."""
    return [
        (text[1:-1].replace('""', '"') if text[0] == '"' else text) if text else None
        for text in _FIELD.findall("," + line)
    ]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def _epoch_ms(text: str) -> int:
    """An ISO time (`iso_ms`) as epoch milliseconds, exactly."""
    return (datetime.fromisoformat(text) - _EPOCH) // _MS


_SCALARS: dict[str, Callable[[str], object]] = {
    "string": str, "long": int, "double": float, "boolean": lambda text: text == "true",
    "datetime": _epoch_ms,
}  # fmt: skip


@dataclass(frozen=True)
class _Column:
    """One header column: where its value goes in a row (`place`: "props", "times", or the
    row itself for the line's labels, start, end and type), under which key, and how its text
    becomes the value."""

    key: str
    convert: Callable[[str], object]
    place: str = ""

    @classmethod
    def of(cls, header: str) -> "_Column":
        name, _, kind = header.partition(":")
        role = {"LABEL": "labels", "TYPE": "type"}.get(kind)
        if role == "labels":
            return cls(role, lambda text: text.split(ARRAY_DELIMITER))
        if role is not None:
            return cls(role, str)
        if kind.startswith(("START_ID", "END_ID")):
            return cls("start" if kind.startswith("START") else "end", str)
        if kind.startswith("ID"):
            return cls(name, str, "props")
        scalar = _SCALARS[kind.removesuffix("[]") or "string"]
        if kind.endswith("[]"):
            return cls(name, lambda text: [scalar(x) for x in text.split(ARRAY_DELIMITER)], "props")
        return cls(name, scalar, "times" if kind == "datetime" else "props")


def _typed(columns: list[_Column], fields: list[str | None]) -> Row:
    row: dict[str, Any] = {"props": {}, "times": {}}
    for column, text in zip(columns, fields, strict=True):
        if text is not None:
            (row[column.place] if column.place else row)[column.key] = column.convert(text)
    return row
