"""Account and contact health (rules: `scoring.account_health`)."""

from datetime import date, datetime
from typing import Self

import strawberry

from app.graphql.types.enums import SeniorityLevel
from app.graphql.types.ties import Person
from scoring import account_health as rules
from scoring import formula
from scoring import strength as scoring

strawberry.enum(rules.ThreadKind, description="Where an account's only thread runs.")


@strawberry.type(description="A team member's tie to a contact, scored for health.")
class HeldTie:
    member: Person
    score: float
    label: scoring.TieLabel
    trend: formula.TieTrend
    departed: bool = strawberry.field(description="The member has left: the tie does not count.")
    last_interaction_at: datetime | None
    last_two_way_at: datetime | None

    @classmethod
    def from_domain(cls, tie: rules.HeldTie) -> Self:
        return cls(
            member=Person.from_domain(tie.member), score=tie.score, label=tie.label,
            trend=tie.trend, departed=tie.departed, last_interaction_at=tie.last_interaction_at,
            last_two_way_at=tie.last_two_way_at,
        )  # fmt: skip


@strawberry.type(description="A contact with a Moderate or better tie from a current member.")
class ActiveContact:
    contact: Person
    seniority: SeniorityLevel
    holders: list[HeldTie] = strawberry.field(description="Current members, strongest first.")

    @classmethod
    def from_domain(cls, active: rules.ActiveContact) -> Self:
        return cls(
            contact=Person.from_domain(active.contact),
            seniority=SeniorityLevel(active.seniority),
            holders=[HeldTie.from_domain(h) for h in active.holders],
        )


@strawberry.type(description="Active contacts at one seniority level and the members on them.")
class SeniorityCount:
    level: SeniorityLevel
    contacts: int
    members: int

    @classmethod
    def from_domain(cls, count: rules.SeniorityCount) -> Self:
        return cls(
            level=SeniorityLevel(count.level), contacts=count.contacts, members=count.members
        )


@strawberry.type(description="Coverage against the standard of the account's tier.")
class Coverage:
    tier: str | None
    met: bool | None = strawberry.field(description="Null when the tier has no standard.")
    director_or_above: int
    executives: int
    champions: int
    required_director_or_above: int | None
    required_executives: int | None
    required_champions: int | None
    gaps: list[str] = strawberry.field(description="e.g. '2 of 3 active contacts at ...'")

    @classmethod
    def from_domain(cls, coverage: rules.Coverage) -> Self:
        standard = coverage.standard
        return cls(
            tier=coverage.tier, met=coverage.met, director_or_above=coverage.director_or_above,
            executives=coverage.executives, champions=coverage.champions,
            required_director_or_above=(
                None if standard is None else standard.min_active_contacts_at_director_or_above
            ),
            required_executives=None if standard is None else standard.min_executives,
            required_champions=None if standard is None else standard.min_champions,
            gaps=list(coverage.gaps),
        )  # fmt: skip


@strawberry.type(description="The one member and/or contact every active tie runs through.")
class SingleThread:
    by: rules.ThreadKind
    member: Person | None
    contact: Person | None

    @classmethod
    def from_domain(cls, thread: rules.SingleThread) -> Self:
        return cls(
            by=thread.by,
            member=None if thread.member is None else Person.from_domain(thread.member),
            contact=None if thread.contact is None else Person.from_domain(thread.contact),
        )


@strawberry.type(description="Signs that an account is going cold, each with a reason.")
class ColdSigns:
    level: int | None = strawberry.field(
        description="Days-without-two-way mark passed (30, 60, 90 by default), or null."
    )
    last_two_way_at: datetime | None
    days_since_two_way: float | None
    meetings_recent: int
    meetings_before: int = strawberry.field(description="Same 90-day span six months before.")
    meetings_down: bool
    admin_only_lately: bool
    last_interaction_at: datetime | None
    reasons: list[str]

    @classmethod
    def from_domain(cls, cold: rules.ColdReading) -> Self:
        return cls(
            level=cold.level, last_two_way_at=cold.last_two_way_at,
            days_since_two_way=cold.days_since_two_way, meetings_recent=cold.meetings_recent,
            meetings_before=cold.meetings_before, meetings_down=cold.meetings_down,
            admin_only_lately=cold.admin_only_lately,
            last_interaction_at=cold.last_interaction_at, reasons=list(cold.reasons),
        )  # fmt: skip


@strawberry.type(description="The champion criteria for a contact, and what is missing.")
class ChampionCheck:
    is_champion: bool
    initiated_share: float | None
    median_reply: str | None
    brought_colleagues: int
    best_label: scoring.TieLabel | None
    missing: list[str]

    @classmethod
    def from_domain(cls, check: rules.ChampionCheck) -> Self:
        return cls(
            is_champion=check.is_champion, initiated_share=check.initiated_share,
            median_reply=check.median_reply, brought_colleagues=check.brought_colleagues,
            best_label=check.best_label, missing=list(check.missing),
        )  # fmt: skip


