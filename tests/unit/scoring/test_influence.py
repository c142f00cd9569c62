"""`scoring.influence.exact_betweenness` against NetworkX's own betweenness, on generated maps.

NetworkX is the reference the influence map promises; our version only changes how the same
recurrences are evaluated (all sources at once in numpy). One difference is by design: two
paths whose lengths are equal up to float rounding count as equally short here (NetworkX
compares its running sums exactly, so ((a + b) + c) and ((a + c) + b) may count once there).
So the maps compared are of two kinds where NetworkX's sums are exact either way: ties of
distinct, arbitrary strengths (no two paths tie), and ties all at the floor score (many paths
tie, each length a sum of one repeated cost).
"""

import math
import random
from itertools import pairwise

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.influence import EXACT_BETWEENNESS_NODES, centrality, exact_betweenness, scored_graph


def _map(seed: int, size: int, floor_only: bool) -> "nx.Graph[str]":
    rng = random.Random(seed)
    people = [f"p{i}@acme.com" for i in range(size)]
    ties = [
        (rng.choice(people), rng.choice(people), 0.0 if floor_only else rng.uniform(1.5, 99.9))
        for _ in range(rng.randint(0, 3 * size))
    ]
    return scored_graph(people, ties)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=40), st.booleans())
def test_exact_betweenness_is_networkx_betweenness(seed: int, size: int, floor: bool) -> None:
    graph = _map(seed, size, floor)
    expected = nx.betweenness_centrality(graph, normalized=True, weight="cost")
    found = exact_betweenness(graph)
    assert found.keys() == expected.keys()
    for node, value in expected.items():
        assert found[node] == pytest.approx(value, rel=1e-9, abs=1e-12), node


def test_equally_strong_paths_share_a_pair() -> None:
    # 0.5 x 0.5 = 0.25: through m or direct, s and t are as strongly connected either way,
    # so m lies on half of their strongest paths, whatever the float sums say.
    graph = scored_graph(["s", "m", "t"], [("s", "m", 50.0), ("m", "t", 50.0), ("s", "t", 25.0)])
    assert exact_betweenness(graph)["m"] == pytest.approx(0.5)


def test_a_broker_between_two_groups_lies_on_every_path_between_them() -> None:
    left = [("l1", x, 80.0) for x in ("l2", "l3")]
    right = [("r1", x, 80.0) for x in ("r2", "r3")]
    bridge = [("l1", "broker", 60.0), ("broker", "r1", 60.0)]
    graph = scored_graph(["l1", "l2", "l3", "r1", "r2", "r3", "broker"], left + right + bridge)
    found = exact_betweenness(graph)
    # The broker lies on the 9 paths between the groups, counted both ways, over the
    # (7 - 1) * (7 - 2) ordered pairs of others; l1 on those of l2 and l3 to the 4 beyond
    # them and between l2 and l3 (9 as well).
    assert found["broker"] == pytest.approx(18 / 30)
    assert found["l1"] == pytest.approx(18 / 30)
    assert found["l2"] == found["r3"] == 0.0


def test_full_strength_ties_still_give_finite_betweenness() -> None:
    # Score 100 is cost 0: a zero-length cycle (a-b-c-a) has no shortest path to count.
    ties = [(a, b, 100.0) for a, b in (("a", "b"), ("b", "c"), ("c", "a"))]
    graph = scored_graph(["a", "b", "c", "d"], [*ties, ("c", "d", 100.0)])
    found = exact_betweenness(graph)
    assert all(math.isfinite(v) for v in found.values())
    assert found["c"] == max(found.values()) > 0


def test_large_maps_are_sampled_and_keep_every_contact() -> None:
    people = [f"p{i}" for i in range(EXACT_BETWEENNESS_NODES + 5)]
    ties = [(a, b, 50.0) for a, b in pairwise(people)]
    nodes = centrality(scored_graph(people, ties))
    assert {n.email for n in nodes} == set(people)
    assert max(nodes, key=lambda n: n.betweenness).email not in (people[0], people[-1])
