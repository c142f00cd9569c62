"""A comparable picture of the whole graph, to prove that re-ingesting changes nothing."""

from typing import Any

import pytest
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


TIES = """
MATCH (a:Person)-[t:KNOWS|WORKS_WITH|ASSOCIATED_WITH]->(b:Person)
RETURN type(t) AS type, a.email AS a, b.email AS b, properties(t) AS props
"""

TieMap = dict[tuple[str, str, str], dict[str, Any]]


async def ties_of(driver: AsyncDriver) -> TieMap:
    """Every tie's properties by (type, a, b)."""
    result = await driver.execute_query(TIES)
    return {(r["type"], r["a"], r["b"]): r["props"] for r in result.records}


def assert_same_ties(got: TieMap, want: TieMap) -> None:
    """The same ties with the same properties (sums to the last bits' rounding)."""
    assert got.keys() == want.keys()
    for key, props in want.items():
        assert got[key].keys() == props.keys(), key
        for name, value in props.items():
            # Sums added page by page or batch by batch round differently in the last bits.
            expected = pytest.approx(value, rel=1e-12) if isinstance(value, float) else value
            assert got[key][name] == expected, (key, name)
