"""One tie, scored at a moment."""

from datetime import datetime
from typing import Self

import strawberry

from app.graphql.types.ties import Holders, KindCount, Person, Strength
from graph.insights import TieView
from scoring.timeline import MonthCounts


@strawberry.type(description="Interactions in one calendar month (UTC), by kind.")
class MonthCount:
    month: str = strawberry.field(description="YYYY-MM")
    counts: list[KindCount] = strawberry.field(description="Kinds with at least one.")
    total: int

    @classmethod
    def from_domain(cls, month: MonthCounts) -> Self:
        counts = [KindCount(kind=str(k), count=n) for k, n in month.counts.items()]
        return cls(month=month.month, counts=counts, total=sum(month.counts.values()))


@strawberry.type(description="A team member's tie to a contact as of a moment.")
class Tie:
    member: Person
    contact: Person
    as_of: datetime
    strength: Strength
    timeline: list[MonthCount] | None = strawberry.field(
        description="Interactions per month and kind, from the first month to asOf's, months "
        "without any included. Null when it would date the interactions of a tie the caller "
        "may not see in detail (a rep, on a colleague's tie)."
    )
    holders: strawberry.Private[Holders] = ()

    @classmethod
    def from_domain(cls, view: TieView) -> Self:
        return cls(
            member=Person.from_domain(view.member),
            contact=Person.from_domain(view.contact),
            as_of=view.as_of,
            strength=Strength.from_domain(view.strength, (view.member.email,)),
            timeline=[MonthCount.from_domain(m) for m in view.timeline],
            holders=(view.member.email,),
        )
