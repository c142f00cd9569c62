"""Input files are opened here, so a run can tell how far through its bytes it is.

A run that wants to show progress reads inside `metered()`: every file a parser opens while
it is active is counted, a closed file by its size and an open one by its position. The
meter is a context variable: ingestion started elsewhere (a worker job, a GraphQL call)
opens files just the same and counts nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from io import BufferedReader, TextIOWrapper
from pathlib import Path
from typing import BinaryIO, TextIO


class ReadMeter:
    """Bytes of input read so far by the parsers of one run."""

    def __init__(self) -> None:
        self._open: list[tuple[BinaryIO, int]] = []
        self._done = 0

    def opened(self, handle: BinaryIO, size: int) -> None:
        """Count `handle` (a file of `size` bytes) from now on."""
        self._open.append((handle, size))

    def bytes_read(self) -> int:
        """Sizes of the files read to their close, plus the positions of those still open."""
        still = []
        for handle, size in self._open:
            if handle.closed:
                self._done += size
            else:
                still.append((handle, size))
        self._open = still
        return self._done + sum(min(handle.tell(), size) for handle, size in still)


_METER: ContextVar[ReadMeter | None] = ContextVar("tiegraph_read_meter", default=None)


@contextmanager
def metered() -> Iterator[ReadMeter]:
    """Count what the parsers read in this context (see the module docstring)."""
    meter = ReadMeter()
    token = _METER.set(meter)
    try:
        yield meter
    finally:
        _METER.reset(token)


def _counted(handle: BufferedReader, path: Path) -> None:
    meter = _METER.get()
    if meter is not None:
        meter.opened(handle, path.stat().st_size)


def open_binary(path: Path) -> BufferedReader:
    """`path` opened for reading bytes, counted by the active meter."""
    handle = path.open("rb")
    _counted(handle, path)
    return handle


def open_text(path: Path) -> TextIO:
    """`path` as CSV text (UTF-8, a BOM dropped, bad bytes replaced, newlines untouched),
    counted by the active meter through the bytes under it."""
    raw = path.open("rb")
    _counted(raw, path)
    return TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
