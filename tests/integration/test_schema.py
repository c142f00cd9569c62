import re
from typing import LiteralString

from neo4j import AsyncDriver

import cypher
from graph.driver import apply_schema
from tiegraph.settings import Settings

SAMPLE_PARAMS = {
    "rows": [],
    "ids": [],
    "type": "KNOWS",
    "email": "a@b.co",
    "domain": "b.co",
    "json": "{}",
}


async def _schema_names(driver: AsyncDriver) -> set[str]:
    constraints = await driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name")
    indexes = await driver.execute_query("SHOW INDEXES YIELD name RETURN name")
    return {r["name"] for r in constraints.records} | {r["name"] for r in indexes.records}


async def test_schema_is_applied_idempotently(driver: AsyncDriver, settings: Settings) -> None:
    before = await _schema_names(driver)
    count = await apply_schema(driver, settings.neo4j_database)
    again = await apply_schema(driver, settings.neo4j_database)
    assert count == again == len(cypher.schema_statements())
    after = await _schema_names(driver)
    assert after == before
    assert {"person_email", "team_member_email", "contact_email", "account_domain",
            "interaction_id", "email_address"} <= after  # fmt: skip


async def test_every_catalog_query_plans_against_the_real_database(driver: AsyncDriver) -> None:
    for name in cypher.names():
        if name.startswith("schema/"):
            continue
        text = cypher.query(name)
        params = {p: SAMPLE_PARAMS.get(p) for p in set(re.findall(r"\$(\w+)", text))}
        explained: LiteralString = "EXPLAIN " + text
        # A session's auto-commit run: the migrations' CALL { } IN TRANSACTIONS needs one.
        async with driver.session() as session:
            summary = await (await session.run(explained, params)).consume()
        assert summary.plan is not None, name


OLD_SHAPE = """
CREATE (ann:Person:TeamMember {email: 'ann@firm.test'}),
       (joe:Person:Contact {email: 'joe@acme.com'}),
       (sue:Person:Contact {email: 'sue@acme.com'}),
       (ann)-[:TOOK_PART {role: 'from'}]->(:Interaction {id: 'm1', kind: 'email',
           occurred_at: datetime('2026-01-05T10:00:00Z'),
           participants: ['ann@firm.test', 'joe@acme.com', 'sue@acme.com'],
           roles: ['from', 'to', 'cc'], responses: ['', '', '']}),
       (ann)-[:TOOK_PART {role: 'to'}]->(:Interaction {id: 'm2', kind: 'email',
           occurred_at: datetime('2026-01-06T10:00:00Z'),
           participants: ['joe@acme.com', 'ann@firm.test'], roles: ['from', 'to'],
           responses: ['', '']})
"""
LINKS = """
MATCH (i:Interaction)
RETURN i.id AS id, [(i)-[:INVOLVES]->(c) | c.email] AS contacts,
       count { ()-[:TOOK_PART]->(i) } AS took_part
ORDER BY id
"""


async def test_a_graph_from_before_involves_links_is_brought_up_to_date(
    driver: AsyncDriver, settings: Settings
) -> None:
    await driver.execute_query(OLD_SHAPE)
    await apply_schema(driver, settings.neo4j_database)
    rows = [(r["id"], sorted(r["contacts"]), r["took_part"])
            for r in (await driver.execute_query(LINKS)).records]  # fmt: skip
    assert rows == [("m1", ["joe@acme.com", "sue@acme.com"], 0), ("m2", ["joe@acme.com"], 0)]
    await apply_schema(driver, settings.neo4j_database)
    again = [(r["id"], sorted(r["contacts"]), r["took_part"])
             for r in (await driver.execute_query(LINKS)).records]  # fmt: skip
    assert again == rows


async def test_the_unused_occurred_at_index_of_earlier_graphs_is_dropped(
    driver: AsyncDriver, settings: Settings
) -> None:
    await driver.execute_query(
        "CREATE INDEX interaction_occurred_at IF NOT EXISTS FOR (i:Interaction) ON (i.occurred_at)"
    )
    assert "interaction_occurred_at" in await _schema_names(driver)
    await apply_schema(driver, settings.neo4j_database)
    assert "interaction_occurred_at" not in await _schema_names(driver)
