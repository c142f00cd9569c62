"""The one ingestion pipeline: parsed items in, atomic batches out, a report of what happened.

Shared by the CLI, the arq worker and the GraphQL mutation.
"""

import asyncio
import contextlib
import inspect
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from neo4j.exceptions import ConstraintError

from graph.batch import GrownInteraction, PreparedBatch, Row, prepare_batch
from graph.firm import checked_firm
from graph.records import to_interaction
from graph.repository import GraphRepository
from ingest.parsers.noise import AUTOMATED_SENDER, is_automated_address
from ingest.results import ParsedItem, ParseIssue, Skipped
from scoring.policy import IngestPolicy
from tiegraph.access import address_hash
from tiegraph.domain import InteractionRecord, Participant, PersonKind, time_problem
from tiegraph.errors import BadInput
from tiegraph.firm import capture_refusal, captured
from tiegraph.identity import canonical_address, person_kind
from tiegraph.reference import AliasRow, ContactRow, ReferenceRow, RosterRow
from tiegraph.settings import Settings

# Kept in the report; the count of errors beyond it is still exact.
MAX_REPORTED_ERRORS = 200
# A concurrent job may create some of our ids between our check and our write; the unique
# constraint then rolls our batch back whole, and a fresh check sorts it out.
WRITE_ATTEMPTS = 3
NO_COUNTERPART = "no-counterpart"
ERASED = "erased-address"


def require_storable(records: Sequence[InteractionRecord], field: str) -> None:
    """BadInput for the first record `run` would reject: for callers that promise every item
    is valid before any is written (the ingestInteractions mutation)."""
    for index, record in enumerate(records):
        if (problem := time_problem(record.occurred_at)) is not None:
            raise BadInput(problem, location=f"{field}[{index}].occurredAt")


# How often (in items) the reading loop lets the batch in flight talk to Neo4j: often enough
# that the write's round trips are never held up for long behind parsing.
YIELD_EVERY = 100

PipelineItem = ParsedItem | ReferenceRow


@dataclass
class IngestReport:
    """Counts for one ingestion run, as `GET /jobs/{id}` and the CLI show them."""

    read: int = 0
    ingested: int = 0
    duplicates: int = 0
    reference_rows: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    error_count: int = 0
    errors: list[ParseIssue] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        """The counts the stored ingestion totals keep (`GraphRepository.count_ingest`)."""
        return {"ingested": self.ingested, "duplicates": self.duplicates,
                "errors": self.error_count, "reference_rows": self.reference_rows}  # fmt: skip

    def add_error(self, issue: ParseIssue) -> None:
        """Count an error and keep its text while there is room."""
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(issue)

    def refuse(self, item: ParseIssue | Skipped) -> None:
        """Count an item not ingested: an error, or a deliberate skip by its reason."""
        if isinstance(item, Skipped):
            self.skipped[item.reason] += 1
        else:
            self.add_error(item)


# What `Ingestor.start_batch` returns: done once that batch has committed.
Committed = asyncio.Future[None]

# Called after each batch with the running report; may be a coroutine function.
ProgressCallback = Callable[["IngestReport"], Awaitable[None] | None]


@dataclass(frozen=True)
class _Stored:
    """What a batch will have stored once it commits, for the batch after it to look up while
    it is written: its new interactions (as rows) and the ones it grows."""

    rows: Mapping[str, Row] = field(default_factory=dict)
    grown: Mapping[str, InteractionRecord] = field(default_factory=dict)

    def holds(self, external_id: str) -> bool:
        return external_id in self.rows or external_id in self.grown

    def stored_form(self, external_id: str) -> InteractionRecord:
        """The record as `stored_interactions` will return it (times to the millisecond)."""
        if external_id in self.grown:
            return self.grown[external_id]
        return to_interaction(self.rows[external_id])

    @classmethod
    def of(cls, batch: PreparedBatch | None, grown: Sequence[GrownInteraction]) -> "_Stored":
        rows = {} if batch is None else {str(row["id"]): row for row in batch.interactions}
        return cls(rows=rows, grown={g.merged.external_id: g.merged for g in grown})


@dataclass
class _Flight:
    """A batch being checked and written, and what it will have stored."""

    task: "asyncio.Task[None]"
    stored: "asyncio.Future[_Stored]"


