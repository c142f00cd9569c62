"""Who may do what: every query and mutation with every role, tokens, and interaction detail."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.auth import GRAPHQL_PATH, GRAPHQL_ROLES, PUBLIC_PATHS, REST_ROLES
from app.graphql.schema import build_schema
from graph.repository import GraphRepository
from graph.sources import add_source
from graph.tokens import authenticate, issue_token, revoke_token
from ingest.jobs import enqueue_ingest
from ingest.pipeline import Ingestor
from tests.integration.apihelp import codes, gql, record, seed_firm
from tests.integration.conftest import FIRM_DOMAINS, MANAGER_EMAIL, client, token_for
from tiegraph.access import Role
from tiegraph.settings import Settings
from tiegraph.sources import caldav_spec

Setup = Callable[[FastAPI, GraphRepository], Awaitable[dict[str, Any]]]


async def _nothing(app: FastAPI, repo: GraphRepository) -> dict[str, Any]:
    return {}


async def _queued_job(app: FastAPI, repo: GraphRepository) -> dict[str, Any]:
    return {"id": await enqueue_ingest(app.state.queue, [])}


async def _spare_token(app: FastAPI, repo: GraphRepository) -> dict[str, Any]:
    _, stored = await issue_token(repo, "spare@firm.test", Role.REP, FIRM_DOMAINS)
    return {"id": stored.id}


async def _a_source(app: FastAPI, repo: GraphRepository) -> dict[str, Any]:
    spec = caldav_spec("cal", "https://dav.example/ann/", "ann", "ann@firm.test", "env:NONE")
    return {"id": (await add_source(repo, spec, FIRM_DOMAINS)).id}


# One operation per root field, with what it needs; the key is the permission table's.
OPERATIONS: dict[str, tuple[str, Setup]] = {
    "Query.me": ("{ me { role memberEmail } }", _nothing),
    "Query.whoKnows": ('{ whoKnows(email: "joe@acme.com") { member { email } } }', _nothing),
    "Query.tie": ('{ tie(memberEmail: "ann@firm.test", contactEmail: "joe@acme.com") '
                  "{ strength { score } } }", _nothing),
    "Query.account": ('{ account(domain: "acme.com") { domain } }', _nothing),
    "Query.accounts": ("{ accounts(first: 5) { edges { node { domain } } } }", _nothing),
    "Query.scoringProfile": ("{ scoringProfile }", _nothing),
    "Query.search": ('{ search(text: "joe") { kind person { email } } }', _nothing),
    "Query.accountHealth": ('{ accountHealth(domain: "acme.com") { domain } }', _nothing),
    "Query.contactHealth": ('{ contactHealth(email: "joe@acme.com") { active } }', _nothing),
    "Query.warmIntroRoutes": ('{ warmIntroRoutes(requesterEmail: "rep@firm.test", '
                              'targetEmail: "joe@acme.com") { strength } }', _nothing),
    "Query.influenceMap": ('{ influenceMap(domain: "acme.com") { domain } }', _nothing),
    "Query.influencePath": ('{ influencePath(fromEmail: "joe@acme.com", toEmail: "sue@acme.com") '
                            "{ strength } }", _nothing),
    "Query.attentionFeed": ('{ attentionFeed(memberEmail: "rep@firm.test") { reason } }',
                            _nothing),
    "Query.contactTimeline": ('{ contactTimeline(email: "joe@acme.com", '
                              'memberEmail: "rep@firm.test") { month } }', _nothing),
    "Query.accountTimeline": ('{ accountTimeline(domain: "acme.com", '
                              'memberEmail: "rep@firm.test") { month } }', _nothing),
    "Query.singleThreadedAccounts": ("{ singleThreadedAccounts(first: 5) "
                                     "{ pageInfo { hasNextPage } } }", _nothing),
    "Query.departureImpact": ('{ departureImpact(memberEmail: "ann@firm.test") { valueAtRisk } }',
                              _nothing),
    "Query.ingestJob": ("query($id: String!) { ingestJob(id: $id) { status } }", _queued_job),
    "Query.apiTokens": ("{ apiTokens { id role } }", _nothing),
    "Query.jobs": ("{ jobs(first: 5) { id status } }", _nothing),
    "Mutation.ingestInteractions": (
        'mutation { ingestInteractions(interactions: [{id: "x1", kind: EMAIL, '
        'occurredAt: "2024-05-01T10:00:00Z", from: "ann@firm.test", to: ["kim@acme.com"]}]) '
        "{ received } }", _nothing),
    "Mutation.updateScoringProfile": (
        "mutation { updateScoringProfile(changes: {}) { version } }", _nothing),
    "Mutation.runBacktest": ("mutation { runBacktest(everyDays: 30) }", _nothing),
    "Mutation.createToken": (
        'mutation { createToken(memberEmail: "new@firm.test", role: REP) { token } }', _nothing),
    "Mutation.revokeToken": (
        "mutation($id: String!) { revokeToken(id: $id) { revokedAt } }", _spare_token),
    "Mutation.eraseContact": (
        'mutation { eraseContact(email: "gone@acme.com") { personFound } }', _nothing),
    "Mutation.restoreErasedAddress": (
        'mutation { restoreErasedAddress(email: "gone@acme.com") }', _nothing),
    "Query.firmSettings": ("{ firmSettings { domains } }", _nothing),
    "Mutation.excludeFromCapture": (
        'mutation { excludeFromCapture(target: DOMAIN, value: "private.test") { domains } }',
        _nothing),
    "Mutation.includeInCapture": (
        'mutation { includeInCapture(target: DOMAIN, value: "private.test") { domains } }',
        _nothing),
    "Mutation.setStoreSubjects": (
        "mutation { setStoreSubjects(store: true) { storeSubjects } }", _nothing),
    "Mutation.setOptOut": ("mutation { setOptOut(optedOut: false) }", _nothing),
    "Query.sources": ("{ sources { id state } }", _nothing),
    "Mutation.addImapSource": (
        'mutation { addImapSource(input: {name: "m", host: "imap.example", user: "ann", '
        'member: "ann@firm.test", password: "env:X"}) { id } }', _nothing),
    "Mutation.addCaldavSource": (
        'mutation { addCaldavSource(input: {name: "c", url: "https://dav.example/", user: "ann", '
        'member: "ann@firm.test", password: "env:X"}) { id } }', _nothing),
    "Mutation.pauseSource": ("mutation($id: String!) { pauseSource(id: $id) { paused } }",
                             _a_source),
    "Mutation.resumeSource": ("mutation($id: String!) { resumeSource(id: $id) { paused } }",
                              _a_source),
    "Mutation.removeSource": ("mutation($id: String!) { removeSource(id: $id) }", _a_source),
    "Mutation.syncSource": ("mutation($id: String!) { syncSource(id: $id) }", _a_source),
}  # fmt: skip


def _schema_fields(settings: Settings) -> set[str]:
    graphql_schema = build_schema(settings)._schema
    fields = set()
    for kind in (graphql_schema.query_type, graphql_schema.mutation_type):
        assert kind is not None
        fields |= {f"{kind.name}.{name}" for name in kind.fields}
    return fields


def test_every_schema_field_has_exactly_one_role_entry(settings: Settings) -> None:
    # A new query or mutation is denied until it gets a line in app.auth.GRAPHQL_ROLES.
    assert _schema_fields(settings) == set(GRAPHQL_ROLES)


def test_every_role_entry_has_an_operation_in_this_test() -> None:
    assert set(OPERATIONS) == set(GRAPHQL_ROLES)


def test_every_rest_route_has_a_role_entry(app: FastAPI) -> None:
    routes = {(method.upper(), path) for path, operations in app.openapi()["paths"].items()
              for method in operations if path not in PUBLIC_PATHS | {GRAPHQL_PATH}}  # fmt: skip
    assert routes == set(REST_ROLES)


@pytest.mark.parametrize("field", sorted(GRAPHQL_ROLES))
async def test_each_role_gets_data_or_forbidden(
    field: str, app: FastAPI, repo: GraphRepository, ingestor: Ingestor
) -> None:
    await seed_firm(ingestor)
    query, setup = OPERATIONS[field]
    name = field.split(".")[1]
    for role in Role:
        async with client(app, await token_for(repo, role, f"{role.label}@firm.test")) as http:
            body = await gql(http, query, **await setup(app, repo))
        if role >= GRAPHQL_ROLES[field]:
            assert body.get("errors") is None, (role, body)
            assert body["data"][name] is not None, role
        else:
            assert codes(body) == ["FORBIDDEN"], (role, body)
            assert "needs the" in body["errors"][0]["message"]


@pytest.mark.parametrize("field", sorted(GRAPHQL_ROLES))
async def test_no_token_is_unauthenticated(field: str, anonymous_api: httpx.AsyncClient) -> None:
    query, _ = OPERATIONS[field]
    body = await gql(anonymous_api, query, id="x")
    assert set(codes(body)) == {"UNAUTHENTICATED"}, body


async def test_unknown_and_revoked_tokens_are_unauthenticated(
    app: FastAPI, repo: GraphRepository, api: httpx.AsyncClient
) -> None:
    async with client(app, "tg_not-a-real-token") as http:
        assert codes(await gql(http, "{ me { role } }")) == ["UNAUTHENTICATED"]
    token, stored = await issue_token(repo, "leaver@firm.test", Role.MANAGER, FIRM_DOMAINS)
    async with client(app, token) as http:
        assert (await gql(http, "{ me { role } }"))["data"]["me"]["role"] == "MANAGER"
        revoke = "mutation($id: String!) { revokeToken(id: $id) { id revokedAt } }"
        revoked = await gql(api, revoke, id=stored.id)
        assert revoked["data"]["revokeToken"]["revokedAt"] is not None
        assert codes(await gql(http, "{ me { role } }")) == ["UNAUTHENTICATED"]


async def test_a_token_revoked_elsewhere_is_refused_at_once_and_changes_nothing(
    app: FastAPI, repo: GraphRepository
) -> None:
    # app.gate runs a request on the viewer its token had last time while the token is looked
    # up again. Revoked straight in the graph, as another API process or the CLI would, the
    # token must still get no answer and no effect from its very next request.
    whoknows = '{ whoKnows(email: "joe@acme.com") { member { email } } }'
    for operation in (whoknows, "mutation { setOptOut(optedOut: true) }"):
        token, stored = await issue_token(repo, "leaver@firm.test", Role.REP, FIRM_DOMAINS)
        async with client(app, token) as http:
            for _ in range(2):  # the second runs on the remembered viewer
                assert (await gql(http, "{ me { role } }"))["data"]["me"]["role"] == "REP"
            await revoke_token(repo, stored.id)
            refused = await gql(http, operation)
            assert codes(refused) == ["UNAUTHENTICATED"], operation
            assert refused["data"] is None
            assert codes(await gql(http, "{ me { role } }")) == ["UNAUTHENTICATED"]
    observer, _ = await issue_token(repo, "observer@firm.test", Role.REP, FIRM_DOMAINS)
    assert (await authenticate(repo, observer)).opted_out == ()  # the mutation did nothing


async def test_created_token_works_once_shown_and_only_its_hash_is_stored(
    app: FastAPI, api: httpx.AsyncClient, repo: GraphRepository
) -> None:
    create = 'mutation { createToken(memberEmail: "New@Firm.test", role: MANAGER) { token info { id role memberEmail } } }'
    created = (await gql(api, create))["data"]["createToken"]
    assert created["info"] == {"id": created["info"]["id"], "role": "MANAGER",
                               "memberEmail": "new@firm.test"}  # fmt: skip
    async with client(app, created["token"]) as http:
        assert (await gql(http, "{ me { memberEmail } }"))["data"]["me"][
            "memberEmail"
        ] == "new@firm.test"
    listed = (await gql(api, "{ apiTokens { id } }"))["data"]["apiTokens"]
    assert created["info"]["id"] in [t["id"] for t in listed]
    rows = await repo.read_rows("auth/list_tokens")
    assert all(created["token"] not in str(row) for row in rows)


async def test_a_token_is_only_for_a_team_members_address(
    api: httpx.AsyncClient, repo: GraphRepository
) -> None:
    create = "mutation($m: String!) { createToken(memberEmail: $m, role: ADMIN) { token } }"
    for outsider in ("joe@acme.com", "someone@gmail.com", "firm.test@evil.com"):
        body = await gql(api, create, m=outsider)
        assert codes(body) == ["BAD_INPUT"], outsider
        assert "firm domain" in body["errors"][0]["message"]
    assert await repo.tokens() != []  # the caller's own, and no other
    assert {t.member_email for t in await repo.tokens()} == {"admin@firm.test"}
    subdomain = await gql(api, create, m="ann@eu.firm.test")  # a firm subdomain is the firm
    assert subdomain.get("errors") is None


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/ingest"), ("GET", "/jobs/{job_id}"), ("GET", "/jobs"), ("GET", "/metrics")],
)
async def test_rest_routes_by_role(
    method: str, path: str, app: FastAPI, repo: GraphRepository
) -> None:
    needed = REST_ROLES[(method, path)]
    url = path.replace("{job_id}", await enqueue_ingest(app.state.queue, []))
    files = {"files": ("a.jsonl", b"")} if method == "POST" else None
    async with client(app, None) as http:
        anonymous = await http.request(method, url, files=files)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "UNAUTHENTICATED"
    assert anonymous.headers["www-authenticate"] == "Bearer"
    for role in Role:
        async with client(app, await token_for(repo, role, f"{role.label}@firm.test")) as http:
            response = await http.request(method, url, files=files)
        if role >= needed:
            assert response.status_code < 400 or response.json()["error"]["code"] == "BAD_INPUT"
        else:
            assert response.status_code == 403, (role, response.text)
            assert response.json()["error"]["code"] == "FORBIDDEN"


async def test_health_and_graphiql_need_no_token(anonymous_api: httpx.AsyncClient) -> None:
    assert (await anonymous_api.get("/healthz")).status_code == 200
    assert (await anonymous_api.get("/readyz")).status_code == 200
    page = await anonymous_api.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


WHO_KNOWS_DETAIL = """{ whoKnows(email: "joe@acme.com") { member { email } interactionCount
  lastInteractionAt lastTwoWayAt strength { label components { name explanation }
  evidence { interactionCount firstAt lastAt lastTwoWayAt } } } }"""


async def test_a_rep_sees_times_only_on_their_own_ties(
    ingestor: Ingestor, rep_api: httpx.AsyncClient, manager_api: httpx.AsyncClient
) -> None:
    await seed_firm(ingestor)
    as_rep = {
        r["member"]["email"]: r for r in (await gql(rep_api, WHO_KNOWS_DETAIL))["data"]["whoKnows"]
    }
    own, colleague = as_rep["rep@firm.test"], as_rep["ann@firm.test"]
    assert own["lastInteractionAt"]
    assert own["strength"]["evidence"]["firstAt"]
    assert all(c["explanation"] for c in own["strength"]["components"])
    # The colleague's tie: label and counts, no dates.
    assert colleague["strength"]["label"]
    assert colleague["interactionCount"] == 3
    assert colleague["strength"]["evidence"]["interactionCount"] == 3
    assert colleague["lastInteractionAt"] is None
    assert colleague["lastTwoWayAt"] is None
    assert set(colleague["strength"]["evidence"].values()) == {3, None}
    assert all(c["explanation"] is None for c in colleague["strength"]["components"])
    as_manager = (await gql(manager_api, WHO_KNOWS_DETAIL))["data"]["whoKnows"]
    assert all(r["lastInteractionAt"] and r["strength"]["evidence"]["lastAt"] for r in as_manager)


async def test_the_tie_query_hides_a_colleagues_dates_from_a_rep(
    ingestor: Ingestor, rep_api: httpx.AsyncClient
) -> None:
    await seed_firm(ingestor)
    query = """query($m: String!) { tie(memberEmail: $m, contactEmail: "joe@acme.com") {
      strength { score evidence { firstAt lastAt interactionCount } } } }"""
    own = (await gql(rep_api, query, m="rep@firm.test"))["data"]["tie"]["strength"]["evidence"]
    other = (await gql(rep_api, query, m="ann@firm.test"))["data"]["tie"]["strength"]["evidence"]
    assert own["firstAt"]
    assert own["lastAt"]
    assert other == {"firstAt": None, "lastAt": None, "interactionCount": 3}


async def test_a_rep_reads_only_their_own_attention_feed(
    ingestor: Ingestor, rep_api: httpx.AsyncClient, manager_api: httpx.AsyncClient
) -> None:
    await seed_firm(ingestor)
    await ingestor.run([record("b1", MANAGER_EMAIL, ["joe@acme.com"], 2)])
    query = """query($m: String, $t: Boolean! = false) {
      attentionFeed(memberEmail: $m, team: $t) { reason member { email } } }"""
    own = await gql(rep_api, query, m="REP@firm.test")
    assert own.get("errors") is None
    # Without memberEmail it is the signed-in member's own feed, for every role.
    assert await gql(rep_api, query) == own
    mine = await gql(manager_api, query)
    assert mine.get("errors") is None
    assert mine == await gql(manager_api, query, m=MANAGER_EMAIL)
    for asked in ({"m": "ann@firm.test"}, {"t": True}):  # a colleague's feed, or the team's
        body = await gql(rep_api, query, **asked)
        assert codes(body) == ["FORBIDDEN"], asked
        assert "needs the manager role" in body["errors"][0]["message"]
        assert (await gql(manager_api, query, **asked)).get("errors") is None
    both = await gql(manager_api, query, m="ann@firm.test", t=True)
    assert codes(both) == ["BAD_INPUT"]
