"""Lines of a byte stream read through a bounded buffer.

Iterating a file or a zip member line by line holds each line whole, however long: a 1 GB
header line costs a gigabyte, and more while it is copied. Here a line longer than the limit
is never kept: the reader says so (`LongLine`, with its number) as soon as the limit is
passed and skims to the line's end in fixed-size reads, so memory stays near the limit
whatever the input.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

READ_SIZE = 1 << 16


@dataclass(frozen=True)
class LongLine:
    """A line over the limit: its 1-based number. Its bytes are dropped, not returned."""

    number: int


def bounded_lines(read: Callable[[int], bytes], limit: int) -> Iterator[bytes | LongLine]:
    """Each line `read` gives (newline included; the last may lack one), or a `LongLine` for
    one longer than `limit` bytes, yielded when the limit is passed. A consumer may stop at
    any point; nothing is read ahead but the current `READ_SIZE` chunk.

    >>> import io
    >>> list(bounded_lines(io.BytesIO(b"ab\\n" + b"x" * 9 + b"\\nc").read, 5))
    [b'ab\\n', LongLine(number=2), b'c']
    """
    pending = bytearray()
    number, skimming = 1, False
    while chunk := read(READ_SIZE):
        start = 0
        while start < len(chunk):
            end = chunk.find(b"\n", start)
            stop = len(chunk) if end < 0 else end + 1
            if not skimming:
                pending += chunk[start:stop]
                if len(pending) > limit:
                    pending.clear()
                    skimming = True
                    yield LongLine(number)
            if end >= 0:
                if not skimming:
                    yield bytes(pending)
                pending.clear()
                number, skimming = number + 1, False
            start = stop
    if pending:
        yield bytes(pending)
