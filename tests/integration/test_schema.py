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
        summary = (await driver.execute_query(explained, params)).summary
        assert summary.plan is not None, name
