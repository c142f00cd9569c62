"""The first load of a firm's history (`tiegraph ingest --initial`): the graph the incremental
path (`ingest.pipeline.Ingestor`) would build from the same paths, made out of core as import
files instead of transactions.

1. Reference CSVs (roster, accounts, contacts, aliases) are read here, in path order: their
   aliases apply to the paths after them, as in the incremental path.
2. The other paths are parsed by `workers` processes (a large mbox in parts), each record
   admitted by the same rule (`admit_record`) and spilled to Parquet.
3. DuckDB numbers each record's batch as the incremental path would cut them (per path,
   `batch_size` admitted records), finds each reply's parent and splits the records by id.
4. `workers` processes fold each id's copies with `scoring.fold`: the first batch's copies as
   a new interaction, a later batch's as a copy that only adds its newcomers' ties; a reply
   is timed when its parent came in the same batch or before. Tie states are summed per
   chunk and spilled; people keep the first name met in batch order.
5. The spilled tie states are summed per tie by DuckDB (`tie_sums`, the additions of
   `add_fields`) and written, each with its reach, by `workers` processes.

The result is `ImportFiles` (nodes and relationships as CSV) plus the reference rows, which
the caller writes with the normal reference queries once the import is in place.
"""

import itertools
import multiprocessing
import os
import shutil
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from graph.batch import interaction_row
from graph.bulk_files import (
    TIE_COUNTS,
    TIE_SUMS,
    TIE_TIMES,
    ImportFiles,
    account_line,
    interaction_lines,
    person_line,
    tie_line,
    works_at_line,
)
from graph.records import tie_row, to_interaction
from ingest.parsers.detect import detect_source
from ingest.parsers.email import MboxPart, iter_mbox_part, mbox_parts
from ingest.pipeline import (
    IngestReport,
    PipelineItem,
    admit_record,
    merge_copies,
    reference_problem,
    union_participants,
)
from ingest.reference_spill import ReferenceSpill
from ingest.results import ParseIssue, Skipped
from ingest.sources import SourceOptions, is_reference_csv, iter_path
from scoring.fold import TieFields, TieTotals, fold_events, person_kinds, tie_keys
from scoring.policy import IngestPolicy
from scoring.reach import TouchRule, touch_rule
from scoring.tie_events import TieEvent, TieKey
from scoring.tie_state import REPLY_BUCKET_COUNT, delta_fields
from tiegraph.domain import (
    InteractionKind,
    InteractionRecord,
    MeetingResponse,
    Participant,
    ParticipantRole,
    PersonKind,
    TieType,
)
from tiegraph.identity import account_domain
from tiegraph.reference import AliasRow, ReferenceRow

# An mbox larger than this is parsed in parts of about this size, by all workers at once.
MBOX_PART_BYTES = 16 << 20
# Rows per Parquet row group written by a parse worker.
SPILL_ROWS = 20_000
# Ids folded before their ties' events are summed, and tie states a fold worker holds before
# it spills them: together they bound a worker's memory (about 330 bytes per held event, 1.5 KB
# per held tie). A tie met in several chunks is summed once per chunk, so fewer chunks cost
# less CPU.
FOLD_CHUNK = 50_000
HELD_TIES = 200_000
# How often a worker checks that the process that started it is still there.
CALLER_CHECK_SECONDS = 1.0
# DuckDB's memory per connection; it spills to the work folder beyond it.
DUCKDB_MEMORY = "400MB"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# (stage, done, total): the CLI shows a bar with an ETA.
Progress = Callable[[str, int, int], None]

_RECORD_SCHEMA = pa.schema([
    ("path", pa.int32()), ("seq", pa.int64()), ("admitted", pa.int64()), ("id", pa.string()),
    ("kind", pa.string()),
    ("occurred_us", pa.int64()), ("subject", pa.string()), ("source", pa.string()),
    ("is_admin", pa.bool_()), ("in_reply_to", pa.string()), ("emails", pa.list_(pa.string())),
    ("names", pa.list_(pa.string())), ("roles", pa.list_(pa.string())),
    ("responses", pa.list_(pa.string())), ("initiator", pa.string()),
])  # fmt: skip
_TIE_SCHEMA = pa.schema([
    ("type", pa.string()), ("a", pa.string()), ("b", pa.string()),
    *((name, pa.int64()) for name in TIE_COUNTS), ("reply_buckets", pa.list_(pa.int64())),
    *((name, pa.float64()) for name in TIE_SUMS),
    *((name, pa.timestamp("us", tz="UTC")) for name in TIE_TIMES),
])  # fmt: skip
_PEOPLE_SCHEMA = pa.schema([
    ("email", pa.string()), ("kind", pa.string()), ("name", pa.string()),
    ("batch", pa.int64()), ("grown", pa.int8()), ("seq", pa.int64()), ("position", pa.int32()),
])  # fmt: skip


