"""Tie.timeline: interactions per month and kind, dated detail a rep sees on their own ties only."""

from datetime import timedelta

import httpx

from ingest.pipeline import Ingestor
from tests.integration.apihelp import NOW, gql, seed_firm

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
