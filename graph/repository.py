"""The repository: the only code that runs Cypher. Every query is a named file in `cypher/`."""

import copy
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, LiteralString

from neo4j import READ_ACCESS, AsyncDriver, AsyncManagedTransaction, Query, Record

import cypher
from graph.batch import PreparedBatch, Row
from graph.common import profile_from
from graph.models import (
    AccountSnapshot,
    ContactPageKey,
    ContactTies,
    ErasurePlan,
    GraphSnapshot,
    MemberContactTie,
    SearchHit,
)
from graph.records import (
    epoch_ms,
    reference_params,
    to_account,
    to_api_token,
    to_contact_ties,
    to_interaction,
    to_member_contact_tie,
    to_search_hit,
)
from scoring.profile import ScoringProfile
from tiegraph.access import ApiToken
from tiegraph.domain import InteractionRecord, TieType
from tiegraph.firm import FirmSettings
from tiegraph.reference import ReferenceRow

# Called with the name of every catalog query the repository runs (metrics, query-count tests).
QueryObserver = Callable[[str], None]


class GraphRepository:
    """Reads and writes the tiegraph graph through one shared driver.

    `read_timeout` (seconds) is sent with every read as the transaction timeout, so the server
    itself stops a read the API has stopped waiting for; the worker's repository has none.
    Every read also gets `$hidden`: the team members whose ties the reads leave out (`hiding`;
    app/auth.py decides who they are for each caller), none by default.
    """

    def __init__(
        self, driver: AsyncDriver, database: str, read_timeout: float | None = None
    ) -> None:
        self._driver = driver
        self._database = database
        self._read_timeout = read_timeout
        self._observers: list[QueryObserver] = []
        self._hidden: list[str] = []

    def hiding(self, members: Iterable[str]) -> "GraphRepository":
        """This repository (same driver and observers) with the ties of `members` left out of
        every read."""
        scoped = copy.copy(self)
        scoped._hidden = sorted(members)
        return scoped

    def observe(self, observer: QueryObserver) -> None:
        """Call `observer(name)` for every query run from now on."""
        self._observers.append(observer)

    def _ran(self, name: str) -> None:
        for observer in self._observers:
            observer(name)

    async def read_rows(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """The rows of a named read query that returns only maps and plain values (see
        `_read_maps`) as dicts, for graph/ modules that turn them into domain models
        themselves (graph/health.py). Nothing above graph/ calls this."""
        return await self._read_maps(name, **params)

    async def write_rows(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named write query in one managed transaction and return its rows as dicts,
        for graph/ modules that keep their own small stores (graph/sources.py)."""
        return await self._write(name, **params)

    async def _read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return [record.data() for record in await self._read_records(name, params)]

    async def _read_maps(self, name: str, **params: Any) -> list[dict[str, Any]]:
        # For queries that return only maps, lists and plain values (properties(), map
        # projections), never nodes or relationships: those need no `Record.data()` walk, which
        # costs more than decoding on the large nested rows of the intelligence reads.
        return [dict(record) for record in await self._read_records(name, params)]

    async def _read_records(self, name: str, params: dict[str, Any]) -> list[Record]:
        # One auto-commit transaction (RUN and PULL in one exchange) rather than
        # `execute_query`'s managed one (BEGIN, RUN, PULL, COMMIT): about half the time of a
        # small read here, and every request makes two or more reads. A read is not retried:
        # a failed one fails its request, which a client may send again. The bookmarks of
        # `execute_query` writes are kept, so a read still sees what was just written.
        self._ran(name)
        async with self._driver.session(
            database=self._database,
            default_access_mode=READ_ACCESS,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        ) as session:
            query = Query(cypher.query(name), timeout=self._read_timeout)
            result = await session.run(query, {**params, "hidden": self._hidden})
            return [record async for record in result]

    async def stored_interactions(self, ids: Sequence[str]) -> dict[str, InteractionRecord]:
        """Those of `ids` already stored, as records (participants without display names)."""
        rows = await self._read_maps("ingest/stored_interactions", ids=list(ids))
        return {row["id"]: to_interaction(row) for row in rows[0]["interactions"]}

    async def aliases(self) -> dict[str, str]:
        """Every known alias address and the address of the person it belongs to."""
        rows = await self._read("ingest/all_aliases")
        return {row["alias"]: row["email"] for row in rows}

    async def _write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        self._ran(name)
        result = await self._driver.execute_query(
            cypher.query(name), params, database_=self._database
        )
        return [record.data() for record in result.records]

    async def ping(self) -> None:
        """Raise unless the database answers a trivial read."""
        await self._read("ops/ping")

    async def firm_settings(self) -> FirmSettings:
        """The firm's settings as stored (empty ones before `tiegraph init`)."""
        rows = await self._read_maps("firm/settings")
        return FirmSettings.model_validate(rows[0]) if rows else FirmSettings()

    async def save_firm_settings(self, firm: FirmSettings) -> None:
        """Store the whole of the firm's settings."""
        await self._write("firm/save", **firm.model_dump(mode="json"))

    async def interaction_count(self) -> int:
        """How many interactions are stored."""
        rows = await self._read("firm/interaction_count")
        return int(rows[0]["interactions"])

    async def domain_contacts(self, domain: str) -> list[str]:
        """The addresses of every contact on `domain` or one of its subdomains."""
        rows = await self._read("firm/domain_contacts", domain=domain)
        return [row["email"] for row in rows]

    async def source_interactions(self, member: str) -> list[InteractionRecord]:
        """The interactions whose first copy came from `member`'s own mailbox or calendar."""
        rows = await self._read("firm/source_interactions", member=member)
        return [to_interaction(row) for row in rows]

    async def drop_subjects(self) -> None:
        """Remove every stored subject, in transactions of 10,000 (auto-commit: CALL IN
        TRANSACTIONS needs it)."""
        self._ran("firm/drop_subjects")
        async with self._driver.session(database=self._database) as session:
            result = await session.run(cypher.query("firm/drop_subjects"))
            await result.consume()

    async def count_ingest(
        self, ingested: int, duplicates: int, errors: int, reference_rows: int
    ) -> None:
        """Add a run's counts to the stored ingestion totals."""
        await self._write("ops/count_ingest", ingested=ingested, duplicates=duplicates,
                          errors=errors, reference_rows=reference_rows)  # fmt: skip

    async def ingest_totals(self) -> dict[str, int]:
        """The stored ingestion totals: ingested, duplicates, errors and reference_rows."""
        return {
            key: int(value) for key, value in (await self._read("ops/ingest_totals"))[0].items()
        }

    async def write_reference(
        self, rows: Sequence[ReferenceRow], firm_domains: frozenset[str]
    ) -> None:
        """Write roster, account, contact and alias rows in one transaction."""
        grouped = reference_params(rows, firm_domains)
        self._ran("ingest/write_reference")
        async with self._driver.session(database=self._database) as session:
            await session.execute_write(_write_reference, grouped)

    async def write_batch(self, batch: PreparedBatch) -> None:
        """Write one prepared batch: its people first, then its interactions and ties in one
        transaction, all of them or (on any error) none.

        People get their own, earlier transaction because Neo4j's index seeks over nodes created
        in the same transaction are slow (dozens of times slower on a first batch into a new
        graph: docs/benchmarks.md). Upserting a person is idempotent,
        so a failure after it leaves no interaction and no tie, only people a retry reuses.
        """
        self._ran("ingest/write_batch")
        async with self._driver.session(database=self._database) as session:
            if batch.team_members or batch.contacts:
                await session.execute_write(_write_people, batch)
            await session.execute_write(_write_batch, batch)

    async def scoring_profile(self) -> ScoringProfile:
        """The active scoring profile, or the defaults in code when none was saved."""
        rows = await self._read("profile/active")
        return profile_from(rows[0]["json"] if rows else None)

    async def save_scoring_profile(self, profile: ScoringProfile) -> tuple[int, str]:
        """Store `profile` as the active one, with a rescore owed; returns its new version
        number and the owed rescore's id."""
        rows = await self._write("profile/save", json=profile.model_dump_json())
        return int(rows[0]["version"]), str(rows[0]["rescore_id"])

    async def owed_rescore(self) -> str | None:
        """The id of the rescore the active profile still needs, or None."""
        rows = await self._read("profile/rescore_owed")
        return str(rows[0]["rescore_id"]) if rows else None

    async def rescore_done(self, rescore_id: str) -> None:
        """Clear the owed rescore `rescore_id` (nothing when a newer change owes another)."""
        await self._write("profile/rescore_done", rescore_id=rescore_id)

    async def tie_keys(self) -> set[tuple[TieType, str, str]]:
        """Every tie as (type, a, b): what a rescore must rebuild or remove."""
        rows = await self._read_maps("rescore/tie_keys")
        return {(TieType(kind), a, b) for kind, a, b in rows[0]["keys"]}

    async def replace_ties(
        self, tie_type: TieType, rows: Sequence[Row], rule: Mapping[str, object]
    ) -> None:
        """Set ties of one type to the whole state in `rows` (a rescore's totals), creating
        those that do not exist, in one transaction; `rule` is `graph.records.reach_rule`."""
        self._ran("rescore/replace_ties")
        async with self._driver.session(database=self._database) as session:
            await session.execute_write(_replace_ties, tie_type, rows, rule)

    async def set_admin_flags(self, flags: Sequence[tuple[str, bool]]) -> None:
        """Set each interaction's admin flag, given as (id, flag), in one transaction."""
        await self._write("rescore/set_admin_flags", flags=[[i, flag] for i, flag in flags])

    async def delete_ties(self, keys: Sequence[tuple[TieType, str, str]]) -> None:
        """Remove the ties named (type, a, b), in one transaction."""
        await self._write("rescore/delete_ties", keys=[[t.value, a, b] for t, a, b in keys])

    async def interaction_rows(self, after: str, limit: int) -> list[list[Any]]:
        """Up to `limit` interactions with ids after `after`, in id order, as lists of the
        values named by `graph.records.INTERACTION_COLUMNS` (a rescore turns them into records
        with `to_interaction` in its fold processes)."""
        rows = await self._read_maps("rescore/interaction_page", after=after, limit=limit)
        return list(rows[0]["page"])

    async def contact_ties(self, email: str) -> tuple[ContactTies, ScoringProfile] | None:
        """The contact, every team member's tie to them and the active scoring profile (one
        round trip), or None for an unknown contact."""
        rows = await self._read_maps("read/who_knows", email=email)
        if not rows:
            return None
        return to_contact_ties(rows[0]), profile_from(rows[0]["profile"])

    async def tie(self, member: str, contact: str) -> MemberContactTie | None:
        """Both people and their stored tie (None when either person is unknown)."""
        rows = await self._read("read/tie", member=member, contact=contact)
        return to_member_contact_tie(rows[0]) if rows else None

    async def tie_interactions(
        self, member: str, contact: str, until: datetime
    ) -> list[InteractionRecord]:
        """The tie's interactions up to `until`, oldest first."""
        rows = await self._read("read/tie_interactions", member=member, contact=contact,
                                until_ms=epoch_ms(until))  # fmt: skip
        return [to_interaction(row) for row in rows]

    async def account(self, domain: str) -> AccountSnapshot | None:
        """The account (without contacts: see `account_contacts`), or None when unknown."""
        rows = await self._read("read/account", domain=domain)
        return to_account(rows[0]) if rows else None

    # Reads of the intelligence queries (graph/routes.py, threads.py, influence.py,
    # departure.py, attention.py). Each returns the query's rows as plain maps; those modules
    # turn them into domain inputs, as graph/health.py does.

    async def warm_intro_neighbourhood(
        self, requester: str, target: str | None, domain: str | None
    ) -> dict[str, Any] | None:
        """The requester, the target contact or account contacts with who knows them (and, for
        a person, their associates at the account), the requester's colleagues and the active
        profile. None for an unknown requester."""
        rows = await self._read("read/warm_intro_routes", requester=requester, target=target,
                                domain=domain)  # fmt: skip
        return rows[0] if rows else None

    async def account_threads(
        self,
        min_value: float | None,
        tier: str | None,
        after: tuple[float, str] | None,
        limit: int,
        reach: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Up to `limit` accounts after the keyset position `after` (value, domain), highest
        annual value first, with the contacts and KNOWS ties that pass the `reach` pre-filter
        (`graph.common.reach_params`)."""
        value, domain = after if after is not None else (None, None)
        low = -sys.float_info.max if min_value is None else min_value
        high = sys.float_info.max if value is None else value
        rows = await self._read_maps("read/account_threads", min_value=min_value, tier=tier,
                                     after_value=value, after_domain=domain, limit=limit,
                                     low_value=low, high_value=high, **reach)  # fmt: skip
        return list(rows[0]["accounts"])

    async def member_thread_accounts(
        self, member: str, min_value: float, reach: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """The accounts worth at least `min_value` where `member` has a tie passing the `reach`
        pre-filter, highest annual value first, in the row shape of `account_threads`."""
        rows = await self._read_maps("read/member_thread_accounts", member=member,
                                     min_value=min_value, **reach)  # fmt: skip
        return list(rows[0]["accounts"])

    async def account_threads_of(self, domains: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The accounts of `domains` by domain, each with all its contacts and KNOWS ties, in
        the row shape of `account_threads`."""
        rows = await self._read_maps("read/account_threads_of", domains=list(domains))
        return {row["account"]["domain"]: row for row in rows}

    async def colleague_ties(self, emails: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Each known member of `emails` with their WORKS_WITH ties (colleague and tie maps)."""
        rows = await self._read_maps("read/colleague_ties", emails=list(emails))
        return {row["email"]: row["colleagues"] for row in rows}

    async def influence_map(self, domain: str) -> dict[str, Any] | None:
        """The account with its contacts, their ASSOCIATED_WITH ties among themselves and the
        active profile; None for an unknown domain."""
        rows = await self._read_maps("read/influence_map", domain=domain)
        return rows[0] if rows else None

    async def shared_accounts(self, source: str, target: str) -> dict[str, Any]:
        """Whether each contact is known, and the domains of the accounts both work at."""
        rows = await self._read("read/shared_accounts", source=source, target=target)
        return rows[0]

    async def departure_neighbourhood(
        self, member: str, reach: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The member, the contacts whose tie from them passes the `reach` pre-filter
        (`graph.common.reach_params`) with every tie to them, those contacts' accounts (with
        the ties there that pass it) and the member's colleagues; None for an unknown
        member."""
        rows = await self._read_maps("read/departure_impact", member=member, **reach)
        return rows[0] if rows else None

    async def close_contacts(self, emails: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """For each of `emails`, the contacts at the same account seen with them, each with
        that tie (`association`) and their KNOWS ties."""
        rows = await self._read_maps("read/close_contacts", emails=list(emails))
        return {row["email"]: row["close"] for row in rows}

    async def attention_ties(
        self, member: str | None, windows: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Attention-feed candidate ties of one member (or the whole team when None), within
        the epoch-millisecond bounds `cold_ms`, `forget_ms`, `recent_ms`, `min_two_way` and the
        `reach_*` score bound (`graph.common.reach_params`)."""
        if member is None:
            rows = await self._read_maps("read/attention_team_ties", **windows)
        else:
            rows = await self._read_maps("read/attention_member_ties", member=member, **windows)
        return list(rows[0]["ties"])

    async def attention_movers(self, member: str | None, params: dict[str, Any]) -> list[str]:
        """The contacts of one member (or of the whole team when None) who may have moved, most
        recently heard from first, at most `max_moves` (`read/attention_*_movers`)."""
        name = "read/attention_team_movers" if member is None else "read/attention_member_movers"
        rows = await self._read_maps(name, member=member, **params)
        return list(rows[0]["emails"])

    async def contacts_moves(self, emails: Sequence[str]) -> list[dict[str, Any]]:
        """For each known contact of `emails`: its ties, accounts and namesakes elsewhere."""
        rows = await self._read_maps("read/contacts_moves", emails=list(emails))
        return list(rows[0]["contacts"])

    async def accounts_page(self, after: str, limit: int) -> list[AccountSnapshot]:
        """Up to `limit` accounts with domains after `after`, in domain order."""
        rows = await self._read("read/accounts_page", after=after, limit=limit)
        return [to_account(row) for row in rows]

    async def search(self, query: str, limit: int) -> list[SearchHit]:
        """The best `limit` people and accounts for a full-text `query` (Lucene syntax)."""
        rows = await self._read_maps("read/search", query=query, limit=limit)
        return [to_search_hit(row) for row in rows]

    async def account_contacts(
        self, pages: Sequence[ContactPageKey]
    ) -> dict[ContactPageKey, tuple[ContactTies, ...]]:
        """For each (domain, after, limit): that page of the account's contacts, in email order,
        each with its ties. One query for all of them (the DataLoader's batch)."""
        params = [{"domain": d, "after": a, "limit": n} for d, a, n in pages]
        rows = await self._read("read/account_contacts", pages=params)
        found = {
            (row["domain"], row["after"], row["limit"]): tuple(
                sorted((to_contact_ties(c) for c in row["contacts"]), key=lambda c: c.contact.email)
            )
            for row in rows
        }
        return {key: found.get(key, ()) for key in pages}

    async def create_token(self, token: ApiToken, hashed: str) -> None:
        """Store a new token's hash and what it grants."""
        await self._write("auth/create_token", id=token.id, hash=hashed, role=token.role.label,
                          member_email=token.member_email,
                          created_ms=epoch_ms(token.created_at))  # fmt: skip

    async def token_by_hash(
        self, hashed: str
    ) -> tuple[ApiToken, tuple[str, ...], tuple[str, ...]] | None:
        """The token with this hash (revoked ones included), the members who opted out of
        being shown and the firm's stored domains, or None."""
        rows = await self._read("auth/token_by_hash", hash=hashed)
        if not rows:
            return None
        row = rows[0]
        return to_api_token(row), tuple(row["opted_out"]), tuple(row["firm_domains"])

    async def tokens(self) -> list[ApiToken]:
        """Every token, newest first."""
        return [to_api_token(row) for row in await self._read("auth/list_tokens")]

    async def revoke_token(self, token_id: str, at: datetime) -> ApiToken | None:
        """Mark a token revoked (idempotent); None when no token has this id."""
        rows = await self._write("auth/revoke_token", id=token_id, revoked_ms=epoch_ms(at))
        return to_api_token(rows[0]) if rows else None

    async def erasure_target(self, address: str) -> tuple[str, list[str], list[str]] | None:
        """The person `address` names: (their email, labels, alias addresses), or None."""
        rows = await self._read("erase/person", address=address)
        if not rows:
            return None
        return rows[0]["email"], list(rows[0]["labels"]), list(rows[0]["aliases"])

    async def interactions_with(self, addresses: Sequence[str]) -> list[InteractionRecord]:
        """Every interaction any of `addresses` took part in."""
        rows = await self._read("erase/interactions", addresses=list(addresses))
        return [to_interaction(row) for row in rows]

    async def pair_interactions(self, pairs: Sequence[tuple[str, str]]) -> list[InteractionRecord]:
        """Every interaction in which both people of some pair took part."""
        rows = await self._read("erase/pair_interactions", pairs=[list(p) for p in pairs])
        return [to_interaction(row) for row in rows]

    async def apply_erasure(self, plan: ErasurePlan) -> None:
        """Carry out an erasure in one transaction: all of it or, on any error, none."""
        self._ran("erase/apply")
        async with self._driver.session(database=self._database) as session:
            await session.execute_write(_apply_erasure, plan)

    async def event_interactions(self, uids: Sequence[str]) -> list[InteractionRecord]:
        """The stored occurrences of the calendar events `uids` (ids `UID@start`)."""
        rows = await self._read_maps("ingest/event_interactions", prefixes=[f"{u}@" for u in uids])
        found = [to_interaction(row) for row in rows[0]["interactions"]]
        wanted = set(uids)
        return [r for r in found if r.external_id.rpartition("@")[0] in wanted]

    async def retract_interactions(
        self, ids: Sequence[str], pairs: Sequence[tuple[str, str]],
        ties: dict[TieType, list[Row]], rule: Mapping[str, object],
    ) -> None:  # fmt: skip
        """Delete interactions and give the ties of `pairs` their rebuilt state (`ties`; a
        pair without rows loses its ties; `rule` is `graph.records.reach_rule`), in one
        transaction."""
        self._ran("ingest/retract")
        async with self._driver.session(database=self._database) as session:
            await session.execute_write(
                _retract, list(ids), [list(p) for p in pairs], ties, dict(rule)
            )

    async def has_interactions(self) -> bool:
        """Whether any interaction is stored."""
        rows = await self._read("bulk/has_interactions")
        return bool(rows[0]["any"])

    async def snapshot(self) -> GraphSnapshot:
        """Every node and relationship, for a graph about to be replaced by a first load's
        import (it holds no interaction: settings, tokens, reference data)."""
        nodes = await self._read("bulk/snapshot_nodes")
        relationships = await self._read("bulk/snapshot_relationships")
        return GraphSnapshot(nodes=nodes, relationships=relationships)

    async def restore(self, snapshot: GraphSnapshot) -> None:
        """Write a snapshot's nodes and relationships back into the imported graph, in one
        transaction: people and accounts merged into the imported ones, the rest created."""
        self._ran("bulk/restore")
        async with self._driver.session(database=self._database) as session:
            await session.execute_write(_restore, snapshot)

    async def empty_graph(self) -> None:
        """Delete every node and relationship (`bulk/empty_graph`; it batches its own
        transactions, so it runs outside a managed one)."""
        self._ran("bulk/empty_graph")
        async with self._driver.session(database=self._database) as session:
            await (await session.run(cypher.query("bulk/empty_graph"))).consume()

    async def create_imported(self, kind: str, rows: Sequence[Row], tie_type: str = "") -> None:
        """Create one batch of a first load's import-file rows (`ImportFiles.rows`, or
        `ImportFiles.interactions` with their links) of `kind` in one transaction:
        `bulk/create_<kind>`, for a Neo4j without our importer."""
        await self._write(f"bulk/create_{kind}", rows=list(rows), type=tie_type)

    async def erased_hashes(self) -> frozenset[str]:
        """The erasure list: hashes of addresses ingestion must drop."""
        return frozenset(row["hash"] for row in await self._read("erase/erased_hashes"))

    async def unlist_erased(self, hashed: str) -> bool:
        """Take an address hash off the erasure list; False when it was not on it."""
        rows = await self._write("erase/unlist", hash=hashed)
        return bool(rows and rows[0]["removed"])


async def _run(tx: AsyncManagedTransaction, name: str, **params: Any) -> None:
    query: LiteralString = cypher.query(name)
    result = await tx.run(query, params)
    await result.consume()


async def _write_reference(tx: AsyncManagedTransaction, grouped: dict[str, list[Row]]) -> None:
    for name, rows in grouped.items():
        await _run(tx, name, rows=rows)


async def _write_people(tx: AsyncManagedTransaction, batch: PreparedBatch) -> None:
    if batch.team_members:
        await _run(tx, "ingest/merge_team_members", rows=batch.team_members)
    if batch.contacts:
        await _run(tx, "ingest/merge_contacts", rows=batch.contacts)


async def _write_batch(tx: AsyncManagedTransaction, batch: PreparedBatch) -> None:
    if batch.interactions:
        await _run(tx, "ingest/create_interactions", rows=batch.interactions)
    if batch.extended_interactions:
        await _run(tx, "ingest/extend_interactions", rows=batch.extended_interactions)
    for tie_type, rows in batch.ties.items():
        await _run(tx, "ingest/merge_ties", rows=rows, type=tie_type.value, rule=batch.rule)


async def _replace_ties(
    tx: AsyncManagedTransaction, tie_type: TieType, rows: Sequence[Row],
    rule: Mapping[str, object],
) -> None:  # fmt: skip
    await _run(tx, "rescore/replace_ties", rows=list(rows), type=tie_type.value, rule=dict(rule))


async def _retract(
    tx: AsyncManagedTransaction, ids: list[str], pairs: list[list[str]],
    ties: dict[TieType, list[Row]], rule: dict[str, object],
) -> None:  # fmt: skip
    await _run(tx, "erase/delete_interactions", ids=ids)
    await _run(tx, "erase/delete_ties", pairs=pairs)
    for tie_type, rows in ties.items():
        if rows:
            await _run(tx, "ingest/merge_ties", rows=rows, type=tie_type.value, rule=rule)


async def _apply_erasure(tx: AsyncManagedTransaction, plan: ErasurePlan) -> None:
    if plan.rewritten:
        await _run(tx, "erase/rewrite_interactions", rows=plan.rewritten)
    if plan.deleted_interactions:
        await _run(tx, "erase/delete_interactions", ids=list(plan.deleted_interactions))
    if plan.pairs:
        await _run(tx, "erase/delete_ties", pairs=[list(p) for p in plan.pairs])
    await _run(tx, "erase/delete_person", email=plan.email, hashes=list(plan.hashes),
               erased_ms=plan.erased_ms)  # fmt: skip
    for tie_type, rows in plan.ties.items():
        if rows:
            await _run(tx, "ingest/merge_ties", rows=rows, type=tie_type.value, rule=plan.rule)


async def _restore(tx: AsyncManagedTransaction, snapshot: GraphSnapshot) -> None:
    new_ids: dict[str, str] = {}
    for name, rows in snapshot.node_groups().items():
        if rows:
            result = await tx.run(cypher.query(name), rows=rows)
            new_ids.update({r["old"]: r["new"] async for r in result})
    links = [{**r, "a": new_ids[r["a"]], "b": new_ids[r["b"]]} for r in snapshot.relationships]
    if links:
        await _run(tx, "bulk/restore_relationships", rows=links)
