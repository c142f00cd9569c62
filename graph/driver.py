"""The process's one Neo4j driver, and the schema it needs."""

from neo4j import AsyncDriver, AsyncGraphDatabase

import cypher
from tiegraph.settings import Settings


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
    """Create every constraint and index in `cypher/schema` that is missing. Idempotent."""
    statements = cypher.schema_statements()
    for statement in statements:
        await driver.execute_query(statement, database_=database)
    await driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
    return len(statements)
