"""Account and contact health: one read each, then the pure rules of `scoring.account_health`.

Each answer is one round trip through the repository (`cypher/read/account_health`,
`cypher/read/contact_health`), the scoring profile included; the rows become the rules' inputs
here.
"""

from collections.abc import Sequence
from datetime import datetime

from graph import common
from graph.records import epoch_ms, primary_account, to_account_input, to_contact_input
from graph.repository import GraphRepository
from scoring import account_health as rules
from scoring.account_health import (
    AccountHealth,
    ContactHealth,
)
from tiegraph.errors import NotFound
from tiegraph.identity import lookup_address


async def account_health(
    repo: GraphRepository, domain: str, as_of: datetime | None = None
) -> AccountHealth:
    """An account's health (coverage, threads, cold signs, champions, moves) at `as_of`.

    `domain` may be written as a URL or "@acme.com"; BadInput when it is not a domain,
    NotFound when no account has it.
    """
    wanted, moment = common.domain(domain), common.moment(as_of)
    windows = rules.activity_windows(moment)
    rows = await repo.read_rows(
        "read/account_health",
        domain=wanted,
        as_of_ms=epoch_ms(windows.as_of),
        recent_from_ms=epoch_ms(windows.recent_from),
        before_from_ms=epoch_ms(windows.before_from),
        before_to_ms=epoch_ms(windows.before_to),
        latest=windows.latest,
    )
    if not rows:
        raise NotFound(f"no account with the domain {wanted}")
    return rules.account_health(
        to_account_input(rows[0]), common.profile_from(rows[0]["profile"]), moment
    )


async def contact_health(
    repo: GraphRepository, email: str, firm_domains: Sequence[str], as_of: datetime | None = None
) -> ContactHealth:
    """One contact's health at `as_of`. BadInput for a malformed address, NotFound if unknown."""
    address = lookup_address(email, "email", firm_domains)
    rows = await repo.read_rows("read/contact_health", email=address)
    if not rows:
        raise NotFound(f"no contact with the address {address}")
    row = rows[0]
    contact = to_contact_input(row, primary_account(address, row["accounts"]))
    return rules.contact_health(contact, common.profile_from(row["profile"]), common.moment(as_of))
