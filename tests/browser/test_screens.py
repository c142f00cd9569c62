"""Each screen shows what the API answers the same token (numbers, order, labels), a rep never
reaches a manager screen or asks for manager data, and each screen leaves a screenshot."""

import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import Explorer, screenshot
from tiegraph.access import Role

Pages = Callable[[Role | None], Page]
ACME = "acme.example"
DIGITS = re.compile(r"\d+")

THEIR_TIE = "Their tie: its details are for them and managers."


def money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.0f}"


def asked(page: Page) -> list[str]:
    """The GraphQL documents the page sends, as they go."""
    sent: list[str] = []

    def keep(request: Request) -> None:
        if request.url.endswith("/graphql") and request.method == "POST":
            sent.append(request.post_data_json["query"])

    page.on("request", keep)
    return sent


def attr(page: Page, selector: str, name: str) -> list[str]:
    return page.locator(selector).evaluate_all(f"es => es.map(e => e.getAttribute('{name}'))")


def best_known_contact(explorer: Explorer) -> str:
    """The Acme contact known by the most colleagues, so the page has rows to compare."""
    edges = explorer.gql(Role.MANAGER, '{ account(domain: "acme.example") { contacts(first: 50) '
                         "{ edges { node { contact { email } knownBy { share } } } } } }")  # fmt: skip
    nodes = [e["node"] for e in edges["account"]["contacts"]["edges"]]
    email: str = max(nodes, key=lambda n: (len(n["knownBy"]), n["contact"]["email"]))["contact"][
        "email"
    ]
    return email


def test_contact_page_ranks_who_knows_them_and_my_routes(pages: Pages, explorer: Explorer) -> None:
    contact, rep = best_known_contact(explorer), explorer.members[Role.REP]
    page = pages(Role.REP)
    page.goto(f"{explorer.url}/contact/{contact}")
    expect(page.locator("#who-knows")).to_be_visible()
    data = explorer.gql(Role.REP, """query($c: String!, $me: String!) {
      whoKnows(email: $c) { member { email } strength { score label } share lastInteractionAt }
      warmIntroRoutes(requesterEmail: $me, targetEmail: $c, first: 3) { hops { explanation } } }""",
                        c=contact, me=rep)  # fmt: skip
    ties = data["whoKnows"]
    assert attr(page, "#who-knows tbody tr", "data-member") == [t["member"]["email"] for t in ties]
    assert attr(page, "#who-knows .bar", "data-label") == [t["strength"]["label"] for t in ties]
    assert [float(s) for s in attr(page, "#who-knows .bar", "data-score")] == [
        t["strength"]["score"] for t in ties]  # fmt: skip
    shares = page.locator("#who-knows .share").all_inner_texts()
    assert shares == [f"{t['share']:.1f}%" for t in ties]
    # A rep sees when they last spoke only on their own ties: the API nulls the others.
    lasts = page.locator("#who-knows .last").all_inner_texts()
    assert lasts == [(t["lastInteractionAt"] or "—")[:10] for t in ties]
    assert any(t["lastInteractionAt"] is None for t in ties)
    # A colleague's hop has no sentence for a rep (it would date their interactions).
    hops = [h["explanation"] or THEIR_TIE for r in data["warmIntroRoutes"] for h in r["hops"]]
    assert THEIR_TIE in hops
    page.wait_for_selector("#routes .routes, #routes .empty")
    assert page.locator("#routes .evidence").all_inner_texts() == hops
    screenshot(page, "contact")


def map_counts(data: dict[str, Any]) -> tuple[int, int]:
    """Nodes and edges the API gives: contacts of the influence map and of the account, the
    members who know them; contact ties and member ties."""
    nodes = {n["contact"]["email"] for n in data["influenceMap"]["nodes"]}
    edges = len(data["influenceMap"]["edges"])
    for edge in data["account"]["contacts"]["edges"]:
        nodes.add(edge["node"]["contact"]["email"])
        for tie in edge["node"]["knownBy"]:
            nodes.add(tie["member"]["email"])
            edges += 1
    return len(nodes), edges


