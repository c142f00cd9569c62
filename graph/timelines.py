"""Timelines of a contact and of an account: their interactions per month and kind.

Either every interaction (the team's) or only those one member took part in; which one a caller
may ask for is app.auth's decision (a rep: their own). Counting is `scoring.timeline`'s, as for
a tie's timeline.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from graph.common import moment
from graph.records import to_moments
from graph.repository import GraphRepository
from scoring.timeline import MonthCounts, counts_by_month
from tiegraph.errors import NotFound
from tiegraph.identity import lookup_address


async def contact_timeline(
    repo: GraphRepository,
    email: str,
    member_email: str | None,
    firm_domains: Sequence[str],
    as_of: datetime | None = None,
) -> tuple[MonthCounts, ...]:
    """`email`'s interactions per month up to now: all of them (member None) or those the
    member took part in. NotFound for an unknown contact or member."""
    contact = lookup_address(email, "email", firm_domains)
    member = _member(member_email, firm_domains)
    rows = await repo.read_rows("read/contact_timeline", contact=contact, member=member)
    if not rows:
        raise NotFound(f"no contact with the address {contact}")
    return _counted(rows[0], member, as_of)


async def account_timeline(
    repo: GraphRepository,
    domain: str,
    member_email: str | None,
    firm_domains: Sequence[str],
    as_of: datetime | None = None,
) -> tuple[MonthCounts, ...]:
    """The interactions of `domain`'s contacts per month up to now, each counted once: all of
    them (member None) or those the member took part in. NotFound for an unknown account or
    member."""
    account = domain.strip().lower()
    member = _member(member_email, firm_domains)
    rows = await repo.read_rows("read/account_timeline", domain=account, member=member)
    if not rows:
        raise NotFound(f"no account with the domain {account}")
    return _counted(rows[0], member, as_of)


def _member(member_email: str | None, firm_domains: Sequence[str]) -> str | None:
    if member_email is None:
        return None
    return lookup_address(member_email, "memberEmail", firm_domains)


def _counted(
    row: dict[str, Any], member: str | None, as_of: datetime | None
) -> tuple[MonthCounts, ...]:
    if member is not None and not row["member_found"]:
        raise NotFound(f"no team member {member}")
    return counts_by_month(to_moments(row["moments"]), moment(as_of))