@strawberry.type(description="A contact who meets the champion criteria.")
class Champion:
    contact: Person
    seniority: SeniorityLevel
    check: ChampionCheck

    @classmethod
    def from_domain(cls, champion: rules.Champion) -> Self:
        return cls(
            contact=Person.from_domain(champion.contact),
            seniority=SeniorityLevel(champion.seniority),
            check=ChampionCheck.from_domain(champion.check),
        )


@strawberry.type(description="A contact who left an account, and where they went if known.")
class ContactMove:
    person_before: Person
    account_before: str | None
    person_after: Person | None
    account_after: str | None = strawberry.field(description="The opportunity, when known.")
    left_on: date | None
    last_interaction_before: datetime | None
    last_interaction_after: datetime | None
    was_champion: bool = strawberry.field(
        description="A champion there, as of their last interaction at the old address."
    )
    was_key: bool = strawberry.field(
        description="A key contact there (a champion, or a Good-or-better tie with a current "
        "member), as of their last interaction at the old address."
    )
    introducers: list[Person] = strawberry.field(
        description="Current members who knew them at the old address, strongest first."
    )
    reason: str

    @classmethod
    def from_domain(cls, move: rules.Move) -> Self:
        after = move.person_after
        return cls(
            person_before=Person.from_domain(move.person_before),
            account_before=move.account_before,
            person_after=None if after is None else Person.from_domain(after),
            account_after=move.account_after, left_on=move.left_on,
            last_interaction_before=move.last_interaction_before,
            last_interaction_after=move.last_interaction_after,
            was_champion=move.was_champion, was_key=move.was_key,
            introducers=[Person.from_domain(p) for p in move.introducers], reason=move.reason,
        )  # fmt: skip


@strawberry.type(description="An account's coverage, threads, cold signs, champions and moves.")
class AccountHealth:
    domain: str
    name: str | None
    tier: str | None
    annual_value: float | None
    as_of: datetime
    active_contacts: list[ActiveContact]
    by_seniority: list[SeniorityCount]
    holders: list[Person]
    coverage: Coverage
    single_threaded: SingleThread | None
    value_at_risk: float | None = strawberry.field(
        description="The annual value when single-threaded (null if unknown), else 0."
    )
    cold: ColdSigns
    champions: list[Champion]
    rising_advocates: list[ActiveContact]
    departed_champions: list[ContactMove]
    arriving_champions: list[ContactMove]
    departed_key_contacts: list[ContactMove] = strawberry.field(
        description="Every key contact who left (champions included)."
    )
    arriving_key_contacts: list[ContactMove] = strawberry.field(
        description="Every key contact who came from another account (champions included)."
    )

    @classmethod
    def from_domain(cls, health: rules.AccountHealth) -> Self:
        return cls(
            domain=health.domain, name=health.name, tier=health.tier,
            annual_value=health.annual_value, as_of=health.as_of,
            active_contacts=[ActiveContact.from_domain(c) for c in health.active_contacts],
            by_seniority=[SeniorityCount.from_domain(c) for c in health.by_seniority],
            holders=[Person.from_domain(p) for p in health.holders],
            coverage=Coverage.from_domain(health.coverage),
            single_threaded=(
                None if health.single_threaded is None
                else SingleThread.from_domain(health.single_threaded)
            ),
            value_at_risk=health.value_at_risk, cold=ColdSigns.from_domain(health.cold),
            champions=[Champion.from_domain(c) for c in health.champions],
            rising_advocates=[ActiveContact.from_domain(c) for c in health.rising_advocates],
            departed_champions=[ContactMove.from_domain(m) for m in health.departed_champions],
            arriving_champions=[ContactMove.from_domain(m) for m in health.arriving_champions],
            departed_key_contacts=[ContactMove.from_domain(m)
                                   for m in health.departed_key_contacts],
            arriving_key_contacts=[ContactMove.from_domain(m)
                                   for m in health.arriving_key_contacts],
        )  # fmt: skip


@strawberry.type(description="One contact: every tie, champion criteria, trend and moves.")
class ContactHealth:
    contact: Person
    seniority: SeniorityLevel
    account_domain: str | None
    as_of: datetime
    ties: list[HeldTie] = strawberry.field(description="Current members first, strongest first.")
    active: bool
    champion: ChampionCheck
    rising: bool
    moved: ContactMove | None = strawberry.field(description="They left for another account.")
    joined_from: ContactMove | None = strawberry.field(
        description="They came here from another account."
    )

    @classmethod
    def from_domain(cls, health: rules.ContactHealth) -> Self:
        return cls(
            contact=Person.from_domain(health.contact), seniority=SeniorityLevel(health.seniority),
            account_domain=health.account_domain, as_of=health.as_of,
            ties=[HeldTie.from_domain(t) for t in health.ties], active=health.active,
            champion=ChampionCheck.from_domain(health.champion), rising=health.rising,
            moved=None if health.moved is None else ContactMove.from_domain(health.moved),
            joined_from=(
                None if health.joined_from is None else ContactMove.from_domain(health.joined_from)
            ),
        )  # fmt: skip