ACCOUNT = """query($d: String!) {
  account(domain: $d) { name tier annualValue contacts(first: 100) { edges { node {
    contact { email } knownBy { member { email } lastInteractionAt recentlyActive } } } } }
  influenceMap(domain: $d) { nodes { contact { email } } edges { weight } }
  accountHealth(domain: $d) { valueAtRisk coverage { gaps } cold { reasons } } }"""
RECENCY = """query($d: String!) {
  account(domain: $d) { contacts(first: 100) { edges { node {
    knownBy { lastInteractionAt recentlyActive } } } } }
  influenceMap(domain: $d) { edges { lastInteractionAt recentlyActive } } }"""


def recency(last_at: str | None, recently_active: bool) -> str:
    """web/src/recency.ts's band: from the date where the API gives one, else the 90-day flag."""
    if last_at is None:
        return "d90" if recently_active else "quiet"
    days = (datetime.now(UTC) - datetime.fromisoformat(last_at)).total_seconds() / 86400
    return "d30" if days <= 30 else "d90" if days <= 90 else "y1" if days <= 365 else "older"


def recency_bands(data: dict[str, Any]) -> dict[str, int]:
    """Edges per recency band, as the map should colour them for whoever asked."""
    ties = [t for e in data["account"]["contacts"]["edges"] for t in e["node"]["knownBy"]]
    ties += data["influenceMap"]["edges"]
    return dict(Counter(recency(t["lastInteractionAt"], t["recentlyActive"]) for t in ties))


def test_map_edges_are_coloured_by_recency_as_each_role_may_see(
    pages: Pages, explorer: Explorer
) -> None:
    for role in (Role.REP, Role.MANAGER):
        page = pages(role)
        page.goto(f"{explorer.url}/account/{ACME}")
        expect(page.locator("#map")).to_have_attribute("data-recency", re.compile("."))
        drawn = json.loads(page.get_attribute("#map", "data-recency") or "{}")
        bands = recency_bands(explorer.gql(role, RECENCY, d=ACME))
        assert drawn == bands, role
        # A rep sees dates on their own ties only: the rest are coarse (d90 or quiet).
        fine = sum(n for band, n in bands.items() if band not in ("d90", "quiet"))
        assert (fine < sum(bands.values())) if role is Role.REP else "quiet" not in bands


def test_account_page_health_and_map_as_the_api_gives(pages: Pages, explorer: Explorer) -> None:
    page = pages(Role.MANAGER)
    page.goto(f"{explorer.url}/account/{ACME}")
    expect(page.locator("#map")).to_have_attribute("data-nodes", DIGITS)
    data = explorer.gql(Role.MANAGER, ACCOUNT, d=ACME)
    nodes, edges = map_counts(data)
    assert (page.get_attribute("#map", "data-nodes"), page.get_attribute("#map", "data-edges")) == (
        str(nodes), str(edges))  # fmt: skip
    account, health = data["account"], data["accountHealth"]
    expect(page.locator("h1")).to_have_text(account["name"])
    assert (
        page.inner_text("#facts")
        == f"{ACME} · {account['tier']} · {money(account['annualValue'])} a year"
    )
    expect(page.locator("#value-at-risk")).to_have_text(money(health["valueAtRisk"]))
    assert page.locator("#health .gap").all_inner_texts() == health["coverage"]["gaps"]
    assert page.locator("#health .reason").all_inner_texts() == health["cold"]["reasons"]
    screenshot(page, "account")
    page.locator("#contacts a").first.click()
    first = account["contacts"]["edges"][0]["node"]["contact"]["email"]
    expect(page).to_have_url(f"{explorer.url}/contact/{quote(first)}")
    expect(page.locator("#who-knows")).to_be_visible()


