"""What a rep can work out about a colleague's tie, tried the way a rep would: over GraphQL.

seed_firm: ann@firm.test emailed joe@acme.com 5 and 4 days ago and met joe and sue 1 day ago;
the rep emailed joe 3 and 2 days ago. Nothing a rep reads may date ann's interactions.
"""

import math
from datetime import timedelta
from typing import Any

import httpx
import pytest

from ingest.pipeline import Ingestor
from tests.integration.apihelp import NOW, codes, gql, record, seed_firm

TIE = """query($m: String!, $at: DateTime) {
  tie(memberEmail: $m, contactEmail: "joe@acme.com", asOf: $at) {
    strength { score label components { name value explanation }
      evidence { interactionCount firstAt lastAt lastTwoWayAt } } } }"""
ROUTES = """query($t: String!) { warmIntroRoutes(requesterEmail: "rep@firm.test", targetEmail: $t,
  first: 20) { stalestAt hops { from { email } to { email } kind explanation
  evidence { lastAt firstAt lastTwoWayAt interactionCount } } } }"""
# The days of ann's interactions (and of the meeting that made joe and sue associates).
COLLEAGUE_DAYS = [f"{NOW - timedelta(days=d):%Y-%m-%d}" for d in (5, 4, 1)]


def _component(body: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        c for c in body["data"]["tie"]["strength"]["components"] if c["name"] == name
    )
    return found


async def test_a_rep_cannot_invert_freshness_on_a_colleagues_tie(
    ingestor: Ingestor, rep_api: httpx.AsyncClient, manager_api: httpx.AsyncClient
) -> None:
    await seed_firm(ingestor)
    # The attack, as a manager may run it: freshness = 0.4 + 0.6 * 2^(-days / 90).
    fresh = _component(await gql(manager_api, TIE, m="ann@firm.test"), "freshness")["value"]
    days_since_meeting = -90 * math.log2((fresh - 0.4) / 0.6)
    # NOW is read at import: the suite may have run for minutes since.
    assert days_since_meeting == pytest.approx(1, abs=1 / 24)
    as_rep = await gql(rep_api, TIE, m="ann@firm.test")
    strength = as_rep["data"]["tie"]["strength"]
    assert strength["score"] > 0
    assert strength["label"]
    assert all(c["value"] is None and c["explanation"] is None for c in strength["components"])
    assert not any(day in str(as_rep) for day in COLLEAGUE_DAYS)
    own = await gql(rep_api, TIE, m="rep@firm.test")
    assert _component(own, "freshness")["value"] is not None


async def test_a_rep_cannot_bisect_a_colleagues_tie_with_as_of(
    ingestor: Ingestor, rep_api: httpx.AsyncClient, manager_api: httpx.AsyncClient
) -> None:
    await seed_firm(ingestor)
    before_meeting = (NOW - timedelta(days=2.5)).isoformat()
    # The count moves across ann's last interaction: what bisecting on it would find.
    managers = await gql(manager_api, TIE, m="ann@firm.test", at=before_meeting)
    assert managers["data"]["tie"]["strength"]["evidence"]["interactionCount"] == 2
    for moment in (before_meeting, NOW.isoformat()):
        body = await gql(rep_api, TIE, m="ann@firm.test", at=moment)
        assert codes(body) == ["FORBIDDEN"], moment
        assert "leave asOf out" in body["errors"][0]["message"]
    own = await gql(rep_api, TIE, m="REP@firm.test", at=before_meeting)
    assert own["data"]["tie"]["strength"]["evidence"]["interactionCount"] == 1


async def test_route_hops_date_only_the_reps_own_ties(
    ingestor: Ingestor, rep_api: httpx.AsyncClient, manager_api: httpx.AsyncClient
) -> None:
    await seed_firm(ingestor)
    for target in ("joe@acme.com", "sue@acme.com"):
        body = await gql(rep_api, ROUTES, t=target)
        routes = body["data"]["warmIntroRoutes"]
        assert routes, target
        assert not any(day in str(body) for day in COLLEAGUE_DAYS), target
        for found in routes:
            own = [_held_by_rep(h) for h in found["hops"]]
            assert (found["stalestAt"] is not None) == all(own), found
            for hop, held in zip(found["hops"], own, strict=True):
                _assert_hop_detail(hop, shown=held)
    managers = await gql(manager_api, ROUTES, t="sue@acme.com")
    assert all(r["stalestAt"] for r in managers["data"]["warmIntroRoutes"] if _all_tied(r))


def _held_by_rep(hop: dict[str, Any]) -> bool:
    return hop["from"]["email"] == "rep@firm.test" and hop["kind"] != "ASSOCIATED_WITH"


def _all_tied(found: dict[str, Any]) -> bool:
    return all(h["evidence"] for h in found["hops"])


def _assert_hop_detail(hop: dict[str, Any], shown: bool) -> None:
    evidence = hop["evidence"]
    if evidence is None:  # a colleague with nothing on record: no dates to show or hide
        return
    assert evidence["interactionCount"] > 0
    assert (evidence["lastAt"] is not None) == shown, hop
    assert (hop["explanation"] is not None) == shown, hop


MAP = """{ account(domain: "acme.com") { contacts(first: 20) { edges { node { contact { email }
  knownBy { member { email } lastInteractionAt recentlyActive } } } } }
  influenceMap(domain: "acme.com") { edges { source { email } target { email }
    lastInteractionAt recentlyActive } } }"""
RECENT = """query($m: String!, $c: String!) { tie(memberEmail: $m, contactEmail: $c) {
  strength { evidence { recentCounts { count } } } } }"""


async def test_the_map_gives_a_rep_no_finer_recency_than_the_90_day_counts(
    ingestor: Ingestor, rep_api: httpx.AsyncClient, manager_api: httpx.AsyncClient
) -> None:
    await seed_firm(ingestor)
    # A tie of ann's that went quiet 200 days ago.
    await ingestor.run([record("k1", "ann@firm.test", ["kim@acme.com"], 200)])
    reps, managers = await gql(rep_api, MAP), await gql(manager_api, MAP)
    assert reps.get("errors") is None
    assert managers.get("errors") is None
    ties = {
        (t["member"]["email"], e["node"]["contact"]["email"]): t
        for e in reps["data"]["account"]["contacts"]["edges"]
        for t in e["node"]["knownBy"]
    }
    assert {k: t["recentlyActive"] for k, t in ties.items()} == {
        ("ann@firm.test", "joe@acme.com"): True,
        ("rep@firm.test", "joe@acme.com"): True,
        ("ann@firm.test", "sue@acme.com"): True,
        ("ann@firm.test", "kim@acme.com"): False,
    }
    for (member, contact), tie in ties.items():
        # Dates on the rep's own ties only; the band is what the tie's 90-day counts say.
        assert (tie["lastInteractionAt"] is not None) == (member == "rep@firm.test")
        counts = (await gql(rep_api, RECENT, m=member, c=contact))["data"]["tie"]["strength"]
        recent = sum(c["count"] for c in counts["evidence"]["recentCounts"])
        assert tie["recentlyActive"] == (recent > 0), (member, contact)
    # A tie between contacts has no holder on the team: no dates for a rep, a manager's all.
    edges = reps["data"]["influenceMap"]["edges"]
    assert edges
    assert all(e["lastInteractionAt"] is None and e["recentlyActive"] for e in edges)
    assert all(e["lastInteractionAt"] for e in managers["data"]["influenceMap"]["edges"])
    assert not any(day in str(reps) for day in COLLEAGUE_DAYS)
