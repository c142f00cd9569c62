"""People and scored ties."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry
from strawberry.types import Info

from app.graphql.context import Context
from app.graphql.types.pages import Connection, connection, page_window
from graph.insights import AccountView, ContactView, KnownBy
from scoring import formula
from scoring import strength as scoring
from scoring.explain import ScoreComponent, TieEvidence
from scoring.tie_score import TieScore
from tiegraph.domain import PersonRef

if TYPE_CHECKING:
    from app.graphql.types.health import AccountHealth

# The team members whose ties an object describes; app.auth shows a rep interaction detail only
# when the rep is every one of them.
Holders = tuple[str, ...]

RECENTLY_ACTIVE = (
    "Whether the tie had an interaction in the 90 days before now: the coarse recency every "
    "role sees (a rep reads a colleague's counts over those days, never their dates)."
)

strawberry.enum(scoring.TieLabel, description="The word shown next to a tie's score.")
strawberry.enum(formula.TieTrend, description="Recent pace against the last months'.")


@strawberry.type(description="A person: a team member or a contact.")
class Person:
    email: str
    name: str | None
    team: str | None

    @classmethod
    def from_domain(cls, person: PersonRef) -> Self:
        return cls(email=person.email, name=person.name, team=person.team)


@strawberry.type(description="One part of a score and what it says.")
class Component:
    name: str
    value: float | None = strawberry.field(
        description="Null on a tie the caller may not see in detail (a rep, on a colleague's "
        "tie): some values work back to interaction dates."
    )
    explanation: str | None = strawberry.field(
        description="Null when it would date the interactions of a tie the caller may not see "
        "in detail (a rep, on a colleague's tie)."
    )
    # The team members whose tie this describes: app.auth hides interaction detail by them.
    holders: strawberry.Private[Holders] = ()

    @classmethod
    def from_domain(cls, component: ScoreComponent, holders: Holders = ()) -> Self:
        return cls(name=component.name, value=component.value,
                   explanation=component.explanation, holders=holders)  # fmt: skip


@strawberry.type(description="A count of interactions of one kind.")
class KindCount:
    kind: str
    count: int


def _kind_counts(by_kind: dict[Any, int] | None) -> list[KindCount] | None:
    if by_kind is None:
        return None
    return [KindCount(kind=str(k), count=v) for k, v in sorted(by_kind.items())]


@strawberry.type(description="The facts behind a score.")
class Evidence:
    first_at: datetime | None
    last_at: datetime | None
    last_two_way_at: datetime | None
    interaction_count: int
    declined_count: int
    median_reply: str | None = strawberry.field(description="e.g. 'under 1 hour'")
    counts: list[KindCount] = strawberry.field(description="Lifetime counts by kind.")
    recent_counts: list[KindCount] | None = strawberry.field(
        description="Counts by kind in the 90 days before the score's moment, when scanned."
    )
    holders: strawberry.Private[Holders] = ()

    @classmethod
    def from_domain(cls, evidence: TieEvidence, holders: Holders = ()) -> Self:
        return cls(
            first_at=evidence.first_at, last_at=evidence.last_at,
            last_two_way_at=evidence.last_two_way_at,
            interaction_count=evidence.interaction_count,
            declined_count=evidence.declined_count, median_reply=evidence.median_reply,
            counts=_kind_counts(evidence.counts) or [],
            recent_counts=_kind_counts(evidence.recent_counts), holders=holders,
        )  # fmt: skip


@strawberry.type(description="How strong a tie is: 0-100 for sorting, a label, and why.")
class Strength:
    score: float
    label: scoring.TieLabel
    colour: str
    trend: formula.TieTrend
    components: list[Component]
    evidence: Evidence

    @classmethod
    def from_domain(cls, strength: TieScore, holders: Holders = ()) -> Self:
        """`holders`: the team members whose tie this is (none hides detail from reps)."""
        return cls(
            score=strength.score, label=strength.label, colour=strength.colour,
            trend=strength.trend,
            components=[Component.from_domain(c, holders) for c in strength.components],
            evidence=Evidence.from_domain(strength.evidence, holders),
        )  # fmt: skip


@strawberry.type(description="A team member's tie to a contact.")
class TeamTie:
    member: Person
    strength: Strength
    last_interaction_at: datetime | None
    last_two_way_at: datetime | None
    interaction_count: int
    recently_active: bool = strawberry.field(description=RECENTLY_ACTIVE)
    share: float = strawberry.field(
        description="This member's score as a percentage of all members' scores for the "
        "contact (0-100, to 0.1)."
    )
    holders: strawberry.Private[Holders] = ()

    @classmethod
    def from_domain(cls, known: KnownBy) -> Self:
        holders = (known.member.email,)
        return cls(
            member=Person.from_domain(known.member),
            strength=Strength.from_domain(known.strength, holders),
            last_interaction_at=known.last_interaction_at,
            last_two_way_at=known.last_two_way_at,
            interaction_count=known.interaction_count,
            recently_active=known.recently_active,
            share=known.share,
            holders=holders,
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

    @strawberry.field(description="The account's contacts in email order, each with who knows "
                      "them; one query for the contacts of every account on a page.")  # fmt: skip
    async def contacts(
        self, info: Info[Context, None], first: int = 20, after: str | None = None
    ) -> Connection[ContactTies]:
        start, size = page_window(first, after, info.context.settings.max_page_size)
        views = await info.context.contact_pages.load((self.domain, start, size + 1))
        return connection(views, size, lambda v: v.contact.email, ContactTies.from_domain)

    @strawberry.field(description="The account's health, as accountHealth answers it now "
                      "(managers; null with a FORBIDDEN error for others), so a page of accounts "
                      "comes with their health in one request.")  # fmt: skip
    async def health(
        self, info: Info[Context, None]
    ) -> Annotated["AccountHealth", strawberry.lazy("app.graphql.types.health")] | None:
        from app.graphql.types.health import AccountHealth  # health.py imports this module

        return AccountHealth.from_domain(await info.context.account_health.load(self.domain))

    @classmethod
    def from_domain(cls, view: AccountView) -> Self:
        return cls(domain=view.domain, name=view.name, tier=view.tier,
                   annual_value=view.annual_value)  # fmt: skip
