"""Account and contact health: one read each, then the pure rules of `scoring.account_health`.

Each answer is one round trip through the repository (`cypher/read/account_health`,
`cypher/read/contact_health`), the scoring profile included; the rows become the rules' inputs
here.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from neo4j.time import Date

from graph.records import to_datetime, to_person, to_tie_state
from graph.repository import GraphRepository
from ingest.parsers.reference import normalise_domain
from scoring import account_health as rules
from scoring.account_health import (
    AccountActivity,
    AccountHealth,
    AccountInput,
    ContactHealth,
    ContactInput,
    TieInput,
)
from scoring.profile import DEFAULT_PROFILE, ScoringProfile
from tiegraph.errors import BadInput, NotFound
from tiegraph.identity import domain_of, normalise_address


def to_date(value: Any) -> date | None:
    """A Python date from a Neo4j Date, a date or an ISO date string (or None).

    The roster import stores `left_on` as a Date; a contact's `left_on` has no importer yet,
    so an ISO string written by hand or by a future CRM import is read too.
    """
    if value is None:
        return None
    if isinstance(value, Date):
        return value.to_native()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    raise TypeError(f"expected a Date, got {type(value).__name__}")


def _profile(raw: str | None) -> ScoringProfile:
    return DEFAULT_PROFILE if raw is None else ScoringProfile.model_validate_json(raw)


def _ties(rows: Sequence[dict[str, Any]]) -> tuple[TieInput, ...]:
    return tuple(
        TieInput(
            member=to_person(row["member"]),
            member_left_on=to_date(row["member"].get("left_on")),
            state=to_tie_state(row["tie"]),
        )
        for row in rows
    )


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
        ties=_ties(ties),
        namesakes=tuple(
            _contact(n["contact"], primary_account(n["contact"]["email"], n["accounts"]), n["ties"])
            for n in namesakes
        ),
    )


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _moment(as_of: datetime | None) -> datetime:
    moment = as_of or datetime.now(UTC)
    if moment.tzinfo is None:
        raise BadInput("needs a time zone", location="asOf")
    return moment.astimezone(UTC)


def _domain(raw: str) -> str:
    try:
        return normalise_domain(raw)
    except ValueError as exc:
        raise BadInput(str(exc), location="domain") from exc


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
    wanted, moment = _domain(domain), _moment(as_of)
    windows = rules.activity_windows(moment)
    rows = await repo.read_rows(
        "read/account_health",
        domain=wanted,
        as_of_ms=_millis(windows.as_of),
        recent_from_ms=_millis(windows.recent_from),
        before_from_ms=_millis(windows.before_from),
        before_to_ms=_millis(windows.before_to),
        latest=windows.latest,
    )
    if not rows:
        raise NotFound(f"no account with the domain {wanted}")
    return rules.account_health(to_account_input(rows[0]), _profile(rows[0]["profile"]), moment)


async def contact_health(
    repo: GraphRepository, email: str, as_of: datetime | None = None
) -> ContactHealth:
    """One contact's health at `as_of`. BadInput for a malformed address, NotFound if unknown."""
    address = normalise_address(email)
    if address is None:
        raise BadInput(f"{email!r} is not an email address", location="email")
    rows = await repo.read_rows("read/contact_health", email=address)
    if not rows:
        raise NotFound(f"no contact with the address {address}")
    row = rows[0]
    contact = _contact(
        row["contact"], primary_account(address, row["accounts"]), row["ties"], row["namesakes"]
    )
    return rules.contact_health(contact, _profile(row["profile"]), _moment(as_of))
