"""The influence map inside one account: PageRank, betweenness and strongest paths. Pure.

The graph is the account's contacts and the `ASSOCIATED_WITH` ties among them (people who
appear together), undirected, each tie weighted by its score as a fraction of 100.

- **PageRank** (NetworkX, damping 0.85) on the tie weights: a contact many strong ties point
  to is a hub.
- **Betweenness** (normalised) on the cost `−ln(fraction)`, so a strong tie is a short edge
  and the shortest path is the strongest one (its product of fractions is the highest): a
  contact many strongest paths run through is a broker. Up to `EXACT_BETWEENNESS_NODES`
  contacts it is exact, computed for all sources at once in numpy (`exact_betweenness`:
  NetworkX's per-source Python loop is many times slower); above that it is estimated by
  NetworkX from that many sampled sources (fixed seed: the same graph gives the same answer),
  which keeps a request bounded.
- **Strongest path** between two contacts: Dijkstra on the same cost.

A tie's fraction is floored at `MIN_FRACTION` so a faded tie (score 0) is a long edge, not an
infinite one: people who were seen together are still connected.
"""

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np
from pydantic import BaseModel, ConfigDict
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

PAGERANK_DAMPING = 0.85
MIN_FRACTION = 0.01
EXACT_BETWEENNESS_NODES = 300
SAMPLE_SEED = 7
# Betweenness: a tie of score 100 costs 0, and a zero-length cycle has no shortest paths to
# count; such a tie costs this instead (far below any difference between real path lengths).
MIN_COST = 1e-6
# Two path lengths closer than this (relative, or absolute below 1) are equally short.
PATH_TOLERANCE = 1e-9


class Centrality(BaseModel):
    """One contact's place in the map."""

    model_config = ConfigDict(frozen=True)

    email: str
    pagerank: float
    betweenness: float
    degree: int
    weighted_degree: float


def scored_graph(people: Iterable[str], ties: Iterable[tuple[str, str, float]]) -> "nx.Graph[str]":
    """An undirected graph of `people` with a `weight` (the score as a fraction, floored at
    `MIN_FRACTION`) and a `cost` per (a, b, score 0-100) tie; a tie of one person to
    themselves is left out."""
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(people)
    graph.add_edges_from(
        (a, b, {"weight": fraction, "cost": -math.log(fraction)})
        for a, b, score in ties
        if a != b
        for fraction in (max(score / 100.0, MIN_FRACTION),)
    )
    return graph


def centrality(graph: "nx.Graph[str]") -> list[Centrality]:
    """PageRank and betweenness for every node, highest PageRank first."""
    if graph.number_of_nodes() == 0:
        return []
    ranks = nx.pagerank(graph, alpha=PAGERANK_DAMPING, weight="weight")
    if graph.number_of_nodes() > EXACT_BETWEENNESS_NODES:
        between = nx.betweenness_centrality(
            graph, k=EXACT_BETWEENNESS_NODES, normalized=True, weight="cost", seed=SAMPLE_SEED
        )
    else:
        between = exact_betweenness(graph)
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


def exact_betweenness(graph: "nx.Graph[str]") -> dict[str, float]:
    """Normalised betweenness on `cost`: what `nx.betweenness_centrality(graph,
    normalized=True, weight="cost")` computes (Brandes' path counts and dependencies), with
    every source at once in numpy instead of one Dijkstra per source in Python.

    The distances come from scipy's Dijkstra; a tie is on a shortest path from `s` when the
    distances across it differ by its cost, within `PATH_TOLERANCE` (NetworkX compares its own
    running sums exactly, so two equally strong paths summed in another order can count as
    one there and as two here). Path counts and dependencies are then the fixed points of
    Brandes' two recurrences, reached after as many rounds as the longest shortest path has
    ties.
    """
    nodes = list(graph)
    n = len(nodes)
    if n < 3:  # a path between two others needs three people
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    ties: list[tuple[str, str, float]] = list(graph.edges(data="cost"))
    pairs = [(index[a], index[b], max(c, MIN_COST)) for a, b, c in ties]
    if not pairs:
        return dict.fromkeys(nodes, 0.0)
    # Both directions of every tie: tie e runs from tail[e] to head[e].
    one_way = np.array(pairs, dtype=float).reshape(-1, 3)
    tail = np.concatenate([one_way[:, 0], one_way[:, 1]]).astype(np.intp)
    head = np.concatenate([one_way[:, 1], one_way[:, 0]]).astype(np.intp)
    cost = np.concatenate([one_way[:, 2], one_way[:, 2]])
    dist = dijkstra(csr_matrix((cost, (tail, head)), shape=(n, n)), directed=True)
    # Every (source, tie) with the tie on a shortest path from the source, as flat indices
    # into the n x n tables: `at_tail` is (source, tie's tail), `at_head` (source, tie's head).
    with np.errstate(invalid="ignore"):  # inf - inf for sources that reach neither end
        to_head = dist[:, head]
        on = np.abs(dist[:, tail] + cost - to_head) <= PATH_TOLERANCE * (1.0 + to_head)
    source, tie = np.nonzero(on)
    at_tail, at_head = source * n + tail[tie], source * n + head[tie]
    start = np.eye(n).ravel()
    sigma = _fixed_point(
        lambda s: start + np.bincount(at_head, weights=s[at_tail], minlength=n * n), start
    )
    share = sigma[at_tail] / sigma[at_head]
    delta = _fixed_point(
        lambda d: np.bincount(at_tail, weights=share * (1.0 + d[at_head]), minlength=n * n),
        np.zeros(n * n),
    ).reshape(n, n)
    np.fill_diagonal(delta, 0.0)
    between = delta.sum(axis=0) / ((n - 1) * (n - 2))
    return {node: float(between[i]) for i, node in enumerate(nodes)}


def _fixed_point(step: Callable[[Any], Any], start: Any) -> Any:
    """Apply `step` until nothing changes. The recurrences run along shortest paths, so this
    takes as many rounds as the longest of them has ties, fewer than there are nodes."""
    current = start
    for _ in range(math.isqrt(len(start)) + 1):
        following = step(current)
        if np.array_equal(following, current):
            break
        current = following
    return current


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
    "centrality",
    "exact_betweenness",
    "scored_graph",
    "strongest_path",
]