@dataclass(frozen=True)
class Unit:
    """One piece of parsing work: a whole path, or a part of a large mbox."""

    index: int
    path_index: int
    path: Path
    part: MboxPart | None = None


@dataclass(frozen=True)
class Admission:
    """What admitting a record needs: the policy (with the active profile), the aliases known
    before each path (by path index: those of earlier paths apply), and the erasure list."""

    policy: IngestPolicy
    aliases: Mapping[int, Mapping[str, str]]
    erased: frozenset[str] = frozenset()
    options: SourceOptions = field(default_factory=SourceOptions)

    def aliases_for(self, path_index: int) -> Mapping[str, str]:
        """The aliases in force for the path at `path_index`."""
        known = [i for i in self.aliases if i <= path_index]
        return self.aliases[max(known)] if known else {}


@dataclass
class UnitOutcome:
    """What parsing one unit gave, besides its spilled records."""

    read: int = 0
    admitted: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[ParseIssue] = field(default_factory=list)
    error_count: int = 0
    peak_mb: float = 0.0


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def plan_units(paths: Sequence[Path], workers: int, options: SourceOptions) -> tuple[
    list[tuple[int, Path]], list[Unit]
]:  # fmt: skip
    """The reference CSVs (read first, in order) and the units the workers parse."""
    references: list[tuple[int, Path]] = []
    units: list[Unit] = []
    for index, path in enumerate(paths):
        if is_reference_csv(path, options):
            references.append((index, path))
            continue
        size = path.stat().st_size if path.is_file() else 0
        kind = _kind(path) if size > MBOX_PART_BYTES else None
        if kind == "mbox":
            pieces = max(workers, -(-size // MBOX_PART_BYTES))
            for part in mbox_parts(path, pieces):
                units.append(Unit(len(units), index, path, part))
        else:
            units.append(Unit(len(units), index, path))
    return references, units


def _kind(path: Path) -> str | None:
    try:
        return detect_source(path)
    except (ValueError, OSError):
        return None  # iter_path reports it


def _items(unit: Unit, options: SourceOptions) -> Iterator[PipelineItem]:
    if unit.part is None:
        return iter_path(unit.path, options)
    return iter_mbox_part(unit.path, unit.part)


class _Spill:
    """Admitted records as Parquet row groups, for the DuckDB steps."""

    def __init__(self, path: Path) -> None:
        self._writer = pq.ParquetWriter(path, _RECORD_SCHEMA)
        self._rows: list[dict[str, Any]] = []

    def add(self, path_index: int, seq: int, admitted: int, record: InteractionRecord) -> None:
        people = record.participants
        initiator = record.initiator
        self._rows.append({
            "path": path_index, "seq": seq, "admitted": admitted, "id": record.external_id,
            "kind": record.kind.value,
            "occurred_us": (record.occurred_at - _EPOCH) // _MICROSECOND,
            "subject": record.subject, "source": record.source, "is_admin": record.is_admin,
            "in_reply_to": record.in_reply_to, "emails": [p.email for p in people],
            "names": [p.name for p in people], "roles": [p.role.value for p in people],
            "responses": [p.response.value if p.response else None for p in people],
            "initiator": initiator.email if initiator else None,
        })  # fmt: skip
        if len(self._rows) >= SPILL_ROWS:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=_RECORD_SCHEMA))
            self._rows = []

    def close(self) -> None:
        self.flush()
        self._writer.close()


def spill_unit(unit: Unit, admission: Admission, folder: Path) -> UnitOutcome:
    """Parse one unit, admit its records and spill them (a worker process's job)."""
    return spill_items(_items(unit, admission.options), unit.index, unit.path_index, admission,
                       folder)  # fmt: skip


