"""Warm-introduction routes: one bounded read, then the pure ranking of `scoring.routes`.

The read (`cypher/read/warm_intro_routes`) returns the target's neighbourhood only: who knows
the target (or each contact of the target account), the target's associates at the same
account and who knows them, and the requester's own colleague ties. Routes are assembled and
scored here; departed team members are dropped before any route is built.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from graph.common import domain, is_current, moment, page_size, profile_from
from graph.records import to_person, to_tie_state
from graph.repository import GraphRepository
from scoring.profile import ScoringProfile
from scoring.routes import (
    MIN_HOP_SCORE,
    UNACQUAINTED_COLLEAGUE_SCORE,
    Hop,
    HopKind,
    Route,
    best_per_target,
    colleague_score,
    rank_routes,
    route,
)
from scoring.tie_score import TieScore, label_for, score_tie
from scoring.tie_state import TieState
from tiegraph.domain import PersonRef
from tiegraph.errors import BadInput, NotFound
from tiegraph.identity import lookup_address


def _when(score: TieScore) -> str:
    last = score.evidence.last_at
    return f"last interaction {last:%Y-%m-%d}" if last else "no interaction on record"


def _tie_hop(
    source: PersonRef, target: PersonRef, kind: HopKind, score: TieScore, what: str
) -> Hop:
    return Hop(
        source=source,
        target=target,
        kind=kind,
        score=score.score,
        label=score.label,
        evidence=score.evidence,
        explanation=f"{what}: {score.label} ({score.score:g}), {_when(score)}",
    )


class _Scorer:
    """Turns the read's maps into hops, scored at one moment with one profile."""

    def __init__(self, row: dict[str, Any], profile: ScoringProfile, at: datetime) -> None:
        self.requester = to_person(row["requester"])
        self._colleagues = {c["email"]: to_tie_state(c["tie"]) for c in row["colleagues"]}
        self._profile = profile
        self._at = at

    def score(self, state: TieState) -> TieScore:
        return score_tie(state, self._profile, self._at)

    def knowers(self, contact: PersonRef, ties: list[dict[str, Any]]) -> Iterator[Hop]:
        """KNOWS hops into `contact` from current team members, faint ties left out."""
        for tie in ties:
            if not is_current(tie["member"], self._at):
                continue
            member, score = to_person(tie["member"]), self.score(to_tie_state(tie["tie"]))
            if score.score >= MIN_HOP_SCORE:
                what = f"{member.named} knows {contact.named}"
                yield _tie_hop(member, contact, HopKind.KNOWS, score, what)

    def colleague(self, member: PersonRef) -> Hop:
        """The requester -> colleague hop: their WORKS_WITH tie, floored (scoring.routes)."""
        state = self._colleagues.get(member.email)
        tie = None if state is None else self.score(state)
        value = colleague_score(None if tie is None else tie.score)
        label = label_for(value, self._profile).label
        who = f"{self.requester.named} and {member.named}"
        if tie is not None and tie.score >= UNACQUAINTED_COLLEAGUE_SCORE:
            return _tie_hop(self.requester, member, HopKind.WORKS_WITH, tie, f"{who} work together")
        why = "little" if tie is not None else "no"
        return Hop(
            source=self.requester,
            target=member,
            kind=HopKind.COLLEAGUE,
            score=value,
            label=label,
            evidence=None if tie is None else tie.evidence,
            explanation=f"{who} have {why} history together on record; a colleague can "
            f"still be asked, counted as {value:g}",
        )

    def lead_in(self, hop: Hop) -> tuple[Hop, ...]:
        """The hops before a KNOWS hop: none when the requester holds it, else the colleague."""
        return () if hop.source.email == self.requester.email else (self.colleague(hop.source),)


def _associate_routes(scorer: _Scorer, target: PersonRef, item: dict[str, Any]) -> Iterator[Route]:
    for associate in item["associates"]:
        contact = to_person(associate["contact"])
        tie = scorer.score(to_tie_state(associate["tie"]))
        if tie.score < MIN_HOP_SCORE:
            continue
        what = f"{contact.named} and {target.named} work together"
        last = _tie_hop(contact, target, HopKind.ASSOCIATED_WITH, tie, what)
        for knows in scorer.knowers(contact, associate["knowers"]):
            yield route(target, (*scorer.lead_in(knows), knows, last))


def candidate_routes(row: dict[str, Any], profile: ScoringProfile, at: datetime) -> list[Route]:
    """Every route the neighbourhood read allows, unranked."""
    scorer = _Scorer(row, profile, at)
    found: list[Route] = []
    for item in row["targets"]:
        target = to_person(item["contact"])
        for knows in scorer.knowers(target, item["knowers"]):
            found.append(route(target, (*scorer.lead_in(knows), knows)))
        found.extend(_associate_routes(scorer, target, item))
    return found


async def warm_intro_routes(
    repo: GraphRepository,
    requester_email: str,
    firm_domains: Sequence[str],
    target_email: str | None = None,
    target_domain: str | None = None,
    first: int = 5,
    as_of: datetime | None = None,
) -> list[Route]:
    """The best `first` routes from the requester to a person, or (by domain) the best entry
    point per contact into an account, best first. Empty when there is no route; NotFound for
    an unknown requester; BadInput unless exactly one of email and domain is given."""
    if (target_email is None) == (target_domain is None):
        raise BadInput("give exactly one of targetEmail and targetDomain", location="target")
    requester = lookup_address(requester_email, "requesterEmail", firm_domains)
    target = target_email and lookup_address(target_email, "targetEmail", firm_domains)
    account = None if target_domain is None else domain(target_domain, "targetDomain")
    limit, at = page_size(first), moment(as_of)
    row = await repo.warm_intro_neighbourhood(requester, target, account)
    if row is None:
        raise NotFound(f"no team member {requester}")
    routes = candidate_routes(row, profile_from(row["profile"]), at)
    return rank_routes(routes, limit) if target else best_per_target(routes, limit)
