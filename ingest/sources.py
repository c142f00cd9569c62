"""From a path on disk to a stream of items, whatever the source: the format is read from the
content (`ingest.parsers.detect`), not from the file name."""

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from ingest.jsonl import describe_validation_error, iter_jsonl_stream
from ingest.parsers.calendar import iter_ics
from ingest.parsers.crm import PRESETS, ColumnMapping, header_overlap, iter_crm_csv
from ingest.parsers.detect import detect_source
from ingest.parsers.email import iter_eml, iter_maildir, iter_mbox, iter_zip
from ingest.parsers.inputs import open_binary
from ingest.parsers.reference import detect_csv_kind, iter_reference_csv
from ingest.pipeline import PipelineItem
from ingest.results import ParsedItem, ParseIssue
from tiegraph.errors import BadInput

# Recurring meetings are expanded from this far back up to now: future occurrences have not
# happened, and older ones no longer move a score.
CALENDAR_HISTORY = timedelta(days=3 * 365)


@dataclass(frozen=True)
class SourceOptions:
    """How to read files whose format leaves a choice: CRM columns and CSV column names."""

    crm_mapping: ColumnMapping | None = None
    column_renames: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_files(cls, crm_mapping: Path | None, columns: Path | None) -> "SourceOptions":
        """Options from a CRM mapping file and a `{"their column": "our column"}` file;
        BadInput names the file that is not one."""
        return cls(crm_mapping=_mapping_file(crm_mapping) if crm_mapping else None,
                   column_renames=_renames_file(columns) if columns else {})  # fmt: skip


_RENAMES = TypeAdapter(dict[str, str])


def _json_file(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})"
        raise BadInput(problem, location=str(path)) from None


def _renames_file(path: Path) -> dict[str, str]:
    try:
        return _RENAMES.validate_python(_json_file(path))
    except ValidationError:
        raise BadInput('expected {"their column": "our column", ...}', location=str(path)) from None


def _mapping_file(path: Path) -> ColumnMapping:
    try:
        return ColumnMapping.model_validate(_json_file(path))
    except ValidationError as exc:
        problem = f"not a CRM column mapping: {describe_validation_error(exc)}"
        raise BadInput(problem, location=str(path)) from None


def iter_jsonl_file(path: Path) -> Iterator[ParsedItem]:
    """Stream a JSON Lines file line by line (`ingest.jsonl.iter_jsonl_stream`)."""
    with open_binary(path) as handle:
        yield from iter_jsonl_stream(handle.read, path.name)


def _csv_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        return next(csv.reader(handle), [])


# A header with this many of a preset's required columns is taken for that CRM's export, so a
# missing column is reported by name instead of the file being "unknown".
PRESET_QUORUM = 3


def _crm_mapping(header: list[str], options: SourceOptions) -> ColumnMapping | None:
    if options.crm_mapping is not None:
        return options.crm_mapping
    best = max(PRESETS.values(), key=lambda m: header_overlap(header, m))
    return best if header_overlap(header, best) >= PRESET_QUORUM else None


def iter_csv(path: Path, options: SourceOptions) -> Iterator[PipelineItem]:
    """A CSV by its header: roster, accounts, contacts, aliases, or CRM activities."""
    header = _csv_header(path)
    kind = detect_csv_kind(header, options.column_renames)
    mapping = _crm_mapping(header, options)
    if mapping is not None and kind in (None, "crm"):
        yield from iter_crm_csv(path, mapping)
    elif kind in REFERENCE_KINDS:
        yield from iter_reference_csv(path, kind, options.column_renames)
    else:
        known = "roster, accounts, contacts, aliases or a CRM preset; see the README"
        yield ParseIssue(path.name, f"header: {','.join(header)[:200]!r} is none of: {known}")


def input_bytes(paths: Iterable[Path]) -> int:
    """How many bytes reading `paths` goes through: each file's size, a maildir's messages
    (cur/ and new/); what does not exist counts nothing (it is a located error)."""
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_size
        elif path.is_dir():
            for folder in (path / "cur", path / "new"):
                if folder.is_dir():
                    total += sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    return total


REFERENCE_KINDS = ("roster", "accounts", "contacts", "aliases")


def is_reference_csv(path: Path, options: SourceOptions) -> bool:
    """True for a roster, accounts, contacts or aliases CSV (what `iter_csv` reads as one)."""
    try:
        if not path.is_file() or detect_source(path) in _NOT_CSV:
            return False
    except (ValueError, OSError):
        return False
    header = _csv_header(path)
    kind = detect_csv_kind(header, options.column_renames)
    crm = _crm_mapping(header, options) is not None and kind in (None, "crm")
    return not crm and kind in REFERENCE_KINDS


_NOT_CSV = ("jsonl", "mbox", "eml", "maildir", "zip", "ics")


def iter_path(path: Path, options: SourceOptions | None = None) -> Iterator[PipelineItem]:
    """Every item in the file or maildir at `path`. Problems are located items, not raises."""
    options = options or SourceOptions()
    if not path.exists():
        yield ParseIssue(str(path), "no such file or directory")
        return
    try:
        kind = detect_source(path)
    except (ValueError, OSError) as exc:
        yield ParseIssue(path.name, str(exc))
        return
    match kind:
        case "jsonl":
            yield from iter_jsonl_file(path)
        case "mbox":
            yield from iter_mbox(path)
        case "eml":
            yield from iter_eml(path)
        case "maildir":
            yield from iter_maildir(path)
        case "zip":
            yield from iter_zip(path)
        case "ics":
            now = datetime.now(UTC)
            yield from iter_ics(path, now - CALENDAR_HISTORY, now)
        case _:
            yield from iter_csv(path, options)