def spill_items(
    items: Iterable[PipelineItem], unit: int, path_index: int, admission: Admission, folder: Path
) -> UnitOutcome:
    """Admit the records among `items` and spill them as unit `unit` of path `path_index`."""
    outcome = UnitOutcome()
    aliases = admission.aliases_for(path_index)
    spill = _Spill(folder / f"records-{unit:06d}.parquet")
    try:
        for local, item in enumerate(items):
            outcome.read += 1
            if isinstance(item, InteractionRecord):
                item = admit_record(item, admission.policy, aliases, admission.erased)
            if isinstance(item, InteractionRecord):
                spill.add(path_index, (unit << 32) + local, outcome.admitted, item)
                outcome.admitted += 1
            elif isinstance(item, Skipped):
                outcome.skipped[item.reason] += 1
            elif isinstance(item, ParseIssue):
                _add_error(outcome, item)
            else:  # a reference row in a file that did not look like one at its header
                _add_error(outcome, ParseIssue(f"unit {unit}", "reference rows among records"))
    finally:
        spill.close()
    outcome.peak_mb = peak_rss_mb()
    return outcome


def _add_error(outcome: UnitOutcome, issue: ParseIssue) -> None:
    outcome.error_count += 1
    if len(outcome.errors) < 200:
        outcome.errors.append(issue)


def read_references(
    paths: Sequence[tuple[int, Path]], admission: Admission, stored_aliases: Mapping[str, str],
    report: IngestReport, work: Path,
) -> tuple[list[ReferenceSpill], dict[int, dict[str, str]]]:  # fmt: skip
    """Every reference path's admitted rows (spilled under `work`, one spill per path, in
    order) and the aliases in force from each path on (`Admission.aliases`)."""
    known = dict(stored_aliases)
    aliases: dict[int, dict[str, str]] = {-1: dict(known)}
    spills: list[ReferenceSpill] = []
    for index, path in paths:
        with ReferenceSpill(work / f"references-{index}.jsonl") as spill:
            for item in iter_path(path, admission.options):
                report.read += 1
                if isinstance(item, ParseIssue | Skipped):
                    report.refuse(item)
                elif isinstance(item, InteractionRecord):
                    report.add_error(ParseIssue(str(path), "records in a reference file"))
                elif problem := reference_problem(item, admission.policy, admission.erased):
                    report.refuse(problem)
                else:
                    spill.add(item)
                    if isinstance(item, AliasRow):
                        known[item.alias] = item.email
        report.reference_rows += spill.rows
        spills.append(spill)
        aliases[index + 1] = dict(known)  # the paths after this one
    return spills, aliases


_Model = TypeVar("_Model", bound=BaseModel)

# Participants already built, by (email, role, name, response): the same people recur in
# thousands of records, and building one costs several microseconds. Cleared when full.
_PEOPLE: dict[tuple[str, str, str | None, str | None], Participant] = {}
_PEOPLE_HELD = 200_000
# By value: a dict lookup is several times cheaper than calling the enum.
_KINDS = {kind.value: kind for kind in InteractionKind}


def trusted(model: type[_Model], values: dict[str, Any]) -> _Model:
    """`model.model_construct(**values)` for values that were validated when parsed and name
    every field: the same instance, without `model_construct`'s per-field look-ups for aliases
    and defaults, which cost more than the rest of rebuilding a spilled record
    (tests/unit/test_bulk_records.py checks the two agree)."""
    made = model.__new__(model)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", set(values))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


def _participant(key: tuple[str, str, str | None, str | None]) -> Participant:
    if (found := _PEOPLE.get(key)) is not None:
        return found
    if len(_PEOPLE) >= _PEOPLE_HELD:
        _PEOPLE.clear()
    email, role, name, answer = key
    made = _PEOPLE[key] = trusted(Participant, {
        "email": email, "role": ParticipantRole(role), "name": name,
        "response": MeetingResponse(answer) if answer else None,
    })  # fmt: skip
    return made


