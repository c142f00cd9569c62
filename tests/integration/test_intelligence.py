"""The intelligence queries on small hand-built firms, through the real ingestion path and the
GraphQL API: warm-intro routes, whoKnows shares, single-threaded accounts, influence maps,
departure impact and the attention feed. The right answers are known by construction."""

import json
import math
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest
from neo4j import AsyncDriver

from graph.common import reach_params
from graph.records import to_account_input
from graph.repository import GraphRepository
from graph.threads import single_threaded_accounts
from ingest.pipeline import Ingestor
from ingest.sources import iter_path
from scoring.account_health import ACTIVE_LABEL
from scoring.threads import AccountThreads, account_threads
from tiegraph.settings import Settings

NOW = datetime.now(UTC).replace(microsecond=0)
Line = dict[str, Any]


class Firm:
    """Writes source files for one test and ingests them."""

    def __init__(self, tmp_path: Path, ingestor: Ingestor) -> None:
        self._dir, self._ingestor, self._files = tmp_path, ingestor, 0

    async def csv(self, text: str) -> None:
        await self._ingest(".csv", text)

    async def lines(self, lines: Iterable[Line]) -> None:
        await self._ingest(".jsonl", "".join(json.dumps(line) + "\n" for line in lines))

    async def _ingest(self, suffix: str, text: str) -> None:
        self._files += 1
        path = self._dir / f"source-{self._files}{suffix}"
        path.write_text(text)
        report = await self._ingestor.run(iter_path(path))
        assert report.error_count == 0, report.errors


@pytest.fixture
def firm(tmp_path: Path, ingestor: Ingestor) -> Firm:
    return Firm(tmp_path, ingestor)


