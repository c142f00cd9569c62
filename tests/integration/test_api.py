from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

NOW = datetime.now(UTC)


def interaction(
    ident: str, sender: str, to: list[str], kind: str, days_ago: float
) -> dict[str, Any]:
    at = (NOW - timedelta(days=days_ago)).isoformat()
    return {"id": ident, "kind": kind.upper(), "occurredAt": at, "from": sender, "to": to}


INGEST = """
mutation Ingest($items: [InteractionInput!]!) {
  ingestInteractions(interactions: $items) { received ingested duplicates }
}"""
WHO_KNOWS = """
query WhoKnows($email: String!) {
  whoKnows(email: $email) {
    member { email name } strength { score label colour } lastInteractionAt interactionCount
  }
}"""


async def gql(api: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await api.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_who_knows_ranks_team_members_strongest_first(api: httpx.AsyncClient) -> None:
    joe = "joe@acme.com"
    items = [interaction(f"w{i}", "ann@firm.test", [joe], "meeting", 7 * i) for i in range(30)]
    items += [interaction(f"c{i}", "cy@firm.test", [joe], "email", 20 + i) for i in range(3)]
    items += [interaction("b0", "bo@firm.test", [joe], "email", 300)]
    items += [interaction("r0", joe, ["cy@firm.test"], "email", 2)]
    body = await gql(api, INGEST, items=items)
    assert body["data"]["ingestInteractions"] == {"received": 35, "ingested": 35, "duplicates": 0}

    rows = (await gql(api, WHO_KNOWS, email="  Joe@ACME.com "))["data"]["whoKnows"]
    assert [r["member"]["email"] for r in rows] == ["ann@firm.test", "cy@firm.test", "bo@firm.test"]
    scores = [r["strength"]["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[1] > scores[2]
    assert rows[0]["strength"]["label"] == "STRONG"
    assert rows[2]["strength"]["label"] == "MINIMAL"
    assert [r["interactionCount"] for r in rows] == [30, 4, 1]


async def test_account_lists_contacts_and_who_knows_them(api: httpx.AsyncClient) -> None:
    items = [
        interaction("a1", "ann@firm.test", ["joe@acme.com", "sue@acme.com"], "meeting", 3),
        interaction("a2", "bob@firm.test", ["sue@acme.com"], "email", 10),
    ]
    await gql(api, INGEST, items=items)
    query = """query { account(domain: "ACME.com") { domain contacts { edges { node {
        contact { email } knownBy { member { email } strength { label } } } } } } }"""
    account = (await gql(api, query))["data"]["account"]
    assert account["domain"] == "acme.com"
    known = {e["node"]["contact"]["email"]: [k["member"]["email"] for k in e["node"]["knownBy"]]
             for e in account["contacts"]["edges"]}  # fmt: skip
    assert known == {"joe@acme.com": ["ann@firm.test"],
                     "sue@acme.com": ["ann@firm.test", "bob@firm.test"]}  # fmt: skip


async def test_errors_carry_stable_codes(api: httpx.AsyncClient) -> None:
    missing = await gql(api, WHO_KNOWS, email="nobody@acme.com")
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    bad = await gql(api, WHO_KNOWS, email="not-an-address")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    assert "not an email address" in bad["errors"][0]["message"]
    invalid = await gql(api, "query { whoKnows { member { email } } }")
    assert invalid["errors"][0]["extensions"]["code"] == "BAD_INPUT"


async def test_a_bad_interaction_rejects_the_whole_call(api: httpx.AsyncClient) -> None:
    good = interaction("g1", "ann@firm.test", ["joe@acme.com"], "email", 1)
    bad = {**interaction("g2", "ann@firm.test", ["joe@acme.com"], "email", 1), "cc": ["nope"]}
    body = await gql(api, INGEST, items=[good, bad])
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert error["message"] == "interactions[1]: cc[0]: 'nope' is not an email address"
    again = await gql(api, WHO_KNOWS, email="joe@acme.com")
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_an_interaction_dated_outside_the_stored_range_rejects_the_whole_call(
    api: httpx.AsyncClient,
) -> None:
    good = interaction("d1", "ann@firm.test", ["joe@acme.com"], "email", 1)
    for at in ("2099-01-01T00:00:00Z", "1985-01-01T00:00:00Z"):
        dated = {
            **interaction("d2", "ann@firm.test", ["joe@acme.com"], "email", 1),
            "occurredAt": at,
        }
        error = (await gql(api, INGEST, items=[good, dated]))["errors"][0]
        assert error["extensions"]["code"] == "BAD_INPUT", at
        assert error["message"].startswith(f"interactions[1].occurredAt: {at[:4]}-01-01T00:00:00")
        again = await gql(api, WHO_KNOWS, email="joe@acme.com")
        assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_rest_refusals_all_have_the_documented_shape(api: httpx.AsyncClient) -> None:
    no_files = await api.post("/ingest", files={"other": ("a.txt", b"x")})
    assert no_files.status_code == 400
    assert no_files.json()["error"]["code"] == "BAD_INPUT"
    assert "files" in no_files.json()["error"]["message"]
    unknown = await api.get("/no/such/route")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "NOT_FOUND")
    wrong_method = await api.put("/healthz")
    assert (wrong_method.status_code, wrong_method.json()["error"]["code"]) == (405, "BAD_INPUT")


async def test_healthz(api: httpx.AsyncClient) -> None:
    response = await api.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_a_graphql_answer_has_its_own_headers_once(api: httpx.AsyncClient) -> None:
    # A sub-response's defaults must not go out beside the answer's own (a second
    # Content-Length breaks strict clients): a route that builds it by hand once did that.
    response = await api.post("/graphql", json={"query": "{ me { role } }"})
    assert response.status_code == 200
    assert response.headers.get_list("content-length") == [str(len(response.content))]
    assert response.headers.get_list("content-type") == ["application/json"]