def _record_of(row: Mapping[str, Any]) -> InteractionRecord:
    """A spilled record back (it was validated when parsed)."""
    participants = tuple(
        map(_participant, zip(row["emails"], row["roles"], row["names"], row["responses"],
                              strict=True))
    )  # fmt: skip
    return trusted(InteractionRecord, {
        "external_id": row["id"], "kind": _KINDS[row["kind"]],
        "occurred_at": _EPOCH + row["occurred_us"] * _MICROSECOND, "subject": row["subject"],
        "participants": participants, "source": row["source"], "owner": None,
        "in_reply_to": row["in_reply_to"], "duration_minutes": None, "is_admin": row["is_admin"],
    })  # fmt: skip


def _parent_of(row: Mapping[str, Any], batch: int) -> InteractionRecord | None:
    """The message a copy answers, when the incremental path would have had it stored (or in
    the same batch) by then: only its time and sender matter to the fold."""
    if row["parent_batch"] is None or row["parent_batch"] > batch:
        return None
    sender = row["parent_initiator"]
    people = (_participant((sender, ParticipantRole.FROM.value, None, None)),) if sender else ()
    return trusted(InteractionRecord, {
        "external_id": row["in_reply_to"], "kind": InteractionKind.EMAIL,
        "occurred_at": _EPOCH + row["parent_us"] * _MICROSECOND, "subject": None,
        "participants": people, "source": "", "owner": None, "in_reply_to": None,
        "duration_minutes": None, "is_admin": False,
    })  # fmt: skip


def _stored_form(record: InteractionRecord, kinds: Mapping[str, PersonKind]) -> InteractionRecord:
    """The record as the graph returns it to a later batch (`stored_interactions`)."""
    return to_interaction(interaction_row(record, kinds))


@contextmanager
def _engine(folder: Path, name: str, threads: int = 1) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection of bounded memory that spills into `folder` (our own paths and
    numbers are the only text its queries are built from)."""
    with duckdb.connect() as db:
        db.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        db.execute(f"SET temp_directory = '{folder / f'duckdb-{name}.tmp'}'")
        db.execute(f"SET threads = {threads}")
        db.execute("SET preserve_insertion_order = false")
        yield db


def unit_starts(units: Sequence[Unit], parsed: Sequence[UnitOutcome]) -> dict[int, int]:
    """Per unit, how many records its path admitted in the units before it: a record's place
    in its path is that plus its own place in its unit, which numbers its batch."""
    starts: dict[int, int] = {}
    admitted: Counter[int] = Counter()
    for unit, outcome in zip(units, parsed, strict=True):
        starts[unit.index] = admitted[unit.path_index]
        admitted[unit.path_index] += outcome.admitted
    return starts


def prepare_fold(folder: Path, batch_size: int, parts: int, starts: Mapping[int, int]) -> int:
    """Number every spilled record's batch, join each reply to its parent's first copy and
    split the records by id into `parts` Parquet folders; returns the records' count."""
    with _engine(folder, "prepare", threads=2) as db:
        source = str(folder / "records-*.parquet")
        # The batch from each unit's start (no window over every record: it would not spill).
        db.execute("CREATE TEMP TABLE starts (unit BIGINT, start BIGINT)")
        db.executemany("INSERT INTO starts VALUES (?, ?)", sorted(starts.items()))
        db.execute(f"""
            CREATE TEMP VIEW numbered AS
            SELECT r.*, (r.path::BIGINT << 32) + (u.start + r.admitted) // {batch_size} AS batch
            FROM read_parquet('{source}') r JOIN starts u ON u.unit = r.seq >> 32
            """)  # noqa: S608 (numbers and our own paths)
        # Each id's first copy: units are numbered in path order, so the least `seq` is the
        # first in (batch, seq) order too. Its fields come back through a join on `seq`:
        # `arg_min` of a string keeps state DuckDB cannot spill.
        db.execute("""
            CREATE TEMP TABLE firsts AS
            SELECT f.id, f.batch, r.occurred_us AS us, r.initiator
            FROM (SELECT id, min(seq) AS seq, min(batch) AS batch FROM numbered GROUP BY id) f
            JOIN numbered r ON r.seq = f.seq""")
        # Replies joined to their parents in narrow rows first; then one COPY per part, in
        # small row groups: wide rows in a partitioned COPY, or joined whole, exhaust the
        # memory cap before they spill.
        db.execute("""
            CREATE TEMP TABLE parents AS
            SELECT r.seq, p.batch AS parent_batch, p.us AS parent_us,
                   p.initiator AS parent_initiator
            FROM (SELECT seq, in_reply_to FROM numbered WHERE in_reply_to IS NOT NULL) r
            JOIN firsts p ON r.in_reply_to = p.id""")
        for part in range(parts):
            target = folder / "fold" / f"part={part}"
            target.mkdir(parents=True, exist_ok=True)
            db.execute(f"""
                COPY (
                    SELECT r.*, q.parent_batch, q.parent_us, q.parent_initiator
                    FROM numbered r LEFT JOIN parents q ON q.seq = r.seq
                    WHERE hash(r.id) % {parts} = {part}
                ) TO '{target / "records.parquet"}'
                (FORMAT parquet, ROW_GROUP_SIZE {SPILL_ROWS})""")  # noqa: S608
        count = db.execute("SELECT count(*) FROM firsts").fetchone()
    return int(count[0]) if count else 0


