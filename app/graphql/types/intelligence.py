"""Warm-intro routes, single threads, influence maps, departure impact and the attention feed."""

from datetime import datetime
from typing import Self

import strawberry

from app.graphql.types.enums import SeniorityLevel, seniority
from app.graphql.types.health import ActiveContact, SingleThread
from app.graphql.types.pages import PageInfo
from app.graphql.types.ties import RECENTLY_ACTIVE, Evidence, Holders, Person
from graph import departure, influence, threads
from scoring import attention, routes
from scoring import departure as departure_rules
from scoring import strength as scoring
from scoring import threads as thread_rules

strawberry.enum(routes.HopKind, description="What a route's hop runs over.")
strawberry.enum(departure_rules.Becomes, description="What an account turns into.")
strawberry.enum(attention.AttentionKind, description="What a feed item is about.")
strawberry.enum(attention.Severity, description="How soon a feed item needs acting on.")


@strawberry.type(description="One step of an intro route: who to whom, how strong, and why.")
class RouteHop:
    source: Person = strawberry.field(name="from")
    target: Person = strawberry.field(name="to")
    kind: routes.HopKind
    score: float
    label: scoring.TieLabel
    evidence: Evidence | None = strawberry.field(
        description="Null for a colleague with no interactions on record."
    )
    explanation: str | None = strawberry.field(
        description="Null on a tie the caller may not see in detail (it dates the last "
        "interaction)."
    )
    holders: strawberry.Private[Holders] = ()

    @classmethod
    def from_domain(cls, hop: routes.Hop) -> Self:
        holders = _hop_holders(hop)
        return cls(
            source=Person.from_domain(hop.source), target=Person.from_domain(hop.target),
            kind=hop.kind, score=hop.score, label=hop.label,
            evidence=None if hop.evidence is None else Evidence.from_domain(hop.evidence, holders),
            explanation=hop.explanation, holders=holders,
        )  # fmt: skip


def _hop_holders(hop: routes.Hop) -> Holders:
    return () if hop.holder is None else (hop.holder,)


@strawberry.type(description="A warm-intro route, ranked by combined strength.")
class IntroRoute:
    target: Person
    hops: list[RouteHop]
    strength: float = strawberry.field(description="Hop scores multiplied as fractions (0-1).")
    weakest_score: float
    stalest_at: datetime | None = strawberry.field(
        description="The last interaction of the route's stalest hop; null unless the caller "
        "may see every hop in detail."
    )
    # Every hop's holders: the stalest moment dates whichever hop it comes from.
    holders: strawberry.Private[Holders] = ()

    @classmethod
    def from_domain(cls, found: routes.Route) -> Self:
        hops = [RouteHop.from_domain(h) for h in found.hops]
        held = all(h.holders for h in hops)
        return cls(
            target=Person.from_domain(found.target), hops=hops,
            strength=found.strength, weakest_score=found.weakest, stalest_at=found.stalest_at,
            holders=tuple(m for h in hops for m in h.holders) if held else (),
        )  # fmt: skip


@strawberry.type(description="A team member suggested to add or take over a thread, and why.")
class Suggestion:
    member: Person
    contact: Person | None
    score: float | None
    label: scoring.TieLabel | None
    reason: str

    @classmethod
    def from_domain(cls, found: thread_rules.Suggestion) -> Self:
        return cls(
            member=Person.from_domain(found.member),
            contact=None if found.contact is None else Person.from_domain(found.contact),
            score=found.score, label=found.label, reason=found.reason,
        )  # fmt: skip


def _suggestion(found: thread_rules.Suggestion | None) -> Suggestion | None:
    return None if found is None else Suggestion.from_domain(found)


@strawberry.type(description="A single-threaded account and who could add a second thread.")
class ThreadedAccount:
    domain: str
    name: str | None
    tier: str | None
    annual_value: float | None
    value_at_risk: float | None
    thread: SingleThread
    active_contacts: list[ActiveContact]
    second_thread: Suggestion | None

    @classmethod
    def from_domain(cls, found: threads.ThreadedAccount) -> Self:
        account, thread = found.threads.account, found.threads.thread
        assert thread is not None  # noqa: S101 - the page holds single-threaded accounts only
        return cls(
            domain=account.domain, name=account.name, tier=account.tier,
            annual_value=account.annual_value, value_at_risk=found.threads.value_at_risk,
            thread=SingleThread.from_domain(thread),
            active_contacts=[ActiveContact.from_domain(c) for c in found.threads.active],
            second_thread=_suggestion(found.second_thread),
        )  # fmt: skip


@strawberry.type
class ThreadedAccountEdge:
    cursor: str
    node: ThreadedAccount


@strawberry.type(description="Single-threaded accounts, highest value at risk first.")
class ThreadedAccountConnection:
    edges: list[ThreadedAccountEdge]
    page_info: PageInfo

    @classmethod
    def from_domain(cls, page: threads.ThreadPage) -> Self:
        return cls(
            edges=[ThreadedAccountEdge(cursor=a.cursor, node=ThreadedAccount.from_domain(a))
                   for a in page.accounts],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )  # fmt: skip


