"""Answers to the product's questions: repository reads combined with pure scoring."""

from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from graph.common import moment as checked_moment
from graph.models import AccountSnapshot, ContactPageKey, ContactTies
from graph.repository import GraphRepository
from scoring.fold import fold_ties
from scoring.policy import IngestPolicy
from scoring.profile import ScoringProfile
from scoring.tie_score import TieScore, score_tie
from scoring.tie_state import TieState
from scoring.timeline import RECENT_WINDOW, MonthCounts, monthly_counts, recently_active
from tiegraph.domain import InteractionKind, InteractionRecord, PersonRef, TieType
from tiegraph.errors import NotFound
from tiegraph.identity import lookup_address


class KnownBy(BaseModel):
    """A team member's scored tie to a contact."""

    model_config = ConfigDict(frozen=True)

    member: PersonRef
    strength: TieScore
    last_interaction_at: datetime | None
    last_two_way_at: datetime | None
    interaction_count: int
    # An interaction in the 90 days before the moment: the coarse recency every role sees.
    recently_active: bool = False
    # This member's score as a percentage of the sum of every member's score for the contact
    # (0 when all score 0), as CRMs show "share of relationship".
    share: float = 0.0


class ContactView(BaseModel):
    """A contact and who on the team knows them, strongest first."""

    model_config = ConfigDict(frozen=True)

    contact: PersonRef
    known_by: tuple[KnownBy, ...]


class AccountView(BaseModel):
    """An account's own facts; its contacts come page by page (`contact_pages`)."""

    model_config = ConfigDict(frozen=True)

    domain: str
    name: str | None
    tier: str | None
    annual_value: float | None


def _account_view(snapshot: AccountSnapshot) -> AccountView:
    return AccountView(domain=snapshot.domain, name=snapshot.name, tier=snapshot.tier,
                       annual_value=snapshot.annual_value)  # fmt: skip


def rank_known_by(
    ties: ContactTies, profile: ScoringProfile, as_of: datetime
) -> tuple[KnownBy, ...]:
    """Score every member's tie to the contact, with each one's share of the team's total,
    and order them strongest first."""
    scores = [(tie, score_tie(tie.state, profile, as_of)) for tie in ties.ties]
    total = sum(score.score for _, score in scores)
    scored = [
        KnownBy(
            member=tie.member,
            strength=score,
            last_interaction_at=tie.state.last_at,
            last_two_way_at=tie.state.last_two_way_at,
            interaction_count=score.evidence.interaction_count,
            recently_active=recently_active(tie.state.last_at, as_of),
            share=share_of(score.score, total),
        )
        for tie, score in scores
    ]
    scored.sort(key=lambda k: (-k.strength.score, k.member.email))
    return tuple(scored)


def share_of(score: float, total: float) -> float:
    """`score` as a percentage of `total`, to 0.1 (0 when the total is 0)."""
    return round(100.0 * score / total, 1) if total > 0 else 0.0


async def who_knows(
    repo: GraphRepository, email: str, firm_domains: Sequence[str], as_of: datetime | None = None
) -> tuple[KnownBy, ...]:
    """The team members who know `email`, strongest first. NotFound for an unknown contact."""
    address = lookup_address(email, "email", firm_domains)
    found = await repo.contact_ties(address)
    if found is None:
        raise NotFound(f"no contact with the address {address}")
    ties, profile = found
    return rank_known_by(ties, profile, as_of or datetime.now(UTC))


async def account_view(repo: GraphRepository, domain: str) -> AccountView:
    """An account by domain. NotFound for an unknown domain."""
    snapshot = await repo.account(domain.strip().lower())
    if snapshot is None:
        raise NotFound(f"no account with the domain {domain.strip().lower()}")
    return _account_view(snapshot)


async def accounts_page(repo: GraphRepository, after: str, limit: int) -> list[AccountView]:
    """Up to `limit` accounts after the domain `after`, in domain order."""
    return [_account_view(s) for s in await repo.accounts_page(after, limit)]


async def contact_pages(
    repo: GraphRepository, pages: Sequence[ContactPageKey], as_of: datetime | None = None
) -> list[tuple[ContactView, ...]]:
    """For each (domain, after, limit): those contacts of the account, each with who knows them
    ranked. Two queries for any number of pages: the contacts, and the profile to score with."""
    found = await repo.account_contacts(pages)
    profile = await repo.scoring_profile()
    now = as_of or datetime.now(UTC)
    return [
        tuple(ContactView(contact=c.contact, known_by=rank_known_by(c, profile, now))
              for c in found[key])
        for key in pages
    ]  # fmt: skip


class TieView(BaseModel):
    """One member-contact tie scored at a moment, with its evidence."""

    model_config = ConfigDict(frozen=True)

    member: PersonRef
    contact: PersonRef
    as_of: datetime
    strength: TieScore
    timeline: tuple[MonthCounts, ...] = ()


def _rebuild_state(
    records: list[InteractionRecord], member: str, contact: str, policy: IngestPolicy
) -> TieState:
    """The tie's state from its interactions alone: exact at any past moment."""
    by_id = {r.external_id: r for r in records}
    fields = fold_ties(records, policy, parents=by_id).get((TieType.KNOWS, member, contact))
    return TieState() if fields is None else TieState(**fields)


def _recent_counts(records: list[InteractionRecord], as_of: datetime) -> dict[InteractionKind, int]:
    counts: dict[InteractionKind, int] = {}
    for record in records:
        if record.occurred_at > as_of - RECENT_WINDOW and not record.is_admin:
            counts[record.kind] = counts.get(record.kind, 0) + 1
    return counts


async def tie_view(
    repo: GraphRepository,
    member_email: str,
    contact_email: str,
    firm_domains: tuple[str, ...],
    as_of: datetime | None = None,
) -> TieView:
    """Score one tie as of a moment (now by default), from the interactions up to then.

    At or after the tie's last interaction the stored state is used, as everywhere else; before
    it, the state is rebuilt from the interactions of that time, so history reads true.
    """
    member = lookup_address(member_email, "memberEmail", firm_domains)
    contact = lookup_address(contact_email, "contactEmail", firm_domains)
    found = await repo.tie(member, contact)
    if found is None:
        raise NotFound(f"no team member {member} or no contact {contact}")
    moment = checked_moment(as_of)
    policy = IngestPolicy(firm_domains=firm_domains, profile=await repo.scoring_profile())
    records = await repo.tie_interactions(member, contact, moment)
    state = found.state or TieState()
    if state.last_at is not None and moment < state.last_at:
        state = _rebuild_state(records, member, contact, policy)
    score = score_tie(state, policy.profile, moment)
    evidence = score.evidence.model_copy(update={"recent_counts": _recent_counts(records, moment)})
    return TieView(member=found.member, contact=found.contact, as_of=moment,
                   strength=score.model_copy(update={"evidence": evidence}),
                   timeline=monthly_counts(records, moment))  # fmt: skip
