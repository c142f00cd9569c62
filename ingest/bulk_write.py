"""A first load into a Neo4j we do not run: the import files of `ingest.bulk`, written with
CREATE-only batched transactions instead of `neo4j-admin database import` (which needs the
store on this machine and the database stopped).

The rows are the pre-folded ones the importer would read, so nothing is merged: nodes first,
then the relationships between them, each found through its unique constraint. The caller
empties the graph first and keeps what it held, as the importer's path does.
"""

from collections import defaultdict
from collections.abc import Callable

from graph.batch import Row
from graph.bulk_files import HEADERS, NODE_FILES, ImportFiles
from graph.repository import GraphRepository

# (done, total) in bytes of the import files written so far.
Progress = Callable[[int, int], None]


def _import_bytes(files: ImportFiles) -> int:
    """The size of every data file: the total of the progress bar."""
    return sum(path.stat().st_size for kind in HEADERS for path in files.parts(kind))


async def create_from_files(
    repo: GraphRepository, files: ImportFiles, batch_size: int, progress: Progress
) -> None:
    """Create every node and relationship of `files`, `batch_size` rows a transaction."""
    total, done = _import_bytes(files), 0

    def advance(size: int) -> None:
        nonlocal done
        done += size

    relationship_files = [kind for kind in HEADERS if kind not in NODE_FILES]
    for kind in (*NODE_FILES, *relationship_files):
        pending: dict[str, list[Row]] = defaultdict(list)  # by relationship type ("" for nodes)
        for row in files.rows(kind, advance):
            tie_type = str(row.pop("type", "")) if kind == "ties" else ""
            batch = pending[tie_type]
            batch.append(row)
            if len(batch) >= batch_size:
                await repo.create_imported(kind, batch, tie_type)
                batch.clear()
                progress(done, total)
        for tie_type, batch in pending.items():
            if batch:
                await repo.create_imported(kind, batch, tie_type)
        progress(done, total)
