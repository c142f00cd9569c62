"""Timelines of a tie, a contact and an account: interactions per month and kind, dated detail
a rep sees on their own ties and interactions only."""

from collections import Counter
from datetime import timedelta
from typing import Any

import httpx

from ingest.pipeline import Ingestor
from tests.integration.apihelp import NOW, codes, gql, record, seed_firm
from tiegraph.domain import InteractionKind

TIMELINE = """query($m: String!) { tie(memberEmail: $m, contactEmail: "joe@acme.com") {
  timeline { month total counts { kind count } } } }"""


def _month(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).strftime("%Y-%m")


async def test_months_and_kinds_of_a_tie(
    manager_api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await seed_firm(ingestor)  # ann-joe: emails 5 and 4 days ago, a meeting 1 day ago
    body = await gql(manager_api, TIMELINE, m="ann@firm.test")
    timeline = body["data"]["tie"]["timeline"]
    assert [m["month"] for m in timeline] == sorted({_month(5), _month(0)})
    assert sum(m["total"] for m in timeline) == 3
    kinds: dict[str, int] = {}
    for month in timeline:
        assert month["total"] == sum(c["count"] for c in month["counts"])
        for count in month["counts"]:
            kinds[count["kind"]] = kinds.get(count["kind"], 0) + count["count"]
    assert kinds == {"email": 2, "meeting": 1}


async def test_a_rep_sees_the_timeline_of_their_own_ties_only(
    rep_api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await seed_firm(ingestor)
    own = await gql(rep_api, TIMELINE, m="rep@firm.test")
    assert sum(m["total"] for m in own["data"]["tie"]["timeline"]) == 2
    colleague = await gql(rep_api, TIMELINE, m="ann@firm.test")
    assert colleague.get("errors") is None
    assert colleague["data"]["tie"]["timeline"] is None


# Ann alone met joe 160 and 100 days ago and sue 200 days ago; the rep emailed joe 40 days ago;
# 10 days ago ann, the rep and joe met. Months 60+ days apart cannot share a calendar month.
CONTACT = """query($e: String!, $m: String, $t: Boolean! = false) {
  contactTimeline(email: $e, memberEmail: $m, team: $t) { month total counts { kind count } } }"""
ACCOUNT = """query($d: String!, $m: String, $t: Boolean! = false) {
  accountTimeline(domain: $d, memberEmail: $m, team: $t) { month total counts { kind count } } }"""
ANN_ONLY_DAYS = (200, 160, 100)


async def _seed_months(ingestor: Ingestor) -> None:
    await ingestor.run([
        record("s1", "ann@firm.test", ["sue@acme.com"], 200, InteractionKind.CALL),
        record("a1", "ann@firm.test", ["joe@acme.com"], 160),
        record("a2", "joe@acme.com", ["ann@firm.test"], 100),
        record("r1", "rep@firm.test", ["joe@acme.com"], 40),
        record("m1", "ann@firm.test", ["joe@acme.com", "rep@firm.test", "sue@acme.com"], 10,
               InteractionKind.MEETING),
    ])  # fmt: skip


def _totals(body: dict[str, Any], field: str) -> dict[str, int]:
    assert body.get("errors") is None, body
    months = body["data"][field]
    assert all(m["total"] == sum(c["count"] for c in m["counts"]) for m in months)
    return {m["month"]: m["total"] for m in months if m["total"]}


async def test_the_team_sees_every_interaction_of_a_contact_and_an_account(
    manager_api: httpx.AsyncClient, api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await _seed_months(ingestor)
    for client in (manager_api, api):  # managers and admins
        joe = await gql(client, CONTACT, e="joe@acme.com", t=True)
        assert _totals(joe, "contactTimeline") == Counter(_month(d) for d in (160, 100, 40, 10))
        assert joe["data"]["contactTimeline"][0]["month"] == _month(160)
        # The meeting with joe and sue is one interaction of the account, not two.
        acme = await gql(client, ACCOUNT, d="acme.com", t=True)
        assert _totals(acme, "accountTimeline") == Counter(
            _month(d) for d in (200, 160, 100, 40, 10)
        )
        anns = await gql(client, CONTACT, e="joe@acme.com", m="ann@firm.test")
        assert _totals(anns, "contactTimeline") == Counter(_month(d) for d in (160, 100, 10))


async def test_a_rep_sees_only_the_months_of_their_own_interactions(
    rep_api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await _seed_months(ingestor)
    joe = await gql(rep_api, CONTACT, e="joe@acme.com")
    own_months = Counter(_month(d) for d in (40, 10))
    assert _totals(joe, "contactTimeline") == own_months
    # The first month is the rep's own first: leading empty months would date ann's.
    assert joe["data"]["contactTimeline"][0]["month"] == _month(40)
    # The same as the rep's own tie's timeline, and as naming themselves in any spelling.
    tie = await gql(rep_api, TIMELINE, m="rep@firm.test")
    assert tie["data"]["tie"]["timeline"] == joe["data"]["contactTimeline"]
    assert await gql(rep_api, CONTACT, e="joe@acme.com", m=" REP@firm.test ") == joe
    acme = await gql(rep_api, ACCOUNT, d="acme.com")
    assert _totals(acme, "accountTimeline") == own_months
    assert not any(_month(d) in str(joe) + str(acme) for d in ANN_ONLY_DAYS)


async def test_a_rep_cannot_ask_for_the_teams_or_a_colleagues_timeline(
    rep_api: httpx.AsyncClient, manager_api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await _seed_months(ingestor)
    for query, target in ((CONTACT, {"e": "joe@acme.com"}), (ACCOUNT, {"d": "acme.com"})):
        for asked in ({"t": True}, {"m": "ann@firm.test"}, {"m": "ann@firm.test", "t": True}):
            body = await gql(rep_api, query, **target, **asked)
            assert codes(body) == ["FORBIDDEN"], asked
            assert body["data"] is None
            assert not any(_month(d) in str(body) for d in ANN_ONLY_DAYS)
        both = await gql(manager_api, query, **target, m="ann@firm.test", t=True)
        assert codes(both) == ["BAD_INPUT"]
        # A manager who is no team member has no timeline of their own.
        assert codes(await gql(manager_api, query, **target)) == ["NOT_FOUND"]
    unknown = await gql(manager_api, CONTACT, e="nobody@acme.com", t=True)
    assert codes(unknown) == ["NOT_FOUND"]
    assert codes(await gql(manager_api, ACCOUNT, d="nowhere.com", t=True)) == ["NOT_FOUND"]