@dataclass
class FoldOutcome:
    """Counts of one fold worker (the report's ingested and duplicates)."""

    ingested: int = 0
    duplicates: int = 0
    peak_mb: float = 0.0


class _Folder:
    """One fold worker's state: tie states held and spilled, first names, output files."""

    def __init__(self, policy: IngestPolicy, folder: Path, part: int, files: ImportFiles) -> None:
        self.policy = policy
        self.firm_domains = policy.firm_domain_set
        self.folder = folder
        self.part = part
        self.totals = TieTotals()
        self.events: dict[TieKey, list[TieEvent]] = defaultdict(list)
        self.pending = 0
        self.spills = 0
        self.people: dict[str, tuple[tuple[int, int, int, int], str | None, PersonKind]] = {}
        self.interactions = files.open("interactions", str(part))
        self.involves = files.open("involves", str(part))

    def fold(
        self, record: InteractionRecord, kinds: Mapping[str, PersonKind],
        parent: InteractionRecord | None, counted: set[TieKey] | None = None,
    ) -> None:  # fmt: skip
        """Add one record's events (the ties in `counted` were counted by an earlier copy)."""
        parents = {record.in_reply_to or "": parent} if parent is not None else None
        skip = {record.external_id: counted} if counted else None
        for key, events in fold_events([record], self.policy, kinds, skip, parents).items():
            self.events[key].extend(events)

    def name(self, record: InteractionRecord, kinds: Mapping[str, PersonKind],
             order: tuple[int, int, int]) -> None:  # fmt: skip
        """Remember each participant, and their name if it is the first met in batch order."""
        for position, person in enumerate(record.participants):
            key = (*order, position)
            held = self.people.get(person.email)
            if held is None or (person.name is not None and (held[1] is None or key < held[0])):
                name_key = key if person.name is not None else (1 << 62, 0, 0, 0)
                self.people[person.email] = (name_key, person.name, kinds[person.email])

    def chunk_done(self) -> None:
        self.totals.add({key: delta_fields(evs, self.policy.profile)
                         for key, evs in self.events.items()})  # fmt: skip
        self.events = defaultdict(list)
        if len(self.totals) >= HELD_TIES:
            self.spill_ties()

    def spill_ties(self) -> None:
        if len(self.totals):
            path = self.folder / f"ties-{self.part}-{self.spills:04d}.parquet"
            pq.write_table(tie_table(self.totals.totals()), path)
            self.spills += 1
        self.totals = TieTotals()

    def close(self) -> None:
        self.chunk_done()
        self.spill_ties()
        rows = [{"email": email, "kind": kind.value, "name": name, "batch": k[0], "grown": k[1],
                 "seq": k[2], "position": k[3]}
                for email, (k, name, kind) in self.people.items()]  # fmt: skip
        pq.write_table(pa.Table.from_pylist(rows, schema=_PEOPLE_SCHEMA),
                       self.folder / f"people-{self.part}.parquet")  # fmt: skip
        self.interactions.close()
        self.involves.close()


def tie_table(ties: Mapping[TieKey, TieFields]) -> pa.Table:
    """Tie states as the fold workers spill them, for `tie_sums`."""
    rows = [{"type": key[0].value, "a": key[1], "b": key[2], **fields}
            for key, fields in ties.items()]  # fmt: skip
    return pa.Table.from_pylist(rows, schema=_TIE_SCHEMA)


