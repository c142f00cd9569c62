"""Departure impact: what happens to coverage if one team member leaves.

One read gathers the contacts the member may hold an active tie to and the accounts they work
at, with the ties there that could be active (`cypher/read/departure_impact`, bounded by
`scoring.reach.ReachBound`: a contact or account the leaver holds no active tie to cannot
be orphaned or weakened). The accounts that would weaken are then read whole
(`cypher/read/account_threads_of`) for their successors, and, only for orphaned contacts nobody
else knows, the people close to them (`cypher/read/close_contacts`). The rules are
`scoring.departure`.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from graph.common import moment, reach_params
from graph.records import (
    primary_account,
    to_account_input,
    to_colleague_ties,
    to_contact_input,
    to_person,
    to_tie_state,
)
from graph.repository import GraphRepository
from scoring.account_health import ACTIVE_LABEL, held_tie
from scoring.departure import (
    AccountImpact,
    CloseContact,
    OrphanedContact,
    account_impact,
    contact_successor,
    is_orphaned,
)
from scoring.profile import ScoringProfile
from scoring.tie_score import quick_score
from tiegraph.domain import PersonRef
from tiegraph.errors import NotFound
from tiegraph.identity import lookup_address


class DepartureImpact(BaseModel):
    """Contacts that would be orphaned and accounts that would weaken, highest value first."""

    model_config = ConfigDict(frozen=True)

    member: PersonRef
    contacts: tuple[OrphanedContact, ...]
    accounts: tuple[AccountImpact, ...]

    @property
    def value_at_risk(self) -> float:
        """The summed annual value of the accounts that would weaken (unknown values as 0)."""
        return sum(a.value_at_risk or 0.0 for a in self.accounts)


def _close(
    items: list[dict[str, Any]], profile: ScoringProfile, at: datetime
) -> list[CloseContact]:
    return [
        CloseContact(
            contact=to_contact_input(item, None),
            tie_score=quick_score(to_tie_state(item["association"]), profile, at).score,
        )
        for item in items
    ]


async def departure_impact(
    repo: GraphRepository,
    member_email: str,
    firm_domains: Sequence[str],
    as_of: datetime | None = None,
) -> DepartureImpact:
    """If `member_email` left at `as_of` (now by default): the contacts left with no active tie
    and the accounts that would become uncovered or single-threaded, each with a suggested
    successor. NotFound for an unknown member."""
    member, at = lookup_address(member_email, "memberEmail", firm_domains), moment(as_of)
    profile = await repo.scoring_profile()
    row = await repo.departure_neighbourhood(member, reach_params(profile, at, ACTIVE_LABEL))
    if row is None:
        raise NotFound(f"no team member {member}")
    colleagues = to_colleague_ties(row["colleagues"])
    contacts = [
        to_contact_input(c, primary_account(c["contact"]["email"], c["accounts"]))
        for c in row["contacts"]
    ]
    orphaned = [c for c in contacts if is_orphaned(c, member, profile, at)]
    # Few contacts are orphaned; their neighbours are read only for them.
    lonely = [c.contact.email for c in orphaned]
    close = await repo.close_contacts(lonely) if lonely else {}
    found = []
    for contact in orphaned:
        mine = next(t for t in contact.ties if t.member.email == member)
        near = _close(close.get(contact.contact.email, []), profile, at)
        found.append(
            OrphanedContact(
                contact=contact.contact,
                account_domain=contact.account_domain,
                leaver_tie=held_tie(mine, profile, at),
                successor=contact_successor(contact, near, member, colleagues, profile, at),
            )
        )
    # The accounts were read with only the ties that could be active: enough to see which
    # weaken. Those are read whole for their successors, which weigh every tie.
    weakened = [
        a["account"]["domain"]
        for a in row["accounts"]
        if account_impact(to_account_input(a), member, colleagues, profile, at)
    ]
    whole = await repo.account_threads_of(weakened) if weakened else {}
    impacts = [
        impact
        for domain in weakened
        if domain in whole
        and (
            impact := account_impact(
                to_account_input(whole[domain]), member, colleagues, profile, at
            )
        )
    ]
    impacts.sort(key=lambda i: (-(i.value_at_risk or 0.0), i.domain))
    found.sort(key=lambda o: (-o.leaver_tie.score, o.contact.email))
    return DepartureImpact(
        member=to_person(row["member"]), contacts=tuple(found), accounts=tuple(impacts)
    )
