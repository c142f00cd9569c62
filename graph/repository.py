"""The repository: the only code that runs Cypher. Every query is a named file in `cypher/`."""

from collections.abc import Sequence
from typing import Any, LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction, RoutingControl

import cypher
from graph.models import AccountSnapshot, ContactTies
from graph.records import to_account, to_contact_ties
from ingest.batch import PreparedBatch


class GraphRepository:
    """Reads and writes the tiegraph graph through one shared driver."""

    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def _read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        result = await self._driver.execute_query(
            cypher.query(name),
            params,
            database_=self._database,
            routing_=RoutingControl.READ,
        )
        return [record.data() for record in result.records]

    async def existing_interaction_ids(self, ids: Sequence[str]) -> set[str]:
        """The subset of `ids` already stored as interactions."""
        rows = await self._read("ingest/existing_interactions", ids=list(ids))
        return {row["id"] for row in rows}

    async def write_batch(self, batch: PreparedBatch) -> None:
        """Write one prepared batch in one transaction: all of it, or (on any error) none."""
        async with self._driver.session(database=self._database) as session:
            await session.execute_write(_write_batch, batch)

    async def contact_ties(self, email: str) -> ContactTies | None:
        """The contact and every team member's tie to them, or None for an unknown contact."""
        rows = await self._read("read/who_knows", email=email)
        return to_contact_ties(rows[0]) if rows else None

    async def account(self, domain: str) -> AccountSnapshot | None:
        """The account with its contacts and their ties, or None for an unknown domain."""
        rows = await self._read("read/account", domain=domain)
        return to_account(rows[0]) if rows else None


async def _run(tx: AsyncManagedTransaction, name: str, **params: Any) -> None:
    query: LiteralString = cypher.query(name)
    result = await tx.run(query, params)
    await result.consume()


async def _write_batch(tx: AsyncManagedTransaction, batch: PreparedBatch) -> None:
    if batch.team_members:
        await _run(tx, "ingest/merge_team_members", rows=batch.team_members)
    if batch.contacts:
        await _run(tx, "ingest/merge_contacts", rows=batch.contacts)
    if batch.interactions:
        await _run(tx, "ingest/create_interactions", rows=batch.interactions)
    for tie_type, rows in batch.ties.items():
        await _run(tx, "ingest/merge_ties", rows=rows, type=tie_type.value)
