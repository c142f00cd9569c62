"""`tiegraph token create|revoke|list`: a module of their own, light to import (the driver,
the repository, rich's table), so a token command does not load the API, the worker and the
ingestion code that `app.commands` brings."""

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TextIO

from neo4j import AsyncDriver

from graph import tokens
from graph.driver import apply_schema, create_driver
from graph.firm import firm_domains
from graph.repository import GraphRepository
from tiegraph.access import ApiToken, Role
from tiegraph.settings import Settings


@asynccontextmanager
async def connected(settings: Settings) -> AsyncIterator[AsyncDriver]:
    """A driver that has reached Neo4j once. Down, Neo4j fails this at once; a first query
    would retry for half a minute before it gave up."""
    driver = create_driver(settings)
    try:
        await driver.verify_connectivity()
        yield driver
    finally:
        await driver.close()


async def create_token(settings: Settings, member: str, role: str) -> str:
    """`tiegraph token create`: a new token (returned once; only its hash is stored)."""
    async with connected(settings) as driver:
        await apply_schema(driver, settings.neo4j_database)  # the hash constraint must exist
        repo = GraphRepository(driver, settings.neo4j_database)
        firm = await firm_domains(repo, settings.firm_domains)
        token, _ = await tokens.issue_token(repo, member, Role.parse(role), firm)
    return token


async def revoke_token(settings: Settings, ident: str) -> None:
    """`tiegraph token revoke ID`."""
    async with connected(settings) as driver:
        await tokens.revoke_token(GraphRepository(driver, settings.neo4j_database), ident)


def _row(token: ApiToken) -> dict[str, str | None]:
    revoked = token.revoked_at.isoformat(timespec="seconds") if token.revoked_at else None
    created = token.created_at.isoformat(timespec="seconds")
    return {"id": token.id, "role": token.role.label, "member": token.member_email,
            "created": created, "revoked": revoked}  # fmt: skip


async def list_tokens(settings: Settings, as_json: bool, out: TextIO | None = None) -> None:
    """`tiegraph token list [--json]`: every token, newest first (never the token itself), as
    a table, or as one JSON array for scripts; on stdout unless `out` is given."""
    out = out or sys.stdout
    async with connected(settings) as driver:
        stored = await GraphRepository(driver, settings.neo4j_database).tokens()
    rows = [_row(t) for t in stored]
    if as_json:
        out.write(json.dumps(rows, indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "role", "member", "created", "revoked")
    for row in rows:
        table.add_row(*(value or "" for value in row.values()))
    # In a pipe rich would fit the table to 80 columns and cut addresses short; it gets the
    # width it needs instead.
    wide = None if out.isatty() else 1_000
    Console(file=out, width=wide).print(table)
