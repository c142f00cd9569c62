"""Warm-introduction routes: hops, their strength as fractions, and the ranking. Pure.

A route runs from the requester to a target contact through at most two intermediaries:

- direct: the requester knows the target (`KNOWS`);
- via a colleague: requester -> colleague (`WORKS_WITH`) -> target (`KNOWS`);
- via a contact: requester -> colleague -> contact at the target's account (`KNOWS`) -> target
  (`ASSOCIATED_WITH`). The requester may be their own "colleague" here (they know the contact
  next to the target themselves), which makes a two-hop route.

Each hop's strength is its tie score (0-100) read as a fraction. A colleague the requester has
no `WORKS_WITH` tie with (or only a faint one) can still be asked, since they share the firm:
that hop counts as `UNACQUAINTED_COLLEAGUE_SCORE`. Routes are ranked by the product of their
fractions (combined strength), then by their weakest hop, then by recency: the route whose
stalest hop was last used most recently comes first. Ties in all three fall back to the
people's addresses, so the order is stable.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from math import prod

from pydantic import BaseModel, ConfigDict

from scoring.explain import TieEvidence
from scoring.strength import TieLabel
from tiegraph.domain import PersonRef

# A colleague the requester never worked with is still one message away (same firm), but the
# ask is cold: scored as a Weak tie (the bottom of the Weak band). A real tie scores its own
# value when stronger than this.
UNACQUAINTED_COLLEAGUE_SCORE = 20.0
# Below this a hop is too faint to carry an introduction at all (a Minimal tie of one email
# years ago): such ties are not used as hops.
MIN_HOP_SCORE = 1.0

_EPOCH = datetime.min.replace(tzinfo=UTC)


class HopKind(StrEnum):
    """What kind of tie a hop runs over."""

    KNOWS = "knows"  # team member -> contact
    WORKS_WITH = "works_with"  # requester -> colleague, from their own interactions
    COLLEAGUE = "colleague"  # requester -> colleague with no tie on record: same firm only
    ASSOCIATED_WITH = "associated_with"  # contact -> contact at the same account


class Hop(BaseModel):
    """One step of a route, with the tie's score, label and evidence (none for `COLLEAGUE`)."""

    model_config = ConfigDict(frozen=True)

    source: PersonRef
    target: PersonRef
    kind: HopKind
    score: float
    label: TieLabel
    evidence: TieEvidence | None
    explanation: str

    @property
    def fraction(self) -> float:
        """The score as a fraction of 100, the unit hops multiply in."""
        return self.score / 100.0

    @property
    def holder(self) -> str | None:
        """The team member whose tie the hop runs over (the source; a colleague hop's tie is
        the requester's), None for a tie between two contacts."""
        return None if self.kind is HopKind.ASSOCIATED_WITH else self.source.email

    @property
    def last_at(self) -> datetime | None:
        """The hop's last interaction, None for an assumed colleague hop."""
        return None if self.evidence is None else self.evidence.last_at


class Route(BaseModel):
    """A route from the requester to a target, hop by hop, with its ranking figures."""

    model_config = ConfigDict(frozen=True)

    target: PersonRef
    hops: tuple[Hop, ...]
    strength: float
    weakest: float
    stalest_at: datetime | None


def route(target: PersonRef, hops: Iterable[Hop]) -> Route:
    """A route over `hops`: combined strength (product of fractions, as a fraction), weakest
    hop (score) and the last interaction of its stalest hop."""
    steps = tuple(hops)
    moments = [h.last_at for h in steps]
    stalest = None if any(m is None for m in moments) else min(m for m in moments if m)
    return Route(
        target=target,
        hops=steps,
        strength=prod(h.fraction for h in steps),
        weakest=min(h.score for h in steps),
        stalest_at=stalest,
    )


def rank_key(candidate: Route) -> tuple[float, float, float, tuple[str, ...]]:
    """Sort key: strongest product first, then strongest weakest hop, then most recent."""
    recency = (candidate.stalest_at or _EPOCH).timestamp()
    people = tuple(h.target.email for h in candidate.hops)
    return -candidate.strength, -candidate.weakest, -recency, people


def rank_routes(routes: Iterable[Route], first: int) -> list[Route]:
    """The best `first` routes, best first."""
    return sorted(routes, key=rank_key)[: max(first, 0)]


def best_per_target(routes: Iterable[Route], first: int) -> list[Route]:
    """One route per target (its best), the best `first` of those: entry points to an account."""
    best: dict[str, Route] = {}
    for candidate in sorted(routes, key=rank_key):
        best.setdefault(candidate.target.email, candidate)
    return rank_routes(best.values(), first)


def colleague_score(works_with_score: float | None) -> float:
    """The requester -> colleague hop: their own tie, never below the unacquainted floor."""
    if works_with_score is None:
        return UNACQUAINTED_COLLEAGUE_SCORE
    return max(works_with_score, UNACQUAINTED_COLLEAGUE_SCORE)


__all__ = [
    "MIN_HOP_SCORE",
    "UNACQUAINTED_COLLEAGUE_SCORE",
    "Hop",
    "HopKind",
    "Route",
    "best_per_target",
    "colleague_score",
    "rank_key",
    "rank_routes",
    "route",
]
