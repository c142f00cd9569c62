"""Account and contact health: one read each, then the pure rules of `scoring.account_health`.

Each answer is one round trip through the repository (`cypher/read/account_health`,
`cypher/read/contact_health`), the scoring profile included; the rows become the rules' inputs
here.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from graph import common
from graph.records import epoch_ms, tie_inputs, to_date, to_datetime, to_person
from graph.repository import GraphRepository
from scoring import account_health as rules
from scoring.account_health import (
    AccountActivity,
    AccountHealth,
    AccountInput,
    ContactHealth,
    ContactInput,
)
from tiegraph.errors import NotFound
from tiegraph.identity import domain_of


def primary_account(email: str, domains: Sequence[str]) -> str | None:
    """The account a contact is at: the one on their email domain, else the first by name."""
    if domain_of(email) in domains:
        return domain_of(email)
    return min(domains, default=None)


def _contact(
    props: dict[str, Any],
    account: str | None,
    ties: Sequence[dict[str, Any]],
    namesakes: Sequence[dict[str, Any]] = (),
) -> ContactInput:
    return ContactInput(
        contact=to_person(props),
        seniority=props.get("seniority"),
        left_on=to_date(props.get("left_on")),
        account_domain=account,
        ties=tie_inputs(ties),
        namesakes=tuple(
            _contact(n["contact"], primary_account(n["contact"]["email"], n["accounts"]), n["ties"])
            for n in namesakes
        ),
    )


def to_account_input(row: dict[str, Any]) -> AccountInput:
    """The pure rules' input from a `read/account_health` row."""
    props = row["account"]
    domain = props["domain"]
    return AccountInput(
        domain=domain,
        name=props.get("name"),
        tier=props.get("tier"),
        annual_value=props.get("annual_value"),
        contacts=tuple(
            _contact(c["contact"], domain, c["ties"], c["namesakes"]) for c in row["contacts"]
        ),
        activity=AccountActivity(
            last_interaction_at=to_datetime(row["last_interaction_at"]),
            meetings_recent=row["meetings_recent"],
            meetings_before=row["meetings_before"],
            latest_admin=tuple(row["latest_admin"]),
        ),
    )


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
    repo: GraphRepository, email: str, as_of: datetime | None = None
) -> ContactHealth:
    """One contact's health at `as_of`. BadInput for a malformed address, NotFound if unknown."""
    address = common.address(email, "email")
    rows = await repo.read_rows("read/contact_health", email=address)
    if not rows:
        raise NotFound(f"no contact with the address {address}")
    row = rows[0]
    contact = _contact(
        row["contact"], primary_account(address, row["accounts"]), row["ties"], row["namesakes"]
    )
    return rules.contact_health(contact, common.profile_from(row["profile"]), common.moment(as_of))