def test_a_rep_sees_no_health_and_asks_for_none(pages: Pages, explorer: Explorer) -> None:
    page = pages(Role.REP)
    sent = asked(page)
    events: list[tuple[str, str]] = []
    page.on("request", lambda r: events.append(("sent", r.post_data or "")))
    page.on("response", lambda r: events.append(("answered", r.request.post_data or "")))
    page.goto(f"{explorer.url}/account/{ACME}")
    expect(page.locator("#map")).to_have_attribute("data-nodes", DIGITS)
    assert page.locator("#health").count() == 0
    assert sent
    assert not any("accountHealth" in q for q in sent)
    # The account is asked for once, while `me` is still on its way.
    assert sum("influenceMap" in q for q in sent) == 1
    account_sent = next(i for i, (e, body) in enumerate(events)
                        if e == "sent" and "influenceMap" in body)  # fmt: skip
    me_answered = next(
        i for i, (e, body) in enumerate(events) if e == "answered" and "me {" in body
    )
    assert account_sent < me_answered


def test_risk_board_lists_single_threads_by_value_at_risk(pages: Pages, explorer: Explorer) -> None:
    page = pages(Role.MANAGER)
    page.goto(f"{explorer.url}/risk")
    expect(page.locator("h1")).to_have_text("Risk board")
    rows = explorer.gql(Role.MANAGER, "{ singleThreadedAccounts(first: 50) { edges { node { "
                        "domain valueAtRisk } } } }")["singleThreadedAccounts"]["edges"]  # fmt: skip
    assert len(rows) >= 3  # the demo's single-threaded accounts
    assert attr(page, "#threads tbody tr", "data-domain") == [r["node"]["domain"] for r in rows]
    assert page.locator("#threads .value").all_inner_texts() == [
        money(r["node"]["valueAtRisk"]) for r in rows]  # fmt: skip
    accounts = explorer.gql(Role.MANAGER, "{ accounts(first: 100) { edges { node { domain "
                            "health { cold { level } } } } } }")["accounts"]["edges"]  # fmt: skip
    cold = [a["node"] for a in accounts if a["node"]["health"]["cold"]["level"]]
    assert cold  # the demo's silent account
    assert attr(page, "#cold li", "data-domain") == [a["domain"] for a in cold]
    assert attr(page, "#cold li", "data-level") == [str(a["health"]["cold"]["level"]) for a in cold]
    screenshot(page, "risk")
    page.goto(f"{explorer.url}/risk?tier=growth")
    growth = explorer.gql(Role.MANAGER, '{ singleThreadedAccounts(tier: "growth", first: 50) '
                          "{ edges { node { domain } } } }")["singleThreadedAccounts"]["edges"]  # fmt: skip
    expect(page.locator("#threads tbody tr, .empty").first).to_be_visible()
    assert attr(page, "#threads tbody tr", "data-domain") == [r["node"]["domain"] for r in growth]


def test_a_rep_cannot_reach_manager_screens(pages: Pages, explorer: Explorer) -> None:
    page = pages(Role.REP)
    sent = asked(page)
    for path in ["/risk", "/departure?member=x@northwind.example"]:
        page.goto(explorer.url + path)
        expect(page.locator("#denied")).to_have_text("This screen is for managers.")
    assert not any("singleThreadedAccounts" in q or "departureImpact" in q for q in sent)


def test_departure_impact_of_a_member(pages: Pages, explorer: Explorer) -> None:
    member = explorer.members[Role.REP]
    page = pages(Role.MANAGER)
    page.goto(f"{explorer.url}/departure?member={member}")
    expect(page.locator("#impact")).to_be_visible()
    impact = explorer.gql(Role.MANAGER, "query($m: String!) { departureImpact(memberEmail: $m) { "
                          "valueAtRisk contacts { contact { email } } accounts { domain } } }",
                          m=member)["departureImpact"]  # fmt: skip
    assert page.inner_text("#departure-value") == f"Value at risk: {money(impact['valueAtRisk'])}"
    assert attr(page, "#orphans tr", "data-contact") == [
        c["contact"]["email"] for c in impact["contacts"]
    ]
    assert attr(page, "#accounts tr", "data-domain") == [a["domain"] for a in impact["accounts"]]
    screenshot(page, "departure")


