"""From a path on disk to a stream of parsed items, whatever the source format."""

from collections.abc import Iterator
from pathlib import Path

from ingest.jsonl import parse_line
from ingest.results import ParsedItem, ParseIssue


def iter_jsonl_file(path: Path) -> Iterator[ParsedItem]:
    """Stream a JSON Lines file line by line; a line that is not UTF-8 is a located error."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            location = f"{path.name}:{number}"
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield ParseIssue(location, f"not UTF-8 (byte {exc.start + 1})")
                continue
            if text.strip():
                yield parse_line(text, location)


def iter_path(path: Path) -> Iterator[ParsedItem]:
    """Every item in the file at `path`; a missing file is one located error."""
    if not path.exists():
        yield ParseIssue(str(path), "no such file")
        return
    yield from iter_jsonl_file(path)
