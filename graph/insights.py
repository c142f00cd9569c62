"""Answers to the product's questions: repository reads combined with pure scoring."""

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from graph.models import ContactTies
from graph.repository import GraphRepository
from scoring.profile import ScoringProfile
from scoring.tie_model import TieScore, score_tie
from tiegraph.domain import PersonRef
from tiegraph.errors import BadInput, NotFound
from tiegraph.identity import normalise_address


class KnownBy(BaseModel):
    """A team member's scored tie to a contact."""

    model_config = ConfigDict(frozen=True)

    member: PersonRef
    strength: TieScore
    last_interaction_at: datetime | None
    last_two_way_at: datetime | None
    interaction_count: int


class ContactView(BaseModel):
    """A contact and who on the team knows them, strongest first."""

    model_config = ConfigDict(frozen=True)

    contact: PersonRef
    known_by: tuple[KnownBy, ...]


class AccountView(BaseModel):
    """An account with its contacts, each with who knows them."""

    model_config = ConfigDict(frozen=True)

    domain: str
    name: str | None
    tier: str | None
    annual_value: float | None
    contacts: tuple[ContactView, ...]


def rank_known_by(
    ties: ContactTies, profile: ScoringProfile, as_of: datetime
) -> tuple[KnownBy, ...]:
    """Score every member's tie to the contact and order them strongest first."""
    scored = []
    for tie in ties.ties:
        score = score_tie(tie.state, profile, as_of)
        scored.append(
            KnownBy(
                member=tie.member,
                strength=score,
                last_interaction_at=tie.state.last_at,
                last_two_way_at=tie.state.last_two_way_at,
                interaction_count=score.evidence.interaction_count,
            )
        )
    scored.sort(key=lambda k: (-k.strength.score, k.member.email))
    return tuple(scored)


def _address(raw: str, field: str) -> str:
    address = normalise_address(raw)
    if address is None:
        raise BadInput(f"{raw!r} is not an email address", location=field)
    return address


async def who_knows(
    repo: GraphRepository, email: str, as_of: datetime | None = None
) -> tuple[KnownBy, ...]:
    """The team members who know `email`, strongest first. NotFound for an unknown contact."""
    address = _address(email, "email")
    ties = await repo.contact_ties(address)
    if ties is None:
        raise NotFound(f"no contact with the address {address}")
    profile = await repo.scoring_profile()
    return rank_known_by(ties, profile, as_of or datetime.now(UTC))


async def account_view(
    repo: GraphRepository, domain: str, as_of: datetime | None = None
) -> AccountView:
    """An account with its contacts and who knows each. NotFound for an unknown domain."""
    snapshot = await repo.account(domain.strip().lower())
    if snapshot is None:
        raise NotFound(f"no account with the domain {domain.strip().lower()}")
    now = as_of or datetime.now(UTC)
    profile = await repo.scoring_profile()
    contacts = tuple(
        ContactView(contact=c.contact, known_by=rank_known_by(c, profile, now))
        for c in sorted(snapshot.contacts, key=lambda c: c.contact.email)
    )
    return AccountView(
        domain=snapshot.domain,
        name=snapshot.name,
        tier=snapshot.tier,
        annual_value=snapshot.annual_value,
        contacts=contacts,
    )