def fold_part(part: int, policy: IngestPolicy, folder: Path, files: ImportFiles) -> FoldOutcome:
    """Fold the records of one id partition (a worker process's job)."""
    outcome = FoldOutcome()
    state = _Folder(policy, folder, part, files)
    with _engine(folder, f"fold-{part}") as db:
        source = folder / "fold" / f"part={part}" / "*.parquet"
        if not list(source.parent.glob("*.parquet")):
            state.close()
            outcome.peak_mb = peak_rss_mb()
            return outcome
        reader = db.execute(
            f"SELECT * FROM read_parquet('{source}') ORDER BY id, batch, seq"  # noqa: S608
        ).to_arrow_reader(10_000)
        rows = (row for batch in reader for row in batch.to_pylist())
        for index, (_, copies) in enumerate(itertools.groupby(rows, key=lambda r: r["id"])):
            _fold_id(state, list(copies), outcome)
            if index % FOLD_CHUNK == FOLD_CHUNK - 1:
                state.chunk_done()
    state.close()
    outcome.peak_mb = peak_rss_mb()
    return outcome


def _fold_id(state: _Folder, copies: list[dict[str, Any]], outcome: FoldOutcome) -> None:
    """One interaction id: its first batch's copies make it, each later batch's copies may
    grow it (`Ingestor._split_known`); its node gets the participants of all of them."""
    firm = state.firm_domains
    outcome.ingested += 1
    outcome.duplicates += len(copies) - 1
    groups = [copies] if len(copies) == 1 else [
        list(g) for _, g in itertools.groupby(copies, key=lambda r: r["batch"])
    ]  # fmt: skip
    first_rows = groups[0]
    created = _copies_of(first_rows)
    kinds = person_kinds([created], firm)
    batch = first_rows[0]["batch"]
    state.fold(created, kinds, _parent_of(first_rows[0], batch))
    state.name(created, kinds, (batch, 0, first_rows[0]["seq"]))
    final = created
    for rows in groups[1:]:
        arrived = _copies_of(rows)
        stored = _stored_form(final, kinds)
        merged = union_participants(stored, arrived)
        if merged is stored:
            continue
        kinds = {**kinds, **person_kinds([merged], firm)}
        state.fold(merged, kinds, _parent_of(rows[0], rows[0]["batch"]), tie_keys(stored, kinds))
        state.name(merged, kinds, (rows[0]["batch"], 1, rows[0]["seq"]))
        final = final.model_copy(update={"participants": merged.participants})
    node, links = interaction_lines(interaction_row(final, kinds))
    state.interactions.write(node)
    state.involves.writelines(links)


def _copies_of(rows: list[dict[str, Any]]) -> InteractionRecord:
    """The copies of one id in one batch as one record (`merge_copies`)."""
    if len(rows) == 1:
        return _record_of(rows[0])
    return merge_copies([_record_of(r) for r in rows])[0]


def write_people(folder: Path, files: ImportFiles) -> tuple[int, float]:
    """Person and Account nodes and WORKS_AT links from every fold worker's people; returns
    how many people, and the worker's peak memory."""
    with _engine(folder, "people") as db:
        source = str(folder / "people-*.parquet")
        # Each person's first name met, as the first of their rows in this order: a sort
        # spills to disk, where `arg_min` of a string would have to hold every person.
        query = f"""
            SELECT email, kind, name FROM read_parquet('{source}')
            ORDER BY email, name IS NULL, batch, grown, seq, position"""  # noqa: S608
        reader = db.execute(query).to_arrow_reader(50_000)
        rows = (row for batch in reader for row in batch.to_pylist())
        count = 0
        accounts: set[str] = set()
        with files.open("people", "0") as people, files.open("works_at", "0") as works:
            for email, same in itertools.groupby(rows, key=lambda r: r["email"]):
                first = next(same)
                count += 1
                kind = PersonKind(first["kind"])
                people.write(person_line(email, first["name"], kind))
                domain = account_domain(email) if kind is PersonKind.CONTACT else None
                if domain is not None:
                    accounts.add(domain)
                    works.write(works_at_line(email, domain))
        with files.open("accounts", "0") as out:
            out.writelines(account_line(domain) for domain in sorted(accounts))
    return count, peak_rss_mb()


