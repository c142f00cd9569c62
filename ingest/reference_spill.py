"""The first load's reference rows, kept on disk between reading them and writing them.

`tiegraph ingest --initial` reads the reference CSVs (roster, accounts, contacts, aliases)
before the import and writes their rows after it, through the normal reference queries. A
contacts file of a million rows held as models would cost the loading process about 800 MB,
so each path's admitted rows go to a JSON Lines file in the load's work folder as they are
read, and come back in batches.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

from tiegraph.reference import AccountRow, AliasRow, ContactRow, ReferenceRow, RosterRow

_TYPES: dict[str, type[ReferenceRow]] = {
    kind.__name__: kind for kind in (RosterRow, AccountRow, ContactRow, AliasRow)
}


class ReferenceSpill:
    """One reference path's admitted rows, in order, in a file of their own."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self._out: IO[str] | None = None

    def __enter__(self) -> "ReferenceSpill":
        self._out = self.path.open("w", encoding="utf-8")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def add(self, row: ReferenceRow) -> None:
        """Keep `row` (the spill must be open: `with ReferenceSpill(path) as spill`)."""
        if self._out is None:
            raise RuntimeError(f"{self.path} is not open for writing")
        self._out.write(json.dumps([type(row).__name__, row.model_dump(mode="json")]) + "\n")
        self.rows += 1

    def batches(self, size: int) -> Iterator[list[ReferenceRow]]:
        """The rows kept, in order, `size` at a time."""
        if not self.path.exists():
            return
        batch: list[ReferenceRow] = []
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                kind, fields = json.loads(line)
                batch.append(_TYPES[kind].model_validate(fields))
                if len(batch) == size:
                    yield batch
                    batch = []
        if batch:
            yield batch
