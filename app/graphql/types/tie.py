"""One tie, scored at a moment."""

from datetime import datetime
from typing import Self

import strawberry

from app.graphql.types.ties import Person, Strength
from graph.insights import TieView


@strawberry.type(description="A team member's tie to a contact as of a moment.")
class Tie:
    member: Person
    contact: Person
    as_of: datetime
    strength: Strength

    @classmethod
    def from_domain(cls, view: TieView) -> Self:
        return cls(
            member=Person.from_domain(view.member),
            contact=Person.from_domain(view.contact),
            as_of=view.as_of,
            strength=Strength.from_domain(view.strength, (view.member.email,)),
        )
