"""The process's one Neo4j driver, and the schema it needs."""

import logging

from neo4j import AsyncDriver, AsyncGraphDatabase

import cypher
from graph.common import profile_from
from graph.records import reach_rule
from tiegraph.settings import Settings

log = logging.getLogger(__name__)


def create_driver(settings: Settings) -> AsyncDriver:
    """A driver for `TIEGRAPH_NEO4J_URI`; works for bolt://, neo4j:// and neo4j+s:// alike."""
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=settings.neo4j_auth,
        max_connection_pool_size=50,
        connection_acquisition_timeout=10.0,
        # The server's notifications (mostly "property key does not exist" on a graph that has
        # no revoked token or saved profile yet) were logged as a warning, query text and all,
        # on every request: megabytes of log and about a millisecond of CPU a request, for
        # advice about queries that are written that way on purpose.
        notifications_min_severity="OFF",
    )


async def apply_schema(driver: AsyncDriver, database: str) -> int:
    """Create every constraint and index in `cypher/schema` that is missing, then bring a graph
    written by an earlier version up to date (`cypher/migrate`). Idempotent."""
    statements = cypher.schema_statements()
    for statement in statements:
        await driver.execute_query(statement, database_=database)
    await driver.execute_query(cypher.query("migrate/drop_occurred_at_index"), database_=database)
    await driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
    await _link_contacts(driver, database)
    await _tie_reach(driver, database)
    return len(statements)


async def _link_contacts(driver: AsyncDriver, database: str) -> None:
    found = await driver.execute_query(cypher.query("migrate/took_part_count"), database_=database)
    if found.records[0]["links"]:
        log.warning("one-time upgrade: linking interactions to their contacts (INVOLVES); "
                    "this takes a while on a large graph")  # fmt: skip
        # CALL { } IN TRANSACTIONS needs an auto-commit transaction: a session's run.
        async with driver.session(database=database) as session:
            result = await session.run(cypher.query("migrate/involves_links"))
            await result.consume()


async def _tie_reach(driver: AsyncDriver, database: str) -> None:
    found = await driver.execute_query(
        cypher.query("migrate/tie_reach_missing"), database_=database
    )
    if not found.records or not found.records[0]["missing"]:
        return
    log.warning("one-time upgrade: storing each tie's reach bound (reach); "
                "this takes a while on a large graph")  # fmt: skip
    profile = await driver.execute_query(cypher.query("profile/active"), database_=database)
    raw = profile.records[0]["json"] if profile.records else None
    params = {"first": found.records[0]["first"], "rule": reach_rule(profile_from(raw))}
    async with driver.session(database=database) as session:
        for last in (False, True):  # the tie looked at last, so that an interruption shows
            result = await session.run(cypher.query("migrate/tie_reach"), params | {"last": last})
            await result.consume()
