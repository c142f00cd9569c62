"""A first load into a Neo4j we do not run: the import files of `ingest.bulk`, written with
CREATE-only batched transactions instead of `neo4j-admin database import` (which needs the
store on this machine and the database stopped).

The rows are the pre-folded ones the importer would read, so nothing is merged: nodes first,
then the relationships between them, each found through its unique constraint. The caller
empties the graph first and keeps what it held, as the importer's path does.

The next batch is read and typed in a thread while the batches before it are written, and
`WRITERS` transactions run at once: the server's work and ours overlap, and both cores are
used. At most `WRITERS + 1` batches are held. A relationship needs both its nodes committed,
so every node is written before the first relationship.
"""

import asyncio
from collections import defaultdict
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from functools import partial

from graph.batch import Row
from graph.bulk_files import HEADERS, ImportFiles
from graph.repository import GraphRepository

# (done, total) in bytes of the import files written so far.
Progress = Callable[[int, int], None]
# One transaction's work: the kind of file, the relationship type ("" but for ties), the rows.
Batch = tuple[str, str, list[Row]]
Batches = Generator[Batch, None, None]

# The kinds of file written together, each step after the one before has committed: every
# relationship needs both its nodes. An interaction's INVOLVES links go with it.
STEPS = (("people", "accounts"), ("interactions", "works_at", "ties"))
# Transactions at once.
WRITERS = 2


def _import_bytes(files: ImportFiles) -> int:
    """The size of every data file: the total of the progress bar."""
    return sum(path.stat().st_size for kind in HEADERS for path in files.parts(kind))


def _batches(
    files: ImportFiles, kinds: tuple[str, ...], size: int, on_bytes: Callable[[int], None]
) -> Batches:
    """The rows of `kinds`, `size` at a time, ties apart by type (one query per type)."""
    for kind in kinds:
        pending: dict[str, list[Row]] = defaultdict(list)
        read = files.interactions if kind == "interactions" else partial(files.rows, kind)
        for row in read(on_bytes):
            tie_type = str(row.pop("type", "")) if kind == "ties" else ""
            pending[tie_type].append(row)
            if len(pending[tie_type]) >= size:
                yield kind, tie_type, pending.pop(tie_type)
        for tie_type, rows in pending.items():
            yield kind, tie_type, rows


async def create_from_files(
    repo: GraphRepository, files: ImportFiles, batch_size: int, progress: Progress
) -> None:
    """Create every node and relationship of `files`, `batch_size` rows a transaction."""
    total, done = _import_bytes(files), 0

    def advance(size: int) -> None:
        nonlocal done
        done += size

    for kinds in STEPS:
        batches = _batches(files, kinds, batch_size, advance)
        await _write_all(repo, batches, lambda: progress(done, total))
    progress(done, total)


async def _write_all(repo: GraphRepository, batches: Batches, written: Callable[[], None]) -> None:
    """Write `batches`, `WRITERS` at once, reading the next one meanwhile; on a failure,
    wait for the transactions still running, then raise the first error."""
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task[None]] = set()
    with closing(batches), ThreadPoolExecutor(1, thread_name_prefix="create-reader") as reader:
        try:
            while (batch := await loop.run_in_executor(reader, next, batches, None)) is not None:
                while len(running) >= WRITERS:
                    running = await _one_done(running)
                    written()
                kind, tie_type, rows = batch
                running.add(asyncio.create_task(repo.create_imported(kind, rows, tie_type)))
            while running:
                running = await _one_done(running)
                written()
        finally:
            await asyncio.gather(*running, return_exceptions=True)


async def _one_done(running: set[asyncio.Task[None]]) -> set[asyncio.Task[None]]:
    """The tasks still running once one has ended; raises what a finished one raised."""
    done, pending = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
    for task in done:
        task.result()
    return pending