def union_participants(first: InteractionRecord, other: InteractionRecord) -> InteractionRecord:
    """`first` with the participants only `other` has (first role wins)."""
    known = {p.email for p in first.participants}
    extra = tuple(p for p in other.participants if p.email not in known)
    return first.model_copy(update={"participants": first.participants + extra}) if extra else first


def merge_copies(records: Sequence[InteractionRecord]) -> list[InteractionRecord]:
    """One record per external id; copies seen in several mailboxes pool their participants."""
    merged: dict[str, InteractionRecord] = {}
    for record in records:
        first = merged.get(record.external_id)
        merged[record.external_id] = record if first is None else union_participants(first, record)
    return list(merged.values())


def _names_erased(row: ReferenceRow, erased: frozenset[str]) -> bool:
    """True for a contact or alias row about an erased address (they must not come back)."""
    if isinstance(row, ContactRow):
        return address_hash(row.email) in erased
    if isinstance(row, AliasRow):
        return address_hash(row.alias) in erased or address_hash(row.email) in erased
    return False


def resolve_record(
    record: InteractionRecord, policy: IngestPolicy, aliases: Mapping[str, str],
    erased: frozenset[str] = frozenset(),
) -> InteractionRecord:  # fmt: skip
    """Canonical addresses, duplicates folded (first role wins), role mailboxes and erased
    addresses (`erased` holds their hashes) dropped."""
    people: dict[str, Participant] = {}
    for p in record.participants:
        email = canonical_address(p.email, policy.firm_domains, aliases)
        if erased and (address_hash(email) in erased or address_hash(p.email) in erased):
            continue  # erased on request: never stored again
        if email not in people and (p.initiated or not is_automated_address(email)):
            people[email] = p if email == p.email else p.model_copy(update={"email": email})
    participants = tuple(people.values())
    # Most records come through unchanged; copying each would be a visible share of the write
    # path.
    if participants == record.participants:
        return record
    return record.model_copy(update={"participants": participants})


def admit_record(
    record: InteractionRecord, policy: IngestPolicy, aliases: Mapping[str, str],
    erased: frozenset[str] = frozenset(),
) -> InteractionRecord | ParseIssue | Skipped:  # fmt: skip
    """What ingestion makes of a parsed record: resolved, admin-flagged and as the capture
    controls allow it, or why not (an error for an impossible date, a skip for a robot
    sender, an excluded source or address, or no one to tie to). The one admission rule:
    ingestion and a backtest from files both apply it."""
    # Parsers refuse these where they know the file and line; this catches the rest.
    if (problem := time_problem(record.occurred_at)) is not None:
        return ParseIssue(_location(record), f"occurredAt: {problem}")
    resolved = policy.with_admin_flag(resolve_record(record, policy, aliases, erased))
    if (refusal := capture_refusal(resolved, policy.capture)) is not None:
        return Skipped(_location(record), refusal)
    resolved = captured(resolved, policy.capture)
    initiator = resolved.initiator
    if initiator is not None and is_automated_address(initiator.email):
        return Skipped(_location(record), AUTOMATED_SENDER)
    if len(resolved.participants) < 2:
        return Skipped(_location(record), NO_COUNTERPART)
    return resolved


def reference_problem(
    row: ReferenceRow, policy: IngestPolicy, erased: frozenset[str]
) -> ParseIssue | Skipped | None:
    """Why a reference row is not written (a roster row off the firm's domains, a row about
    an erased address), or None: the one rule for the incremental and the bulk path."""
    if isinstance(row, RosterRow) and (
        person_kind(row.email, policy.firm_domain_set) is not PersonKind.TEAM_MEMBER
    ):
        return ParseIssue(f"roster {row.email}", "email: not on a firm domain "
                          "(tiegraph init)")  # fmt: skip
    if erased and _names_erased(row, erased):
        return Skipped(f"reference {type(row).__name__}", ERASED)
    return None


def _location(record: InteractionRecord) -> str:
    # Built only for a refused record: every admitted one passes here on the write path.
    return f"{record.source}:{record.external_id}"


