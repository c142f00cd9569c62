"""A comparable picture of the whole graph, to prove that re-ingesting changes nothing."""

from typing import Any

from neo4j import AsyncDriver

# The running ingestion counts (`IngestTotals`, for /metrics) say how much work was done, not
# what the graph holds: a rerun that finds duplicates adds to them by design.
FINGERPRINT = """
MATCH (n) WHERE NOT n:IngestTotals
OPTIONAL MATCH (n)-[r]->(m)
WITH n, r, m ORDER BY elementId(r)
WITH n, collect(CASE WHEN r IS NULL THEN null
                     ELSE [type(r), m.email, m.domain, m.id, properties(r)] END) AS out
RETURN coalesce(n.email, n.domain, n.id) AS key, labels(n) AS labels, properties(n) AS props, out
ORDER BY key
"""


async def graph_state(driver: AsyncDriver) -> list[dict[str, Any]]:
    """Every node with its outgoing relationships and their properties, in a stable order."""
    result = await driver.execute_query(FINGERPRINT)
    state = []
    for record in result.records:
        row = record.data()
        row["labels"] = sorted(row["labels"])
        row["out"] = sorted(row["out"], key=repr)
        state.append(row)
    return state
