"""An address a caller types is read by the rule ingestion stores addresses by
(`tiegraph.identity.lookup_address`): a `+tag` dropped, a firm subdomain moved to the firm's
first domain. Otherwise a lookup for the address on the mail misses the person it made."""

import httpx

from graph.repository import GraphRepository
from graph.tokens import issue_token
from ingest import capture
from ingest.erasure import erase_contact
from ingest.pipeline import Ingestor
from tests.integration.apihelp import codes, gql, record, seed_firm
from tests.integration.conftest import FIRM_DOMAINS
from tiegraph.access import Role
from tiegraph.identity import lookup_address
from tiegraph.settings import Settings

WHO_KNOWS = "query($e: String!) { whoKnows(email: $e) { member { email } interactionCount } }"


def test_lookup_address_is_ingestions_rule() -> None:
    firm = ("firm.test",)
    assert lookup_address("Joe <Joe+Deals@ACME.com>", "email", firm) == "joe@acme.com"
    assert lookup_address("ann@eu.firm.test", "memberEmail", firm) == "ann@firm.test"
    assert lookup_address("+x@acme.com", "email", firm) == "+x@acme.com"  # nothing left: kept


async def test_who_knows_finds_a_tagged_address(ingestor: Ingestor, api: httpx.AsyncClient) -> None:
    await seed_firm(ingestor)
    plain = await gql(api, WHO_KNOWS, e="joe@acme.com")
    for typed in ("joe+crm@acme.com", "Joe <JOE+x@acme.com>"):
        body = await gql(api, WHO_KNOWS, e=typed)
        assert "errors" not in body, body
        assert body["data"] == plain["data"]


async def test_every_address_argument_is_read_the_same_way(
    ingestor: Ingestor, api: httpx.AsyncClient
) -> None:
    await seed_firm(ingestor)
    queries = {
        "tie": '{ tie(memberEmail: "ann+x@eu.firm.test", contactEmail: "joe+y@acme.com") '
        "{ member { email } contact { email } } }",
        "contactHealth": '{ contactHealth(email: "joe+y@acme.com") { contact { email } } }',
        "departureImpact": '{ departureImpact(memberEmail: "ann+x@firm.test") { member { email } } }',
        "attentionFeed": '{ attentionFeed(memberEmail: "ann@eu.firm.test") { reason } }',
        "warmIntroRoutes": '{ warmIntroRoutes(requesterEmail: "rep+z@firm.test", '
        'targetEmail: "sue+q@acme.com") { hops { to { email } } } }',
        "influencePath": '{ influencePath(fromEmail: "joe+a@acme.com", toEmail: "sue+b@acme.com")'
        " { people { email } } }",
    }
    for field, query in queries.items():
        body = await gql(api, query)
        assert "errors" not in body, (field, body)
    tie = (await gql(api, queries["tie"]))["data"]["tie"]
    assert (tie["member"]["email"], tie["contact"]["email"]) == ("ann@firm.test", "joe@acme.com")
    routes = (await gql(api, queries["warmIntroRoutes"]))["data"]["warmIntroRoutes"]
    assert routes
    assert routes[0]["hops"][-1]["to"]["email"] == "sue@acme.com"


async def test_a_rep_may_name_themselves_as_the_mail_does(
    ingestor: Ingestor, rep_api: httpx.AsyncClient
) -> None:
    await seed_firm(ingestor)
    query = "query($m: String) { attentionFeed(memberEmail: $m) { reason } }"
    assert codes(await gql(rep_api, query, m="Rep <rep+me@eu.firm.test>")) == []
    assert codes(await gql(rep_api, query, m="ann+rep@firm.test")) == ["FORBIDDEN"]


async def test_tokens_and_erasure_take_the_stored_address(
    repo: GraphRepository, ingestor: Ingestor
) -> None:
    await ingestor.run([record("j1", "ann@firm.test", ["joe+news@acme.com"], 3)])
    _, stored = await issue_token(repo, "ann+ops@eu.firm.test", Role.REP, FIRM_DOMAINS)
    assert stored.member_email == "ann@firm.test"
    report = await erase_contact(repo, "joe+other@acme.com", FIRM_DOMAINS)
    assert report.person_found
    assert report.address == "joe@acme.com"
    # and it stays out: the same person under yet another tag is dropped at ingestion
    again = await Ingestor(repo, FIRM_DOMAINS, 50).run(
        [record("j2", "ann@firm.test", ["joe+later@acme.com"], 1)]
    )
    assert again.ingested == 0


async def test_an_excluded_address_is_the_one_ingestion_stores(
    repo: GraphRepository, ingestor: Ingestor, settings: Settings
) -> None:
    await ingestor.run([record("j1", "ann@firm.test", ["joe@acme.com"], 3)])
    change = await capture.exclude(repo, (), "address", "Joe <joe+news@acme.com>")
    assert change.people_erased == 1
    report = await Ingestor.for_settings(repo, settings).run(
        [record("j2", "ann@firm.test", ["joe+later@acme.com"], 1)]
    )
    assert (dict(report.skipped), report.ingested) == ({"excluded-address": 1}, 0)
    await capture.include(repo, (), "address", "joe+again@acme.com")
    assert (await repo.firm_settings()).excluded_hashes == ()