@strawberry.type(description="A contact on the influence map.")
class InfluenceNode:
    contact: Person
    seniority: SeniorityLevel | None
    pagerank: float
    betweenness: float
    degree: int
    weighted_degree: float

    @classmethod
    def from_domain(cls, node: influence.InfluenceNode) -> Self:
        c = node.centrality
        return cls(
            contact=Person.from_domain(node.contact), seniority=seniority(node.seniority),
            pagerank=c.pagerank, betweenness=c.betweenness, degree=c.degree,
            weighted_degree=c.weighted_degree,
        )  # fmt: skip


@strawberry.type(description="A tie between two contacts of the account.")
class InfluenceEdge:
    source: Person
    target: Person
    weight: float = strawberry.field(description="The tie's score, 0-100.")
    label: scoring.TieLabel
    last_interaction_at: datetime | None = strawberry.field(
        description="Null for a rep: a tie between contacts has no holder among the team."
    )
    recently_active: bool = strawberry.field(description=RECENTLY_ACTIVE)
    # No team member holds a contact-contact tie: app.auth hides its dates from reps.
    holders: strawberry.Private[Holders] = ()

    @classmethod
    def from_domain(cls, edge: influence.InfluenceEdge) -> Self:
        return cls(source=Person.from_domain(edge.source), target=Person.from_domain(edge.target),
                   weight=edge.score, label=edge.label, last_interaction_at=edge.last_at,
                   recently_active=edge.recently_active)  # fmt: skip


@strawberry.type(description="An account's contacts (highest PageRank first) and their ties.")
class InfluenceMap:
    domain: str
    name: str | None
    nodes: list[InfluenceNode]
    edges: list[InfluenceEdge]

    @classmethod
    def from_domain(cls, found: influence.InfluenceMap) -> Self:
        return cls(domain=found.domain, name=found.name,
                   nodes=[InfluenceNode.from_domain(n) for n in found.nodes],
                   edges=[InfluenceEdge.from_domain(e) for e in found.edges])  # fmt: skip


@strawberry.type(description="The strongest path between two contacts of one account.")
class InfluencePath:
    domain: str
    people: list[Person]
    edges: list[InfluenceEdge]
    strength: float = strawberry.field(description="Edge scores multiplied as fractions.")
    weakest_score: float | None

    @classmethod
    def from_domain(cls, found: influence.InfluencePath) -> Self:
        return cls(domain=found.domain, people=[Person.from_domain(p) for p in found.people],
                   edges=[InfluenceEdge.from_domain(e) for e in found.edges],
                   strength=found.strength, weakest_score=found.weakest)  # fmt: skip


@strawberry.type(description="A contact who would have no active tie left.")
class OrphanedContact:
    contact: Person
    account_domain: str | None
    leaver_score: float
    leaver_label: scoring.TieLabel
    successor: Suggestion | None

    @classmethod
    def from_domain(cls, found: departure_rules.OrphanedContact) -> Self:
        return cls(contact=Person.from_domain(found.contact),
                   account_domain=found.account_domain, leaver_score=found.leaver_tie.score,
                   leaver_label=found.leaver_tie.label,
                   successor=_suggestion(found.successor))  # fmt: skip


@strawberry.type(description="An account that would become uncovered or single-threaded.")
class AccountImpact:
    domain: str
    name: str | None
    becomes: departure_rules.Becomes
    thread_after: SingleThread | None
    value_at_risk: float | None
    successor: Suggestion | None

    @classmethod
    def from_domain(cls, found: departure_rules.AccountImpact) -> Self:
        thread = found.after.thread
        return cls(domain=found.domain, name=found.name, becomes=found.becomes,
                   thread_after=None if thread is None else SingleThread.from_domain(thread),
                   value_at_risk=found.value_at_risk,
                   successor=_suggestion(found.successor))  # fmt: skip


@strawberry.type(description="What a team member's departure would cost.")
class DepartureImpact:
    member: Person
    contacts: list[OrphanedContact]
    accounts: list[AccountImpact]
    value_at_risk: float

    @classmethod
    def from_domain(cls, found: departure.DepartureImpact) -> Self:
        return cls(member=Person.from_domain(found.member),
                   contacts=[OrphanedContact.from_domain(c) for c in found.contacts],
                   accounts=[AccountImpact.from_domain(a) for a in found.accounts],
                   value_at_risk=found.value_at_risk)  # fmt: skip


@strawberry.type(description="Something to look at, why, and what to do next.")
class AttentionItem:
    kind: attention.AttentionKind
    severity: attention.Severity
    reason: str
    next_step: str
    member: Person | None
    contact: Person | None
    account_domain: str | None
    value_at_risk: float | None
    score: float | None

    @classmethod
    def from_domain(cls, item: attention.AttentionItem) -> Self:
        return cls(
            kind=item.kind, severity=item.severity, reason=item.reason, next_step=item.next_step,
            member=None if item.member is None else Person.from_domain(item.member),
            contact=None if item.contact is None else Person.from_domain(item.contact),
            account_domain=item.account_domain, value_at_risk=item.value_at_risk,
            score=item.score,
        )  # fmt: skip
