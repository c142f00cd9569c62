"""People and scored ties."""

from datetime import datetime
from typing import Self

import strawberry

from graph.insights import AccountView, ContactView, KnownBy
from scoring import strength as scoring
from scoring.strength import TieStrength
from tiegraph.domain import PersonRef

strawberry.enum(scoring.TieLabel, description="The word shown next to a tie's score.")


@strawberry.type(description="A person: a team member or a contact.")
class Person:
    email: str
    name: str | None
    team: str | None

    @classmethod
    def from_domain(cls, person: PersonRef) -> Self:
        return cls(email=person.email, name=person.name, team=person.team)


@strawberry.type(description="How strong a tie is: 0-100 for sorting, a label and a colour.")
class Strength:
    score: float
    label: scoring.TieLabel
    colour: str

    @classmethod
    def from_domain(cls, strength: TieStrength) -> Self:
        return cls(score=strength.score, label=strength.label, colour=strength.colour)


@strawberry.type(description="A team member's tie to a contact.")
class TeamTie:
    member: Person
    strength: Strength
    last_interaction_at: datetime | None
    last_two_way_at: datetime | None
    interaction_count: int

    @classmethod
    def from_domain(cls, known: KnownBy) -> Self:
        return cls(
            member=Person.from_domain(known.member),
            strength=Strength.from_domain(known.strength),
            last_interaction_at=known.last_interaction_at,
            last_two_way_at=known.last_two_way_at,
            interaction_count=known.interaction_count,
        )


@strawberry.type(description="A contact and the team members who know them, strongest first.")
class ContactTies:
    contact: Person
    known_by: list[TeamTie]

    @classmethod
    def from_domain(cls, view: ContactView) -> Self:
        return cls(
            contact=Person.from_domain(view.contact),
            known_by=[TeamTie.from_domain(k) for k in view.known_by],
        )


@strawberry.type(description="A company, keyed by its email domain.")
class Account:
    domain: str
    name: str | None
    tier: str | None
    annual_value: float | None
    contacts: list[ContactTies]

    @classmethod
    def from_domain(cls, view: AccountView) -> Self:
        return cls(
            domain=view.domain,
            name=view.name,
            tier=view.tier,
            annual_value=view.annual_value,
            contacts=[ContactTies.from_domain(c) for c in view.contacts],
        )
