"""What the explorer needs of the API: Account.health for managers only (a rep gets the rest
of the answer), and warm-intro routes for the signed-in member when no requester is given."""

import httpx

from app.auth import FIELD_ROLES
from app.graphql.schema import build_schema
from ingest.pipeline import Ingestor
from tests.integration.apihelp import codes, gql, seed_firm
from tiegraph.settings import Settings

ACCOUNTS = (
    "{ accounts(first: 10) { edges { node { domain health { valueAtRisk coverage { gaps } } } } } }"
)


def test_field_roles_name_fields_of_the_schema(settings: Settings) -> None:
    schema = build_schema(settings)._schema
    for field in FIELD_ROLES:
        type_name, name = field.split(".")
        assert name in schema.type_map[type_name].fields, field  # type: ignore[union-attr]


async def test_a_page_of_accounts_with_health_for_a_manager(
    manager_api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await seed_firm(ingestor)
    body = await gql(manager_api, ACCOUNTS)
    assert body.get("errors") is None, body
    nodes = [e["node"] for e in body["data"]["accounts"]["edges"]]
    assert [n["domain"] for n in nodes] == ["acme.com"]
    alone = await gql(
        manager_api, '{ accountHealth(domain: "acme.com") { valueAtRisk coverage { gaps } } }'
    )
    assert nodes[0]["health"] == alone["data"]["accountHealth"]


async def test_a_rep_gets_the_accounts_without_their_health(
    rep_api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await seed_firm(ingestor)
    body = await gql(rep_api, ACCOUNTS)
    assert codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["accounts", "edges", 0, "node", "health"]
    assert body["data"]["accounts"]["edges"] == [{"node": {"domain": "acme.com", "health": None}}]


async def test_routes_default_to_the_signed_in_member(
    rep_api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await seed_firm(ingestor)
    fields = "target { email } strength hops { from { email } to { email } }"
    mine = await gql(rep_api, f'{{ warmIntroRoutes(targetEmail: "sue@acme.com") {{ {fields} }} }}')
    named = await gql(rep_api, f'{{ warmIntroRoutes(requesterEmail: "rep@firm.test", '
                      f'targetEmail: "sue@acme.com") {{ {fields} }} }}')  # fmt: skip
    assert mine.get("errors") is None, mine
    assert mine["data"] == named["data"]
    assert mine["data"]["warmIntroRoutes"][0]["hops"][0]["from"]["email"] == "rep@firm.test"
