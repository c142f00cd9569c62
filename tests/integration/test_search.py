"""search(text, first): people and accounts by name, address or domain, from full-text indexes."""

import httpx

from ingest.pipeline import Ingestor
from tests.integration.apihelp import codes, gql, seed_firm
from tiegraph.reference import AccountRow, ContactRow, RosterRow

SEARCH = """query($text: String!, $first: Int! = 10) { search(text: $text, first: $first) {
  kind person { email name team } account { domain name tier annualValue } } }"""


async def _seed(ingestor: Ingestor) -> None:
    await seed_firm(ingestor)
    await ingestor.run([
        RosterRow(email="ann@firm.test", name="Ann Lee", team="enterprise"),
        AccountRow(domain="acme.com", name="Acme Corporation", tier="strategic",
                   annual_value=500_000),
        ContactRow(email="joe@acme.com", name="Joe Moss", account_domain="acme.com"),
        ContactRow(email="sue@acme.com", name="Sue Moss", account_domain="acme.com"),
    ])  # fmt: skip


async def _search(api: httpx.AsyncClient, text: str, first: int = 10) -> list[dict[str, object]]:
    body = await gql(api, SEARCH, text=text, first=first)
    assert body.get("errors") is None, body
    hits: list[dict[str, object]] = body["data"]["search"]
    return hits


async def test_names_match_by_the_start_of_any_word(
    rep_api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await _seed(ingestor)
    hits = await _search(rep_api, "mo")
    assert [(h["kind"], h["person"]) for h in hits] == [
        ("CONTACT", {"email": "joe@acme.com", "name": "Joe Moss", "team": None}),
        ("CONTACT", {"email": "sue@acme.com", "name": "Sue Moss", "team": None}),
    ]
    assert [h["person"] for h in await _search(rep_api, "sue mo")] == [
        {"email": "sue@acme.com", "name": "Sue Moss", "team": None}
    ]


async def test_members_addresses_and_accounts_by_domain(
    rep_api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await _seed(ingestor)
    ann = await _search(rep_api, "ann@firm")
    assert [(h["kind"], h["person"]) for h in ann] == [
        ("MEMBER", {"email": "ann@firm.test", "name": "Ann Lee", "team": "enterprise"})
    ]
    accounts = [h for h in await _search(rep_api, "acme") if h["kind"] == "ACCOUNT"]
    assert [h["account"] for h in accounts] == [
        {"domain": "acme.com", "name": "Acme Corporation", "tier": "strategic",
         "annualValue": 500_000.0}
    ]  # fmt: skip
    assert [h["account"] for h in await _search(rep_api, "corpor")] == [accounts[0]["account"]]


async def test_query_syntax_is_only_text_and_first_is_bounded(
    rep_api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await _seed(ingestor)
    for text in ['joe" OR *', "(a", "name:joe", "  ", "@", "a/b\\\\"]:
        body = await gql(rep_api, SEARCH, text=text)
        assert body.get("errors") is None, (text, body)
    assert len(await _search(rep_api, "acme", first=1)) == 1
    assert codes(await gql(rep_api, SEARCH, text="x", first=0)) == ["BAD_INPUT"]
    assert codes(await gql(rep_api, SEARCH, text="x" * 201)) == ["BAD_INPUT"]