def at(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat()


def meeting(ident: str, days_ago: float, organiser: str, *others: str) -> Line:
    return {
        "id": ident,
        "kind": "meeting",
        "occurredAt": at(days_ago),
        "from": organiser,
        "to": list(others),
        "subject": "Sync",
    }


def weekly(
    prefix: str, organiser: str, *others: str, weeks: int = 20, last_days_ago: float = 3
) -> Iterator[Line]:
    for week in range(weeks):
        yield meeting(f"{prefix}-{week}", last_days_ago + 7 * week, organiser, *others)


def ranked_accounts(domains: list[str], owner: str, top: int, step: int) -> str:
    """Account CSV (with its header): annual values falling by `step` from `top`, in order."""
    header = "domain,name,tier,annual_value,owner_email\n"
    return header + "".join(
        f"{d},{d.split('.')[0]},growth,{top - step * n},{owner}\n" for n, d in enumerate(domains)
    )


def one_contact_each(prefix: str, member: str, domains: list[str]) -> Iterator[Line]:
    """Ten weekly meetings of `member` with one contact at each account: an active tie."""
    for n, domain in enumerate(domains):
        yield from weekly(f"{prefix}{n}", member, f"x@{domain}", weeks=10)


def email(
    ident: str, days_ago: float, sender: str, to: str, subject: str = "Hello", **extra: Any
) -> Line:
    return {
        "id": ident,
        "kind": "email",
        "occurredAt": at(days_ago),
        "from": sender,
        "to": [to],
        "subject": subject,
        **extra,
    }


async def gql(api: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await api.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]
    return result


ROUTES = """query($requester: String!, $email: String, $domain: String, $first: Int) {
  warmIntroRoutes(requesterEmail: $requester, targetEmail: $email, targetDomain: $domain,
                  first: $first) {
    target { email } strength weakestScore stalestAt
    hops { from { email } to { email } kind score label explanation evidence { lastAt } }
  }
}"""


def path_of(found: dict[str, Any]) -> list[str]:
    hops = found["hops"]
    return [hops[0]["from"]["email"]] + [h["to"]["email"] for h in hops]


async def test_warm_intro_routes_rank_strongest_first_and_skip_departed_members(
    firm: Firm, api: httpx.AsyncClient
) -> None:
    await firm.csv(
        "email,name,title,team,left_on\n"
        "ann@firm.test,Ann,AE,sales,\n"
        "bob@firm.test,Bob,SE,sales,\n"
        "cat@firm.test,Cat,AE,sales,\n"
        f"dan@firm.test,Dan,VP,sales,{(NOW - timedelta(days=5)).date()}\n"
    )
    await firm.lines(
        [
            # Ann works closely with Bob (weekly), and never with Cat.
            *weekly("ab", "ann@firm.test", "bob@firm.test"),
            # Bob and Cat both know Jane; Cat knows her better, Bob a little.
            *weekly("bj", "bob@firm.test", "jane@acme.com", weeks=6),
            *weekly("cj", "cat@firm.test", "jane@acme.com", weeks=20),
            # Dan, who left, knew her best of all.
            *weekly("dj", "dan@firm.test", "jane@acme.com", weeks=40, last_days_ago=6),
        ]
    )
    body = await gql(api, ROUTES, requester="Ann@Firm.test", email="jane@acme.com")
    found = data(body)["warmIntroRoutes"]
    paths = [path_of(r) for r in found]
    assert all("dan@firm.test" not in p for p in paths)
    assert set(map(tuple, paths)) == {
        ("ann@firm.test", "bob@firm.test", "jane@acme.com"),
        ("ann@firm.test", "cat@firm.test", "jane@acme.com"),
    }
    # Every hop carries a score, a label and evidence (none for the colleague Ann never met).
    for r in found:
        product = math.prod(h["score"] / 100 for h in r["hops"])
        assert r["strength"] == pytest.approx(product)
        assert r["weakestScore"] == min(h["score"] for h in r["hops"])
    strengths = [r["strength"] for r in found]
    assert strengths == sorted(strengths, reverse=True)
    via_cat = next(r for r in found if r["hops"][0]["to"]["email"] == "cat@firm.test")
    assert via_cat["hops"][0]["kind"] == "COLLEAGUE"
    assert via_cat["hops"][0]["score"] == 20.0
    assert via_cat["hops"][0]["evidence"] is None
    via_bob = next(r for r in found if r["hops"][0]["to"]["email"] == "bob@firm.test")
    assert via_bob["hops"][0]["kind"] == "WORKS_WITH"
    assert via_bob["hops"][0]["evidence"]["lastAt"] is not None
    assert via_bob["hops"][1]["kind"] == "KNOWS"
    # Bob's strong colleague tie beats Cat's stronger tie to Jane over a cold colleague hop.
    assert paths[0] == ["ann@firm.test", "bob@firm.test", "jane@acme.com"]

    # Cat asking: she knows Jane herself, which comes first.
    direct = data(await gql(api, ROUTES, requester="cat@firm.test", email="jane@acme.com"))
    assert path_of(direct["warmIntroRoutes"][0]) == ["cat@firm.test", "jane@acme.com"]


async def test_a_route_through_a_contact_at_the_same_account(
    firm: Firm, api: httpx.AsyncClient
) -> None:
    await firm.lines(
        [
            *weekly("ab", "ann@firm.test", "bob@firm.test"),
            # Bob knows Joe; Joe and the CEO meet often; nobody on the team knows the CEO.
            *weekly("bj", "bob@firm.test", "joe@acme.com"),
            *weekly("jc", "joe@acme.com", "ceo@acme.com", "amy@acme.com"),
            # Someone at another company who meets the CEO is no way in.
            *weekly("x", "bob@firm.test", "max@globex.com"),
            *weekly("xc", "max@globex.com", "ceo@acme.com", weeks=3),
        ]
    )
    found = data(await gql(api, ROUTES, requester="ann@firm.test", email="ceo@acme.com"))
    paths = [path_of(r) for r in found["warmIntroRoutes"]]
    assert paths == [["ann@firm.test", "bob@firm.test", "joe@acme.com", "ceo@acme.com"]]
    hops = found["warmIntroRoutes"][0]["hops"]
    assert [h["kind"] for h in hops] == ["WORKS_WITH", "KNOWS", "ASSOCIATED_WITH"]

    # By domain: the best entry point per contact Acme-side, strongest first.
    entry = data(await gql(api, ROUTES, requester="ann@firm.test", domain="acme.com"))
    targets = [r["target"]["email"] for r in entry["warmIntroRoutes"]]
    assert targets == ["joe@acme.com"]


async def test_no_route_unknown_requester_and_bad_targets(
    firm: Firm, api: httpx.AsyncClient
) -> None:
    await firm.lines(
        [
            *weekly("bj", "bob@firm.test", "joe@acme.com"),
            email("n", 3, "nobody@acme.com", "ann@firm.test"),
        ]
    )
    empty = data(await gql(api, ROUTES, requester="bob@firm.test", email="sue@initech.com"))
    assert empty["warmIntroRoutes"] == []
    # Ann's only contact wrote once, never answered: too faint? Still a tie; but nobody knows
    # the CEO at all.
    none = data(await gql(api, ROUTES, requester="ann@firm.test", email="ceo@acme.com"))
    assert none["warmIntroRoutes"] == []
    unknown = await gql(api, ROUTES, requester="who@firm.test", email="joe@acme.com")
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    both = await gql(
        api, ROUTES, requester="bob@firm.test", email="joe@acme.com", domain="acme.com"
    )
    assert both["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    neither = await gql(api, ROUTES, requester="bob@firm.test")
    assert neither["errors"][0]["extensions"]["code"] == "BAD_INPUT"


async def test_who_knows_shares_add_up_strongest_first(firm: Firm, api: httpx.AsyncClient) -> None:
    await firm.lines(
        [
            *weekly("a", "ann@firm.test", "joe@acme.com", weeks=30),
            *weekly("b", "bob@firm.test", "joe@acme.com", weeks=4),
            email("c", 200, "cat@firm.test", "joe@acme.com"),
        ]
    )
    query = (
        'query { whoKnows(email: "joe@acme.com") { member { email } share strength { score } } }'
    )
    rows = data(await gql(api, query))["whoKnows"]
    assert [r["member"]["email"] for r in rows][:2] == ["ann@firm.test", "bob@firm.test"]
    total = sum(r["strength"]["score"] for r in rows)
    for r in rows:
        assert r["share"] == pytest.approx(100 * r["strength"]["score"] / total, abs=0.05)
    assert sum(r["share"] for r in rows) == pytest.approx(100, abs=0.2)
    assert rows[0]["share"] > rows[1]["share"] > 0


THREADS = """query($first: Int, $after: String, $min: Float, $tier: String) {
  singleThreadedAccounts(first: $first, after: $after, minAnnualValue: $min, tier: $tier) {
    edges { cursor node { domain valueAtRisk thread { by member { email } contact { email } }
            secondThread { member { email } reason } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


# Four accounts: Globex, Umbrella, Acme and Initech by annual value.
FOUR_ACCOUNTS = (
    "domain,name,tier,annual_value,owner_email\n"
    "acme.com,Acme,strategic,500000,ann@firm.test\n"
    "globex.com,Globex,growth,900000,bob@firm.test\n"
    "initech.com,Initech,strategic,300000,ann@firm.test\n"
    "umbrella.com,Umbrella,growth,700000,ann@firm.test\n"
)


async def test_single_threaded_accounts_by_member_and_contact_paged_by_value(
    firm: Firm, api: httpx.AsyncClient
) -> None:
    await firm.csv(FOUR_ACCOUNTS)
    await firm.lines(
        [
            *weekly("ab", "ann@firm.test", "bob@firm.test", weeks=10),
            # Acme: Ann holds both contacts; Cat wrote to Sue once (the nearest second thread).
            *weekly("a1", "ann@firm.test", "joe@acme.com"),
            *weekly("a2", "ann@firm.test", "sue@acme.com", weeks=10),
            email("a3", 5, "cat@firm.test", "sue@acme.com"),
            # Globex: Ann and Bob both see only Gus.
            *weekly("g1", "ann@firm.test", "gus@globex.com"),
            *weekly("g2", "bob@firm.test", "gus@globex.com", weeks=12, last_days_ago=1),
            # Initech: only Bob, on one contact; nobody else anywhere near it.
            *weekly("i1", "bob@firm.test", "ida@initech.com"),
            # Umbrella: two members on two contacts, not single-threaded.
            *weekly("u1", "ann@firm.test", "uma@umbrella.com"),
            *weekly("u2", "bob@firm.test", "ulf@umbrella.com"),
        ]
    )
    first = data(await gql(api, THREADS, first=2))["singleThreadedAccounts"]
    nodes = [e["node"] for e in first["edges"]]
    assert [n["domain"] for n in nodes] == ["globex.com", "acme.com"]
    assert [n["valueAtRisk"] for n in nodes] == [900000.0, 500000.0]
    assert nodes[0]["thread"] == {
        "by": "CONTACT",
        "member": None,
        "contact": {"email": "gus@globex.com"},
    }
    assert nodes[1]["thread"]["by"] == "MEMBER"
    assert nodes[1]["secondThread"]["member"]["email"] == "cat@firm.test"
    assert first["pageInfo"] == {"hasNextPage": True, "endCursor": first["edges"][-1]["cursor"]}

    second = data(await gql(api, THREADS, first=2, after=first["pageInfo"]["endCursor"]))
    page = second["singleThreadedAccounts"]
    (initech,) = [e["node"] for e in page["edges"]]
    assert initech["domain"] == "initech.com"
    assert initech["thread"]["by"] == "BOTH"
    # Nobody else knows anyone at Initech: Bob's closest colleague, Ann, can be brought in.
    assert initech["secondThread"]["member"]["email"] == "ann@firm.test"
    assert page["pageInfo"]["hasNextPage"] is False

    strategic = data(await gql(api, THREADS, first=5, tier="Strategic", min=400000))
    assert [e["node"]["domain"] for e in strategic["singleThreadedAccounts"]["edges"]] == [
        "acme.com"
    ]
    bad = await gql(api, THREADS, first=2, after="not-a-cursor")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_INPUT"


async def test_single_threaded_accounts_without_a_value_come_last(
    firm: Firm, api: httpx.AsyncClient
) -> None:
    # Accounts with no annual value are read only once those with one run out (a separate,
    # unindexed branch of read/account_threads): they must still be listed, last, by domain.
    await firm.csv(
        "domain,name,tier,annual_value,owner_email\n"
        "acme.com,Acme,strategic,500000,ann@firm.test\n"
        "hooli.com,Hooli,smb,,ann@firm.test\n"
        "initech.com,Initech,smb,,bob@firm.test\n"
    )
    await firm.lines(
        [
            *weekly("a", "ann@firm.test", "joe@acme.com"),
            *weekly("h", "ann@firm.test", "hal@hooli.com"),
            *weekly("i", "bob@firm.test", "ida@initech.com"),
        ]
    )
    every = data(await gql(api, THREADS, first=5))["singleThreadedAccounts"]["edges"]
    assert [(e["node"]["domain"], e["node"]["valueAtRisk"]) for e in every] == [
        ("acme.com", 500000.0), ("hooli.com", None), ("initech.com", None),
    ]  # fmt: skip
    first = data(await gql(api, THREADS, first=2))["singleThreadedAccounts"]
    assert [e["node"]["domain"] for e in first["edges"]] == ["acme.com", "hooli.com"]
    rest = data(await gql(api, THREADS, first=2, after=first["pageInfo"]["endCursor"]))
    assert [e["node"]["domain"] for e in rest["singleThreadedAccounts"]["edges"]] == ["initech.com"]
    assert (
        data(await gql(api, THREADS, first=5, min=1.0))["singleThreadedAccounts"]["edges"][0][
            "node"
        ]["domain"]
        == "acme.com"
    )


async def test_single_threads_found_beyond_the_first_scan_batch(
    firm: Firm, api: httpx.AsyncClient
) -> None:
    # 60 accounts in value order; only the 1st, 53rd and 58th have anyone on them. The scan's
    # first read (50 accounts) finds one, so the page needs a second, sized read.
    domains = [f"a{n:02}.com" for n in range(60)]
    await firm.csv(ranked_accounts(domains, "ann@firm.test", top=100000, step=100))
    held = [domains[0], domains[52], domains[57]]
    await firm.lines(one_contact_each("t", "ann@firm.test", held))
    first = data(await gql(api, THREADS, first=2))["singleThreadedAccounts"]
    assert [e["node"]["domain"] for e in first["edges"]] == held[:2]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = data(await gql(api, THREADS, first=2, after=first["pageInfo"]["endCursor"]))
    assert [e["node"]["domain"] for e in rest["singleThreadedAccounts"]["edges"]] == held[2:]
    assert rest["singleThreadedAccounts"]["pageInfo"]["hasNextPage"] is False


async def _threads_read_whole(repo: GraphRepository, as_of: datetime) -> list[Any]:
    """Every single-threaded account found from every tie of every account, value order."""
    rows = await repo.read_rows("read/accounts_page", after="", limit=100)
    domains = [row["account"]["domain"] for row in rows]
    whole = await repo.account_threads_of(domains)
    profile = await repo.scoring_profile()
    found = [account_threads(to_account_input(row), profile, as_of) for row in whole.values()]
    single = [t for t in found if t.thread is not None]
    return sorted(single, key=lambda t: (-(t.account.annual_value or -1.0), t.account.domain))


def _thread_view(threads: AccountThreads) -> tuple[Any, ...]:
    active = sorted((c.contact.email, c.holders) for c in threads.active)
    return threads.account.domain, threads.thread, active


async def test_the_scan_finds_what_reading_every_tie_finds(
    firm: Firm, repo: GraphRepository
) -> None:
    # The scan reads only ties whose stored reach could make them active. Acme's ties were
    # strong until 200 days ago, then Ann mailed Joe 2 days ago: the stored reach (at that
    # last touch) is low, and a page as of 190 days ago reads those ties at that last touch.
    await firm.csv(FOUR_ACCOUNTS)
    await firm.lines(
        [
            *weekly("a1", "ann@firm.test", "joe@acme.com", last_days_ago=200),
            email("a2", 2, "ann@firm.test", "joe@acme.com"),
            *weekly("a3", "ann@firm.test", "sue@acme.com", weeks=6, last_days_ago=190),
            *weekly("g1", "bob@firm.test", "gus@globex.com", weeks=12, last_days_ago=1),
            *weekly("i1", "bob@firm.test", "ida@initech.com", last_days_ago=120),
            *weekly("u1", "ann@firm.test", "uma@umbrella.com"),
            *weekly("u2", "bob@firm.test", "ulf@umbrella.com", weeks=3, last_days_ago=185),
        ]
    )
    profile = await repo.scoring_profile()
    reach = (await repo.read_rows("read/tie", member="ann@firm.test", contact="joe@acme.com"))[0]
    assert reach["tie"]["reach"] < reach_params(profile, NOW, ACTIVE_LABEL)["reach_seek"]
    found = {}
    for days_ago in (0, 100, 190, 195, 250):
        as_of = NOW - timedelta(days=days_ago)
        page = await single_threaded_accounts(repo, first=10, as_of=as_of)
        expected = await _threads_read_whole(repo, as_of)
        assert [_thread_view(a.threads) for a in page.accounts] == [
            _thread_view(t) for t in expected
        ], days_ago
        found[days_ago] = [a.threads.account.domain for a in page.accounts]
    # Acme is single-threaded (Ann on Sue) only before Sue's tie fades; Joe's never counts.
    assert found == {
        0: ["globex.com", "umbrella.com"],
        100: ["globex.com", "umbrella.com", "initech.com"],
        **{d: ["globex.com", "acme.com", "initech.com"] for d in (190, 195, 250)},
    }


async def test_the_scan_reads_ties_stored_without_a_reach(
    firm: Firm, repo: GraphRepository, driver: AsyncDriver, settings: Settings
) -> None:
    # A graph from before the stored reach (the upgrade adds it at the next start): the scan
    # still weighs each of its ties by the exact bound.
    await firm.csv(
        "domain,name,tier,annual_value,owner_email\n"
        "acme.com,Acme,strategic,500000,ann@firm.test\n"
        "globex.com,Globex,growth,900000,bob@firm.test\n"
    )
    await firm.lines(
        [
            *weekly("a", "ann@firm.test", "joe@acme.com"),
            *weekly("g", "bob@firm.test", "gus@globex.com"),
        ]
    )
    await driver.execute_query(
        "MATCH ()-[t:KNOWS]->() REMOVE t.reach", database_=settings.neo4j_database
    )
    page = await single_threaded_accounts(repo, first=5)
    assert [a.threads.account.domain for a in page.accounts] == ["globex.com", "acme.com"]


INFLUENCE = """query($domain: String!) {
  influenceMap(domain: $domain) {
    domain nodes { contact { email } pagerank betweenness degree }
    edges { source { email } target { email } weight label }
  }
}"""


async def test_influence_map_hubs_and_brokers_match_networkx(
    firm: Firm, api: httpx.AsyncClient
) -> None:
    # Three groups at Acme that meet among themselves: A = hub, a2..a5; B = b1..b4 and
    # C = c1..c4. The broker alone links them, meeting one person of each (hub, b1, c1): the
    # hub has the most ties, the broker sits on every path between groups.
    team_a = ["hub@acme.com"] + [f"a{n}@acme.com" for n in range(2, 6)]
    team_b = [f"b{n}@acme.com" for n in range(1, 5)]
    team_c = [f"c{n}@acme.com" for n in range(1, 5)]
    lines: list[Line] = [
        *weekly("ga", "ann@firm.test", *team_a, weeks=12),
        *weekly("gb", "bob@firm.test", *team_b, weeks=12),
        *weekly("gc", "bob@firm.test", *team_c, weeks=12),
    ]
    for person in ("hub@acme.com", "b1@acme.com", "c1@acme.com"):
        lines += weekly(f"br-{person}", "cat@firm.test", "broker@acme.com", person, weeks=12)
    await firm.lines(lines)
    found = data(await gql(api, INFLUENCE, domain="acme.com"))["influenceMap"]
    nodes = {n["contact"]["email"]: n for n in found["nodes"]}
    assert set(nodes) == {"broker@acme.com", *team_a, *team_b, *team_c}
    assert found["nodes"][0]["contact"]["email"] == "hub@acme.com"
    assert max(nodes, key=lambda e: nodes[e]["betweenness"]) == "broker@acme.com"
    pairs = {frozenset((e["source"]["email"], e["target"]["email"])) for e in found["edges"]}
    assert frozenset(("hub@acme.com", "broker@acme.com")) in pairs
    assert len(pairs) == len(found["edges"]) == 10 + 6 + 6 + 3

    # NetworkX on the returned edges, computed here, gives the same PageRank.
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(nodes)
    for e in found["edges"]:
        graph.add_edge(
            e["source"]["email"], e["target"]["email"], weight=max(e["weight"] / 100, 0.01)
        )
    expected = nx.pagerank(graph, alpha=0.85, weight="weight")
    for email_, node in nodes.items():
        assert node["pagerank"] == pytest.approx(expected[email_], rel=1e-6)

    path_query = """query($a: String!, $b: String!) { influencePath(fromEmail: $a, toEmail: $b) {
        people { email } strength weakestScore edges { source { email } target { email } weight } } }"""
    path = data(await gql(api, path_query, a="a4@acme.com", b="b4@acme.com"))["influencePath"]
    people = [p["email"] for p in path["people"]]
    assert people == [
        "a4@acme.com",
        "hub@acme.com",
        "broker@acme.com",
        "b1@acme.com",
        "b4@acme.com",
    ]
    assert path["edges"][0]["source"]["email"] == "a4@acme.com"
    assert path["strength"] == pytest.approx(math.prod(e["weight"] / 100 for e in path["edges"]))
    # Dijkstra computed here on -ln(weight) gives a path just as strong.
    for _, _, d in graph.edges(data=True):
        d["cost"] = -math.log(d["weight"])
    best = nx.dijkstra_path(graph, "a4@acme.com", "b4@acme.com", weight="cost")
    best_strength = math.prod(graph[u][v]["weight"] for u, v in pairwise(best))
    assert path["strength"] == pytest.approx(best_strength)
    missing = await gql(api, INFLUENCE, domain="nowhere.example")
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


DEPARTURE = """query($member: String!) {
  departureImpact(memberEmail: $member) {
    member { email } valueAtRisk
    contacts { contact { email } leaverLabel successor { member { email } contact { email } reason } }
    accounts { domain becomes valueAtRisk threadAfter { by member { email } }
               successor { member { email } reason } }
  }
}"""


async def test_departure_impact_lists_exactly_the_orphaned_contacts(
    firm: Firm, api: httpx.AsyncClient
) -> None:
    await firm.csv(
        "domain,name,tier,annual_value,owner_email\n"
        "acme.com,Acme,strategic,400000,sam@firm.test\n"
        "globex.com,Globex,growth,100000,sam@firm.test\n"
    )
    await firm.lines(
        [
            *weekly("sb", "sam@firm.test", "bob@firm.test", weeks=10),
            # Acme: Sam alone knows Joe and Sue; Ann holds Amy. Without Sam, Ann is the only thread.
            *weekly("s1", "sam@firm.test", "joe@acme.com"),
            *weekly("s2", "sam@firm.test", "sue@acme.com"),
            *weekly("a1", "ann@firm.test", "amy@acme.com"),
            # Cat wrote to Joe once: the next-best tie to Joe.
            email("c1", 10, "cat@firm.test", "joe@acme.com"),
            # Sue meets Amy weekly: Ann knows someone close to Sue.
            *weekly("sa", "sue@acme.com", "amy@acme.com", weeks=10),
            # Globex: Sam alone holds Gus, nobody else near: uncovered, hand over to Bob.
            *weekly("g1", "sam@firm.test", "gus@globex.com"),
            # Pat is held by Sam and by Ann: not orphaned.
            *weekly("p1", "sam@firm.test", "pat@acme.com"),
            *weekly("p2", "ann@firm.test", "pat@acme.com"),
        ]
    )
    found = data(await gql(api, DEPARTURE, member="sam@firm.test"))["departureImpact"]
    orphaned = {c["contact"]["email"]: c for c in found["contacts"]}
    assert set(orphaned) == {"joe@acme.com", "sue@acme.com", "gus@globex.com"}
    assert orphaned["joe@acme.com"]["successor"]["member"]["email"] == "cat@firm.test"
    sue = orphaned["sue@acme.com"]["successor"]
    assert (sue["member"]["email"], sue["contact"]["email"]) == ("ann@firm.test", "amy@acme.com")
    assert orphaned["gus@globex.com"]["successor"]["member"]["email"] == "bob@firm.test"
    accounts = {a["domain"]: a for a in found["accounts"]}
    assert [a["domain"] for a in found["accounts"]] == ["acme.com", "globex.com"]
    assert accounts["acme.com"]["becomes"] == "SINGLE_THREADED"
    assert accounts["acme.com"]["threadAfter"]["member"]["email"] == "ann@firm.test"
    assert accounts["globex.com"]["becomes"] == "UNCOVERED"
    assert accounts["globex.com"]["successor"]["member"]["email"] == "bob@firm.test"
    assert found["valueAtRisk"] == 500000.0
    unknown = await gql(api, DEPARTURE, member="who@firm.test")
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"


FEED = """query($member: String, $team: Boolean! = false, $first: Int) {
  attentionFeed(memberEmail: $member, team: $team, first: $first) {
    kind severity reason nextStep member { email } contact { email } accountDomain valueAtRisk
  }
}"""


def champion_traffic(
    prefix: str, contact: str, member: str, colleague: str, last: float
) -> list[Line]:
    lines = list(weekly(prefix, contact, member, colleague, last_days_ago=last))
    for n in range(4):
        sent = last + 2 + 10 * n
        lines.append(email(f"{prefix}-ask-{n}", sent, member, contact))
        lines.append(
            email(
                f"{prefix}-re-{n}",
                sent - 0.014,
                contact,
                member,
                "Re: Hello",
                inReplyTo=f"{prefix}-ask-{n}",
            )
        )
    return lines


async def test_attention_feed_orders_by_severity_with_reasons(
    firm: Firm, api: httpx.AsyncClient
) -> None:
    await firm.csv(
        "domain,name,tier,annual_value,owner_email\n"
        "acme.com,Acme,strategic,600000,ann@firm.test\n"
        "globex.com,Globex,growth,80000,ann@firm.test\n"
    )
    await firm.lines(
        [
            # A champion at Acme until three months ago, now at Newco.
            *champion_traffic(
                "old", "Joe Doe <joe@acme.com>", "ann@firm.test", "it@acme.com", last=95
            ),
            email("new-1", 12, "Joe Doe <joe@newco.com>", "bob@firm.test", "Hello from Newco"),
            email("new-2", 11, "bob@firm.test", "joe@newco.com", "Re: Hello from Newco"),
            # Acme runs through Ann alone now (Sue), worth 600k: high.
            *weekly("s", "ann@firm.test", "sue@acme.com"),
            # Globex through Ann alone, 80k: medium.
            *weekly("g", "ann@firm.test", "gus@globex.com"),
            # A strong tie going cold 65 days ago: medium.
            *weekly("c", "ann@firm.test", "kim@initech.com", weeks=30, last_days_ago=65),
            # A rising advocate: monthly for a year, then a few weeks of many meetings: low.
            *[meeting(f"rm{n}", 40 + 30 * n, "ann@firm.test", "ron@hooli.com") for n in range(12)],
            *[meeting(f"r{n}", 1 + 2 * n, "ann@firm.test", "ron@hooli.com") for n in range(10)],
        ]
    )
    items = data(await gql(api, FEED, member="ann@firm.test", first=20))["attentionFeed"]
    kinds = [(i["kind"], i["severity"]) for i in items]
    assert kinds[0] == ("CHAMPION_MOVED", "HIGH")
    assert kinds[1] == ("SINGLE_THREADED", "HIGH")
    assert items[1]["accountDomain"] == "acme.com"
    assert ("SINGLE_THREADED", "MEDIUM") in kinds
    cold = next(
        i for i in items if i["kind"] == "COLD_TIE" and i["contact"]["email"] == "kim@initech.com"
    )
    assert cold["severity"] == "MEDIUM"
    assert "65 days" in cold["reason"]
    assert kinds[-1] == ("RISING_ADVOCATE", "LOW")
    assert items[-1]["contact"]["email"] == "ron@hooli.com"
    order = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
    assert [order[s] for _, s in kinds] == sorted(order[s] for _, s in kinds)
    assert all(i["reason"] and i["nextStep"] for i in items)
    # Bob's own feed has none of Ann's ties; the team feed has the accounts too.
    bobs = data(await gql(api, FEED, member="bob@firm.test"))["attentionFeed"]
    assert all(i["member"] is None or i["member"]["email"] != "ann@firm.test" for i in bobs)
    team = data(await gql(api, FEED, team=True, first=2))["attentionFeed"]
    assert [i["severity"] for i in team] == ["HIGH", "HIGH"]
    unknown = await gql(api, FEED, member="who@firm.test")
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_members_feed_has_their_single_threads_below_the_teams_most_valuable(
    firm: Firm, api: httpx.AsyncClient
) -> None:
    # Bob alone holds the 20 most valuable single-threaded accounts. Ann's account is the
    # team's 21st and Globex's one contact is known by Ann and Bob: both are in Ann's feed.
    top = [f"big{n:02}.com" for n in range(20)]
    await firm.csv(
        ranked_accounts(top, "bob@firm.test", top=900000, step=1000)
        + "acme.com,Acme,growth,60000,ann@firm.test\n"
        "globex.com,Globex,growth,55000,ann@firm.test\n"
    )
    await firm.lines(
        [
            *one_contact_each("b", "bob@firm.test", top),
            *weekly("a", "ann@firm.test", "sue@acme.com", weeks=10),
            *weekly("g1", "ann@firm.test", "gus@globex.com", weeks=10),
            *weekly("g2", "bob@firm.test", "gus@globex.com", weeks=10),
            *weekly("c", "cat@firm.test", "kim@initech.com", weeks=10),
        ]
    )

    def threads(items: list[dict[str, Any]]) -> list[str]:
        return [i["accountDomain"] for i in items if i["kind"] == "SINGLE_THREADED"]

    team = data(await gql(api, FEED, team=True, first=50))["attentionFeed"]
    assert sorted(threads(team)) == sorted(top)
    anns = data(await gql(api, FEED, member="ann@firm.test", first=50))["attentionFeed"]
    assert threads(anns) == ["acme.com", "globex.com"]
    assert [i["severity"] for i in anns if i["kind"] == "SINGLE_THREADED"] == ["MEDIUM", "MEDIUM"]
    bobs = data(await gql(api, FEED, member="bob@firm.test", first=50))["attentionFeed"]
    # Bob holds 21 (Globex too): his feed has the 20 most valuable.
    assert sorted(threads(bobs)) == sorted(top)
    cats = data(await gql(api, FEED, member="cat@firm.test", first=50))["attentionFeed"]
    assert threads(cats) == []
