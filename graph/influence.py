"""The influence map of one account and the strongest path between two of its contacts.

One read projects the account's subgraph (its contacts and the `ASSOCIATED_WITH` ties among
them, `cypher/read/influence_map`); the ties are scored here and NetworkX runs on that small
graph only (`scoring.influence`), never on the whole database.
"""

from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

from pydantic import BaseModel, ConfigDict

from graph.common import domain, moment, profile_from
from graph.records import to_person, to_tie_state
from graph.repository import GraphRepository
from scoring.influence import Centrality, centrality, scored_graph, strongest_path
from scoring.strength import TieLabel
from scoring.tie_score import label_for, shown_score
from scoring.timeline import recently_active
from tiegraph.domain import PersonRef
from tiegraph.errors import BadInput, NotFound
from tiegraph.identity import lookup_address


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class InfluenceNode(_Frozen):
    """A contact on the map with its centrality."""

    contact: PersonRef
    seniority: str | None
    centrality: Centrality


class InfluenceEdge(_Frozen):
    """A scored tie between two contacts of the account."""

    source: PersonRef
    target: PersonRef
    last_at: datetime | None
    recently_active: bool
    score: float
    label: TieLabel


class InfluenceMap(_Frozen):
    """An account's contacts (highest PageRank first) and the ties among them."""

    domain: str
    name: str | None
    nodes: tuple[InfluenceNode, ...]
    edges: tuple[InfluenceEdge, ...]


class InfluencePath(_Frozen):
    """The strongest path between two contacts: the people on it and each tie along it."""

    domain: str
    people: tuple[PersonRef, ...]
    edges: tuple[InfluenceEdge, ...]
    strength: float
    weakest: float | None


def _edges(row: dict[str, Any], at: datetime) -> list[InfluenceEdge]:
    profile = profile_from(row["profile"])
    people = {c["email"]: to_person(c) for c in row["contacts"]}
    edges = []
    for tie in row["ties"]:
        # Score and label only, as quick_score rounds and labels them: neither the explanation
        # of score_tie nor the trend of quick_score is shown on a map (a sixth of its time).
        state = to_tie_state(tie["tie"])
        score = shown_score(state, profile, at)
        edges.append(
            InfluenceEdge(
                source=people[tie["a"]],
                target=people[tie["b"]],
                last_at=state.last_at,
                recently_active=recently_active(state.last_at, at),
                score=score,
                label=label_for(score, profile).label,
            )
        )
    return sorted(edges, key=lambda e: (-e.score, e.source.email, e.target.email))


def _graph(row: dict[str, Any], edges: list[InfluenceEdge]) -> Any:
    ties = ((e.source.email, e.target.email, e.score) for e in edges)
    return scored_graph((c["email"] for c in row["contacts"]), ties)


async def _read(repo: GraphRepository, wanted: str) -> dict[str, Any]:
    row = await repo.influence_map(wanted)
    if row is None:
        raise NotFound(f"no account with the domain {wanted}")
    return row


async def influence_map(
    repo: GraphRepository, account_domain: str, as_of: datetime | None = None
) -> InfluenceMap:
    """The account's contacts with PageRank and betweenness, and the scored ties among them.
    BadInput for a malformed domain, NotFound for an unknown one."""
    row = await _read(repo, domain(account_domain))
    edges = _edges(row, moment(as_of))
    people = {c["email"]: c for c in row["contacts"]}
    nodes = tuple(
        InfluenceNode(
            contact=to_person(people[c.email]),
            seniority=people[c.email].get("seniority"),
            centrality=c,
        )
        for c in centrality(_graph(row, edges))
    )
    account = row["account"]
    return InfluenceMap(
        domain=account["domain"], name=account.get("name"), nodes=nodes, edges=tuple(edges)
    )


async def influence_path(
    repo: GraphRepository,
    from_email: str,
    to_email: str,
    firm_domains: Sequence[str],
    as_of: datetime | None = None,
) -> InfluencePath | None:
    """The strongest path between two contacts inside the account they share (None when the
    ties do not connect them). NotFound for an unknown contact; BadInput when they share no
    account."""
    source = lookup_address(from_email, "fromEmail", firm_domains)
    target = lookup_address(to_email, "toEmail", firm_domains)
    found = await repo.shared_accounts(source, target)
    for known, who in ((found["source_known"], source), (found["target_known"], target)):
        if not known:
            raise NotFound(f"no contact with the address {who}")
    if not found["shared"]:
        raise BadInput(f"{source} and {target} do not work at the same account", location="toEmail")
    row = await _read(repo, min(found["shared"]))
    edges = _edges(row, moment(as_of))
    path = strongest_path(_graph(row, edges), source, target)
    if path is None:
        return None
    by_pair = {frozenset((e.source.email, e.target.email)): e for e in edges}
    people = {c["email"]: to_person(c) for c in row["contacts"]}
    # Each tie is stored once per pair; along the path it reads in the path's direction.
    steps = tuple(
        by_pair[frozenset((x, y))].model_copy(update={"source": people[x], "target": people[y]})
        for x, y in pairwise(path)
    )
    strength = 1.0
    for step in steps:
        strength *= step.score / 100.0
    return InfluencePath(
        domain=row["account"]["domain"],
        people=tuple(people[p] for p in path),
        edges=steps,
        strength=strength,
        weakest=min((s.score for s in steps), default=None),
    )
