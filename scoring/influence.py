"""The influence map inside one account: PageRank, betweenness and strongest paths. Pure.

The graph is the account's contacts and the `ASSOCIATED_WITH` ties among them (people who
appear together), undirected, each tie weighted by its score as a fraction of 100.

- **PageRank** (NetworkX, damping 0.85) on the tie weights: a contact many strong ties point
  to is a hub.
- **Betweenness** (normalised) on the cost `−ln(fraction)`, so a strong tie is a short edge
  and the shortest path is the strongest one (its product of fractions is the highest): a
  contact many strongest paths run through is a broker. Above `EXACT_BETWEENNESS_NODES`
  contacts it is estimated from that many sampled sources (fixed seed: the same graph gives
  the same answer), which keeps a request bounded.
- **Strongest path** between two contacts: Dijkstra on the same cost.

A tie's fraction is floored at `MIN_FRACTION` so a faded tie (score 0) is a long edge, not an
infinite one: people who were seen together are still connected.
"""

import math
from collections.abc import Iterable, Sequence

import networkx as nx
from pydantic import BaseModel, ConfigDict

PAGERANK_DAMPING = 0.85
MIN_FRACTION = 0.01
EXACT_BETWEENNESS_NODES = 300
SAMPLE_SEED = 7


class WeightedTie(BaseModel):
    """A tie between two people (by address) with its score, 0-100."""

    model_config = ConfigDict(frozen=True)

    a: str
    b: str
    score: float

    @property
    def fraction(self) -> float:
        """The score as a fraction, floored at MIN_FRACTION."""
        return max(self.score / 100.0, MIN_FRACTION)


class Centrality(BaseModel):
    """One contact's place in the map."""

    model_config = ConfigDict(frozen=True)

    email: str
    pagerank: float
    betweenness: float
    degree: int
    weighted_degree: float


def tie_graph(people: Iterable[str], ties: Iterable[WeightedTie]) -> "nx.Graph[str]":
    """An undirected graph of `people` with a `weight` (fraction) and `cost` per tie."""
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(people)
    for tie in ties:
        if tie.a != tie.b:
            graph.add_edge(tie.a, tie.b, weight=tie.fraction, cost=-math.log(tie.fraction))
    return graph


def centrality(graph: "nx.Graph[str]") -> list[Centrality]:
    """PageRank and betweenness for every node, highest PageRank first."""
    if graph.number_of_nodes() == 0:
        return []
    ranks = nx.pagerank(graph, alpha=PAGERANK_DAMPING, weight="weight")
    sample = None
    if graph.number_of_nodes() > EXACT_BETWEENNESS_NODES:
        sample = EXACT_BETWEENNESS_NODES
    between = nx.betweenness_centrality(
        graph, k=sample, normalized=True, weight="cost", seed=SAMPLE_SEED
    )
    found = [
        Centrality(
            email=node,
            pagerank=ranks[node],
            betweenness=between[node],
            degree=graph.degree(node),
            weighted_degree=float(graph.degree(node, weight="weight")),
        )
        for node in graph.nodes
    ]
    return sorted(found, key=lambda c: (-c.pagerank, c.email))


def strongest_path(graph: "nx.Graph[str]", source: str, target: str) -> Sequence[str] | None:
    """The people on the strongest path from `source` to `target`, or None without one."""
    if source not in graph or target not in graph:
        return None
    try:
        path: list[str] = nx.dijkstra_path(graph, source, target, weight="cost")
    except nx.NetworkXNoPath:
        return None
    return path


__all__ = [
    "EXACT_BETWEENNESS_NODES",
    "MIN_FRACTION",
    "PAGERANK_DAMPING",
    "Centrality",
    "WeightedTie",
    "centrality",
    "strongest_path",
    "tie_graph",
]