class Ingestor:
    """Writes parsed items to the graph in batches of `batch_size`, one transaction each."""

    def __init__(
        self,
        repo: GraphRepository,
        firm_domains: tuple[str, ...],
        batch_size: int,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self._repo = repo
        # What this process was told (TIEGRAPH_FIRM_DOMAINS, or nothing): `run` checks it
        # against the graph's firm and then uses the graph's.
        self._policy = IngestPolicy(firm_domains=firm_domains)
        self._batch_size = batch_size
        self._on_progress = on_progress
        self._aliases: dict[str, str] | None = None
        self._erased: frozenset[str] = frozenset()  # hashes of erased addresses (eraseContact)
        self._records: list[InteractionRecord] = []
        self._flights: list[_Flight] = []  # at most two: one writing, one checked meanwhile
        self._references: list[ReferenceRow] = []
        self.report = IngestReport()
        self._counted: dict[str, int] = {}  # the report's totals when last stored

    @classmethod
    def for_settings(
        cls,
        repo: GraphRepository,
        settings: Settings,
        on_progress: ProgressCallback | None = None,
    ) -> "Ingestor":
        """An ingestor with the batch size of `settings`; its firm is the graph's, which
        `TIEGRAPH_FIRM_DOMAINS` may repeat but not contradict."""
        return cls(repo, tuple(settings.firm_domains), settings.ingest_batch_size, on_progress)

    async def run(self, items: Iterable[PipelineItem]) -> IngestReport:
        """Consume every item; returns the report (also kept on `self.report`).

        Batches overlap without changing the result. A full batch becomes a task that looks
        up its duplicates and reply parents and prepares its rows while the batch before it is
        still being written, then writes once that one has committed: commits keep the input's
        order, so a run stopped half-way leaves a prefix of it. What the batch before will
        have stored comes from its prepared rows (`_Stored`); a batch holding a copy of one of
        its messages waits for it to commit and looks it up then. Meanwhile the loop reads the
        next batch, yielding to the tasks every `YIELD_EVERY` items.
        """
        await self._prepare()
        try:
            for item in items:
                self.report.read += 1
                self._take(item)
                if len(self._records) >= self._batch_size:
                    await self._flush()
                elif len(self._references) >= self._batch_size:
                    await self._flush_references()
                elif self.report.read % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
            await self._flush()
            await self._settle()
        finally:
            await self._abandon()
        await self._count()
        return self.report

    async def _count(self) -> None:
        """Add what the runs since the last count did to the stored totals (`/metrics` reads
        them): counted where the work is done, whichever process does it."""
        now = self.report.totals()
        delta = {key: value - self._counted.get(key, 0) for key, value in now.items()}
        if any(delta.values()):
            await self._repo.count_ingest(**delta)
        self._counted = now

    async def _prepare(self) -> None:
        if self._aliases is None:  # read once per ingestor: a run sees one profile and firm
            # Refused before anything is read when the firm is not set up: its people would
            # be stored as contacts, and the firm as an account.
            firm = await checked_firm(self._repo, self._policy.firm_domains)
            self._aliases = await self._repo.aliases()
            self._erased = await self._repo.erased_hashes()
            profile = await self._repo.scoring_profile()
            self._policy = IngestPolicy(firm_domains=firm.domains, profile=profile, capture=firm)

    async def start_batch(self, items: Iterable[ParsedItem]) -> Committed:
        """Take `items` as one batch of their own and start checking and writing it behind the
        batches in flight, without waiting for it to commit; at most two are in flight, as in
        `run`. For a reader that fetches while it writes and must know when each of its
        batches has committed (the IMAP sync checkpoints after each). The returned awaitable
        ends once this batch and every one before it have committed, raising what the write
        raised. `finish` waits for every batch; `abandon` drops those not yet written."""
        await self._prepare()
        for item in items:
            self.report.read += 1
            self._take(item)
        await self._flush()
        if self._flights:
            return self._flights[-1].task
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    async def finish(self) -> None:
        """Wait for every batch `start_batch` started; the first error is raised here."""
        await self._settle()
        await self._count()

    async def abandon(self) -> None:
        """Drop the batches in flight (see `_abandon`)."""
        await self._abandon()

    def _take(self, item: PipelineItem) -> None:
        if isinstance(item, ParseIssue | Skipped):
            self.report.refuse(item)
        elif isinstance(item, InteractionRecord):
            self._take_record(item)
        elif (problem := reference_problem(item, self._policy, self._erased)) is None:
            self._references.append(item)
        else:
            self.report.refuse(problem)

    def _take_record(self, record: InteractionRecord) -> None:
        admitted = admit_record(record, self._policy, self._aliases or {}, self._erased)
        if isinstance(admitted, ParseIssue | Skipped):
            self.report.refuse(admitted)
        else:
            self._records.append(admitted)

    async def _flush_references(self) -> None:
        rows, self._references = self._references, []
        if rows:
            await self._settle()  # after every interaction read before them
            await self._repo.write_reference(rows, self._policy.firm_domain_set)
            self.report.reference_rows += len(rows)
            self._learn_aliases(rows)
            await self._progress()

    def _learn_aliases(self, rows: Sequence[ReferenceRow]) -> None:
        for row in rows:
            if isinstance(row, AliasRow) and self._aliases is not None:
                self._aliases[row.alias] = row.email

    async def _flush(self) -> None:
        """Start checking and writing the records taken so far (see `run`)."""
        await self._flush_references()
        pending, self._records = self._records, []
        if not pending:
            return
        while len(self._flights) > 1:  # memory: one batch writing, one checked, one being read
            await self._flights.pop(0).task
        previous = self._flights[-1] if self._flights else None
        stored: asyncio.Future[_Stored] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(self._write(pending, previous, stored))
        self._flights.append(_Flight(task=task, stored=stored))

    async def _settle(self) -> None:
        """Wait for every batch in flight, in order; the first error is raised here."""
        while self._flights:
            await self._flights.pop(0).task

    async def _abandon(self) -> None:
        # Reached with batches in flight only when the run failed or was cancelled: their
        # transactions then roll back whole (a later one never commits before an earlier one).
        flights, self._flights = self._flights, []
        for flight in reversed(flights):
            flight.task.cancel()
        for flight in flights:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await flight.task

    async def _write(
        self, pending: list[InteractionRecord], previous: _Flight | None,
        stored: "asyncio.Future[_Stored]",
    ) -> None:  # fmt: skip
        try:
            records = merge_copies(pending)
            ahead = await self._ahead(records, previous)
            fresh: list[InteractionRecord] = []
            for attempt in range(1, WRITE_ATTEMPTS + 1):
                try:
                    fresh, grown = await self._split_known(records)
                    batch = None
                    if fresh or grown:
                        parents = await self._parents(records, ahead)
                        batch = prepare_batch(fresh, self._policy, grown, parents)
                    if not stored.done():
                        stored.set_result(_Stored.of(batch, grown))
                    if previous is not None:
                        await previous.task  # commits in the input's order
                    if batch is not None:
                        await self._repo.write_batch(batch)
                    break
                except ConstraintError:
                    if attempt == WRITE_ATTEMPTS:
                        raise
        finally:
            if not stored.done():
                stored.cancel()  # the batch after this one fails with it
        self.report.ingested += len(fresh)
        self.report.duplicates += len(pending) - len(fresh)
        await self._progress()

    async def _ahead(self, records: list[InteractionRecord], previous: _Flight | None) -> _Stored:
        """What the batch in flight before this one will store, once it has prepared. A copy
        of one of its messages here needs it in the graph first: then it is waited for."""
        if previous is None:
            return _Stored()
        ahead = await previous.stored
        if any(ahead.holds(r.external_id) for r in records):
            await previous.task
            return _Stored()
        return ahead

    async def _split_known(
        self, records: list[InteractionRecord]
    ) -> tuple[list[InteractionRecord], list[GrownInteraction]]:
        stored = await self._repo.stored_interactions([r.external_id for r in records])
        fresh = [r for r in records if r.external_id not in stored]
        grown = []
        for record in records:
            if (old := stored.get(record.external_id)) is not None:
                merged = union_participants(old, record)
                if merged is not old:
                    grown.append(GrownInteraction(stored=old, merged=merged))
        return fresh, grown

    async def _parents(
        self, records: list[InteractionRecord], ahead: _Stored
    ) -> dict[str, InteractionRecord]:
        """The messages these records answer, from this batch, the batch before (`ahead`) or
        the graph (reply times)."""
        here = {r.external_id: r for r in records}
        wanted = {r.in_reply_to for r in records if r.in_reply_to} - here.keys()
        coming = {i: ahead.stored_form(i) for i in sorted(wanted) if ahead.holds(i)}
        wanted -= coming.keys()
        stored = await self._repo.stored_interactions(sorted(wanted)) if wanted else {}
        return {**stored, **coming, **here}

    async def _progress(self) -> None:
        if self._on_progress is not None:
            outcome = self._on_progress(self.report)
            if inspect.isawaitable(outcome):
                await outcome
