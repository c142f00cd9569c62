"""A member's opt-out, tried the way a colleague or a manager would find the hidden ties:
through every answer that carries ties. ann@firm.test meets joe@acme.com weekly (Acme's only
strong thread, 250,000 a year) and sue@acme.com with him; rep@firm.test emailed joe twice."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from graph.repository import GraphRepository
from ingest.pipeline import Ingestor
from tests.integration.apihelp import codes, gql, record
from tests.integration.conftest import client, token_for
from tiegraph.access import Role
from tiegraph.domain import InteractionKind
from tiegraph.reference import AccountRow

ANN = "ann@firm.test"
# Every answer that carries member ties, as the manager sees them (reps see a subset).
ANSWERS = {
    "whoKnows": '{ whoKnows(email: "joe@acme.com") { member { email } share } }',
    "tie": '{ tie(memberEmail: "ann@firm.test", contactEmail: "joe@acme.com") { member { email } } }',
    "routes": '{ warmIntroRoutes(requesterEmail: "rep@firm.test", targetEmail: "sue@acme.com") '
              "{ hops { from { email } to { email } } } }",
    "routesByDomain": '{ warmIntroRoutes(requesterEmail: "rep@firm.test", targetDomain: "acme.com") '
                      "{ hops { from { email } to { email } } } }",
    "account": '{ account(domain: "acme.com") { contacts { edges { node { knownBy { member '
               "{ email } share } } } } } }",
    "accountHealth": '{ accountHealth(domain: "acme.com") { holders { email } singleThreaded '
                     "{ member { email } } activeContacts { holders { member { email } } } } }",
    "contactHealth": '{ contactHealth(email: "joe@acme.com") { ties { member { email } } } }',
    "threads": "{ singleThreadedAccounts { edges { node { domain thread { member { email } } } } } }",
    "departure": '{ departureImpact(memberEmail: "ann@firm.test") { member { email } } }',
    "feed": "{ attentionFeed { member { email } reason } }",
}  # fmt: skip
REP_ANSWERS = ("whoKnows", "tie", "routes", "routesByDomain", "account")


async def _seed(ingestor: Ingestor) -> None:
    meetings = [record(f"w{week}", ANN, ["joe@acme.com", "sue@acme.com"], 2 + 7 * week,
                       InteractionKind.MEETING) for week in range(20)]  # fmt: skip
    replies = [record(f"j{week}", "joe@acme.com", [ANN], 3 + 7 * week) for week in range(20)]
    await ingestor.run([
        AccountRow(domain="acme.com", name="Acme", tier="strategic", annual_value=250_000),
        *meetings, *replies,
        record("r1", "rep@firm.test", ["joe@acme.com"], 3),
        record("r2", "joe@acme.com", ["rep@firm.test"], 2),
    ])  # fmt: skip


async def _answers(api: httpx.AsyncClient, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: await gql(api, ANSWERS[name]) for name in names}


@pytest.fixture
async def ann_api(app: FastAPI, repo: GraphRepository) -> Any:
    async with client(app, await token_for(repo, Role.REP, ANN)) as http:
        yield http


async def test_an_opt_out_hides_the_members_ties_from_everyone_else(
    ingestor: Ingestor, manager_api: httpx.AsyncClient, rep_api: httpx.AsyncClient,
    ann_api: httpx.AsyncClient,
) -> None:  # fmt: skip
    await _seed(ingestor)
    before = await _answers(manager_api, tuple(ANSWERS))
    for name, body in before.items():  # the test can fail: ann is in every answer now
        assert body.get("errors") is None, (name, body)
        assert ANN in str(body), name
    assert (await gql(ann_api, "mutation { setOptOut(optedOut: true) }"))["data"] == {
        "setOptOut": True
    }
    after = await _answers(manager_api, tuple(ANSWERS))
    for name, body in after.items():  # errors repeat what was asked, and say only "not found"
        assert ANN not in str(body["data"]), (name, body)
    assert codes(after["tie"]) == ["NOT_FOUND"]
    assert codes(after["departure"]) == ["NOT_FOUND"]
    shares = [t["share"] for t in after["whoKnows"]["data"]["whoKnows"]]
    assert shares == [100.0]  # as if ann's tie did not exist: nothing to infer from the sum
    # Acme's one thread was ann's: without it, the rep's two emails are no active thread.
    assert after["threads"]["data"]["singleThreadedAccounts"]["edges"] == []
    for name, body in (await _answers(rep_api, REP_ANSWERS)).items():
        assert ANN not in str(body["data"]), (name, body)
    # Her own answers still show her ties; opting back in shows them to others again.
    assert ANN in str(await gql(ann_api, ANSWERS["whoKnows"]))
    await gql(ann_api, "mutation { setOptOut(optedOut: false) }")
    assert ANN in str(await gql(manager_api, ANSWERS["whoKnows"]))