def tie_sums(relation: str) -> str:
    """`add_fields` over every state of each tie in `relation` (spilled tie states, by
    `_TIE_SCHEMA`) as one DuckDB GROUP BY: counts and sums add, reply buckets add element by
    element, first is the earliest and the last times the latest, a null time being none.
    A GROUP BY spills to the work folder beyond the memory cap, where summing in Python held
    every state of a tie and cost a sort and a dict per state."""
    # DuckDB's lists count from 1.
    buckets = ", ".join(f"sum(reply_buckets[{i + 1}])::BIGINT" for i in range(REPLY_BUCKET_COUNT))
    columns = [
        *(f"sum({name})::BIGINT AS {name}" for name in TIE_COUNTS),
        f"[{buckets}] AS reply_buckets",
        *(f"sum({name}) AS {name}" for name in TIE_SUMS),
        "min(first_at) AS first_at", "max(last_at) AS last_at",
        "max(last_two_way_at) AS last_two_way_at",
    ]  # fmt: skip
    return f"SELECT type, a, b, {', '.join(columns)} FROM {relation} GROUP BY type, a, b"  # noqa: S608


def merge_ties(
    part: int, parts: int, folder: Path, files: ImportFiles, rule: TouchRule
) -> tuple[int, float]:
    """Sum the spilled states of the ties in hash partition `part` (a worker process's job),
    each stored with its `reach` under `rule`; returns how many ties, and the worker's peak
    memory."""
    spilled = sorted(folder.glob("ties-*.parquet"))
    count = 0
    with files.open("ties", str(part)) as out:
        if not spilled:
            return 0, peak_rss_mb()
        with _engine(folder, f"ties-{part}") as db:
            names = ",".join(f"'{p}'" for p in spilled)
            db.execute(f"""
                CREATE TEMP VIEW part AS SELECT * FROM read_parquet([{names}])
                WHERE hash(type, a, b) % {parts} = {part}""")  # noqa: S608
            reader = db.execute(tie_sums("part")).to_arrow_reader(20_000)
            types = {t.value: t for t in TieType}
            for batch in reader:
                for row in batch.to_pylist():
                    tie_type = types[row.pop("type")]
                    key = (tie_type, row.pop("a"), row.pop("b"))
                    out.write(tie_line(tie_type, tie_row(key, row), rule))
                    count += 1
    return count, peak_rss_mb()