def test_feed_is_mine_for_a_rep_and_the_teams_for_a_manager(
    pages: Pages, explorer: Explorer
) -> None:
    query = "query($t: Boolean!) { attentionFeed(team: $t, first: 50) { kind reason } }"
    for role, team in [(Role.REP, False), (Role.MANAGER, True)]:
        page = pages(role)
        page.goto(f"{explorer.url}/feed")
        expect(page.locator("h1")).to_contain_text("feed")
        feed = explorer.gql(role, query, t=team)["attentionFeed"]
        page.wait_for_selector("#feed, .empty")
        assert page.locator("#feed .reason").all_inner_texts() == [i["reason"] for i in feed]
        assert attr(page, "#feed > li", "data-kind") == [i["kind"] for i in feed]
        screenshot(page, f"feed-{role.label}")


def test_tie_page_shows_score_components_and_evidence(pages: Pages, explorer: Explorer) -> None:
    rep, contact = explorer.members[Role.REP], best_known_contact(explorer)
    page = pages(Role.REP)
    page.goto(f"{explorer.url}/tie/{rep}/{contact}")
    expect(page.locator("#components")).to_be_visible()
    tie = explorer.gql(Role.REP, "query($m: String!, $c: String!) { tie(memberEmail: $m, "
                       "contactEmail: $c) { strength { score label components { name } } } }",
                       m=rep, c=contact)["tie"]["strength"]  # fmt: skip
    assert page.get_attribute("#score .bar", "data-label") == tie["label"]
    assert float(page.get_attribute("#score .bar", "data-score") or "nan") == tie["score"]
    assert page.locator("#components strong").all_inner_texts() == [
        c["name"] for c in tie["components"]
    ]
    months = explorer.gql(Role.REP, "query($m: String!, $c: String!) { tie(memberEmail: $m, "
                          "contactEmail: $c) { timeline { month total } } }",
                          m=rep, c=contact)["tie"]["timeline"]  # fmt: skip
    assert attr(page, "#timeline .month", "data-month") == [m["month"] for m in months]
    assert attr(page, "#timeline .month", "data-total") == [str(m["total"]) for m in months]
    assert sum(m["total"] for m in months) > 0
    screenshot(page, "tie")


TIMELINES = """query($c: String!, $d: String!, $t: Boolean!) {
  contactTimeline(email: $c, team: $t) { month total counts { kind count } }
  accountTimeline(domain: $d, team: $t) { month total counts { kind count } } }"""


def drawn_months(page: Page) -> list[tuple[str, int, int]]:
    """(month, total, bars) of each month of the page's chart."""
    drawn = page.locator("#timeline .month").evaluate_all(
        "gs => gs.map(g => [g.dataset.month, Number(g.dataset.total), "
        "g.querySelectorAll('rect').length])"
    )
    return [(month, total, bars) for month, total, bars in drawn]


def test_contact_and_account_timelines_are_mine_for_a_rep_and_the_teams_for_a_manager(
    pages: Pages, explorer: Explorer
) -> None:
    contact = best_known_contact(explorer)
    for role, team in [(Role.REP, False), (Role.MANAGER, True)]:
        page = pages(role)
        data = explorer.gql(role, TIMELINES, c=contact, d=ACME, t=team)
        for path, months in [(f"/contact/{contact}", data["contactTimeline"]),
                             (f"/account/{ACME}", data["accountTimeline"])]:  # fmt: skip
            page.goto(explorer.url + path)
            page.wait_for_selector("#timeline-panel #timeline, #timeline-panel .empty")
            assert drawn_months(page) == [
                (m["month"], m["total"], len(m["counts"])) for m in months
            ], (role, path)
            title = "The team's" if team else "My"
            expect(page.locator("section", has=page.locator("#timeline-panel")).locator("h2")
                   ).to_have_text(f"{title} interactions per month")  # fmt: skip
        assert sum(m["total"] for m in data["accountTimeline"]) > 0, role
    mine = explorer.gql(Role.REP, TIMELINES, c=contact, d=ACME, t=False)["accountTimeline"]
    teams = explorer.gql(Role.MANAGER, TIMELINES, c=contact, d=ACME, t=True)["accountTimeline"]
    assert sum(m["total"] for m in mine) < sum(m["total"] for m in teams)