@dataclass
class BulkResult:
    """A first load made ready: the import files, the reference rows to write after, the
    report, and the sizes the progress and the summary show."""

    files: ImportFiles
    references: list[ReferenceSpill]
    report: IngestReport
    people: int = 0
    ties: int = 0
    # The highest peak resident memory of any worker process, in MB.
    worker_peak_mb: float = 0.0


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """`workers` processes; left by an error or an interrupt, they are stopped, not awaited."""
    # forkserver: the workers are forked from a small server that has imported this module
    # once, not from the caller, so their memory is their own (a caller holding a generated
    # firm or a large report would otherwise be counted in each), and no lock the caller's
    # threads hold is copied into them. spawn would import everything again per worker.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_end_with,
                               initargs=(os.getpid(),))  # fmt: skip
    try:
        yield pool
    except BaseException:
        # A part in flight can take minutes and its result is of no use now; a SIGTERM or a
        # failure reaches only this process, so the workers would otherwise live on, orphaned.
        for process in list((pool._processes or {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _end_with(caller: int) -> None:
    """In each worker: end when the caller has. A worker's parent is the fork server, so the
    caller's death reaches it through no signal, and one forked while the caller was being
    stopped is in no list the caller could terminate."""

    def watch() -> None:
        while True:
            time.sleep(CALLER_CHECK_SECONDS)
            try:
                os.kill(caller, 0)
            except ProcessLookupError:
                os._exit(1)

    threading.Thread(target=watch, name="caller-watch", daemon=True).start()


def _wait(futures: Sequence[Future[Any]], stage: str, weights: Sequence[int],
          progress: Progress) -> list[Any]:  # fmt: skip
    total, done = sum(weights), 0
    progress(stage, 0, total)
    results: list[Any] = [None] * len(futures)
    index_of = {id(f): i for i, f in enumerate(futures)}
    for future in as_completed(futures):
        index = index_of[id(future)]
        results[index] = future.result()
        done += weights[index]
        progress(stage, done, total)
    return results


def prepare_bulk(
    paths: Sequence[Path], admission: Admission, stored_aliases: Mapping[str, str],
    batch_size: int, work: Path, progress: Progress, workers: int = 2,
) -> BulkResult:  # fmt: skip
    """Read, admit and fold `paths` into import files under `work` (emptied first)."""
    _fresh(work)
    report = IngestReport()
    reference_paths, units = plan_units(paths, workers, admission.options)
    references, aliases = read_references(reference_paths, admission, stored_aliases, report,
                                          work)  # fmt: skip
    admission = Admission(admission.policy, aliases, admission.erased, admission.options)
    with _pool(workers) as pool:
        parsed = _wait([pool.submit(spill_unit, u, admission, work) for u in units], "parsing",
                       [_unit_size(u) for u in units], progress)  # fmt: skip
        for outcome in parsed:
            _count(report, outcome)
        peak = max((o.peak_mb for o in parsed), default=0.0)
        result = BulkResult(ImportFiles(work / "import"), references, report, worker_peak_mb=peak)
        starts = unit_starts(units, parsed)
        return _fold_all(pool, admission, (batch_size, starts), work, progress, workers, result)


def prepare_bulk_records(
    references: Iterable[ReferenceRow], records: Iterable[InteractionRecord],
    admission: Admission, batch_size: int, work: Path, progress: Progress, workers: int = 2,
) -> BulkResult:  # fmt: skip
    """`prepare_bulk` for records made in this process (a generated firm): as if they came from
    one file after one reference file holding `references`."""
    _fresh(work)
    with ReferenceSpill(work / "references-0.jsonl") as spill:
        for row in references:
            spill.add(row)
    report = IngestReport(reference_rows=spill.rows)
    outcome = spill_items(records, 0, 1, admission, work)
    _count(report, outcome)
    result = BulkResult(ImportFiles(work / "import"), [spill], report,
                        worker_peak_mb=outcome.peak_mb)  # fmt: skip
    with _pool(workers) as pool:
        return _fold_all(pool, admission, (batch_size, {0: 0}), work, progress, workers, result)


def _fresh(work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)


def _fold_all(
    pool: ProcessPoolExecutor, admission: Admission, batches: tuple[int, dict[int, int]],
    work: Path, progress: Progress, workers: int, result: BulkResult,
) -> BulkResult:  # fmt: skip
    """Steps 3 to 5 (see the module's description) over the spilled records; `batches` is
    the batch size and `unit_starts`."""
    files = result.files
    files.write_headers()
    batch_size, starts = batches
    # In a worker: DuckDB's memory is then never the parent's on top of the workers'.
    _wait([pool.submit(prepare_fold, work, batch_size, workers, starts)], "grouping", [1],
          progress)  # fmt: skip
    folded = _wait([pool.submit(fold_part, p, admission.policy, work, files)
                    for p in range(workers)], "folding", [1] * workers, progress)  # fmt: skip
    for outcome in folded:
        result.report.ingested += outcome.ingested
        result.report.duplicates += outcome.duplicates
    people = pool.submit(write_people, work, files)
    rule = touch_rule(admission.policy.profile)
    ties = _wait([pool.submit(merge_ties, p, workers, work, files, rule) for p in range(workers)],
                 "summing ties", [1] * workers, progress)  # fmt: skip
    result.people, people_peak = people.result()
    result.ties = sum(n for n, _ in ties)
    peaks = [o.peak_mb for o in folded] + [people_peak] + [p for _, p in ties]
    result.worker_peak_mb = max([result.worker_peak_mb, *peaks])
    return result


def _unit_size(unit: Unit) -> int:
    if unit.part is not None:
        return unit.part.end - unit.part.start
    return unit.path.stat().st_size if unit.path.is_file() else 1


def _count(report: IngestReport, outcome: UnitOutcome) -> None:
    report.read += outcome.read
    report.skipped.update(outcome.skipped)
    for issue in outcome.errors:
        report.add_error(issue)
    report.error_count += outcome.error_count - len(outcome.errors)
