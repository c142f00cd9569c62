"""The capture controls an admin (or, for an opt-out, a member) changes: what tiegraph may store
and show. Each change is stored in the firm's settings first, so ingestion that starts after it
applies it (tiegraph/firm.py holds the rules), and then applied to what is already stored:

- excluding a member's sources: their mailboxes and calendars are not read (a synced record
  carries its `owner`); what their sources delivered is erased, with the ties it fed rebuilt,
  unless another team member took part (then a colleague's mailbox has it too);
- excluding an address or a domain: every stored interaction with them goes, with the person,
  and the ties those interactions fed are rebuilt (ingest/erasure.py), so no answer shows them;
  the address is kept only as a hash, in the settings;
- subjects off: new subjects are dropped and the stored ones removed;
- an opt-out: the member's ties are left out of other people's answers (app/auth.py).
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from graph.firm import firm_domains
from graph.repository import GraphRepository
from ingest.erasure import erase_contact
from ingest.revise import retract
from tiegraph.access import address_hash
from tiegraph.domain import PersonKind
from tiegraph.errors import BadInput
from tiegraph.firm import FirmSettings
from tiegraph.identity import lookup_address, normalise_domain, person_kind

Target = Literal["member", "address", "domain"]


class CaptureChange(BaseModel):
    """What an exclusion or inclusion did."""

    model_config = ConfigDict(frozen=True)

    settings: FirmSettings
    interactions_deleted: int = 0
    people_erased: int = 0


def _with(values: Sequence[str], value: str, present: bool) -> tuple[str, ...]:
    kept = [v for v in values if v != value]
    return tuple(sorted([*kept, value])) if present else tuple(kept)


async def _member(repo: GraphRepository, told: Sequence[str], email: str, field: str) -> str:
    firm = await firm_domains(repo, told)
    member = lookup_address(email, field, firm)
    if person_kind(member, frozenset(firm)) is not PersonKind.TEAM_MEMBER:
        raise BadInput(f"{member} is not on a firm domain ({', '.join(firm)})", location=field)
    return member


async def _contact_address(repo: GraphRepository, told: Sequence[str], email: str) -> str:
    firm = await firm_domains(repo, told)
    address = lookup_address(email, "address", firm)
    if person_kind(address, frozenset(firm)) is PersonKind.TEAM_MEMBER:
        raise BadInput(f"{address} is a team member: exclude their sources (member) or let "
                       "them opt out", location="address")  # fmt: skip
    return address


def _domain(value: str, firm: Sequence[str]) -> str:
    try:
        domain = normalise_domain(value)
    except ValueError as exc:
        raise BadInput(str(exc), location="domain") from exc
    if any(domain == d or domain.endswith("." + d) or d.endswith("." + domain) for d in firm):
        raise BadInput(f"{domain} is the firm's own", location="domain")
    return domain


# `exclude` or `include`, for callers that take either.
Change = Callable[[GraphRepository, Sequence[str], Target, str], Awaitable[CaptureChange]]


async def exclude(
    repo: GraphRepository, told: Sequence[str], target: Target, value: str
) -> CaptureChange:
    """Stop capturing a member's sources, an address or a domain (see the module's doc);
    `told` is TIEGRAPH_FIRM_DOMAINS, checked against the graph's firm."""
    firm = await repo.firm_settings()
    domains = await firm_domains(repo, told)
    addresses: list[str] = []
    if target == "member":
        member = await _member(repo, told, value, "member")
        firm = firm.model_copy(
            update={"excluded_sources": _with(firm.excluded_sources, member, True)}
        )
        await repo.save_firm_settings(firm)
        return await _purge_source(repo, member, domains, firm)
    if target == "address":
        addresses = [await _contact_address(repo, told, value)]
        update = {"excluded_hashes": _with(firm.excluded_hashes, address_hash(addresses[0]), True)}
    else:
        domain = _domain(value, domains)
        update = {"excluded_domains": _with(firm.excluded_domains, domain, True)}
        addresses = await repo.domain_contacts(domain)
    firm = firm.model_copy(update=update)
    await repo.save_firm_settings(firm)  # first: ingestion starting now drops them already
    deleted = erased = 0
    for address in addresses:
        report = await erase_contact(repo, address, domains, whole_interactions=True, listed=False)
        deleted += report.interactions_deleted
        erased += int(report.person_found)
    return CaptureChange(settings=firm, interactions_deleted=deleted, people_erased=erased)


async def _purge_source(
    repo: GraphRepository, member: str, domains: tuple[str, ...], firm: FirmSettings
) -> CaptureChange:
    """Erase what `member`'s own sources delivered in which no other team member took part."""
    members = frozenset(domains)
    only_theirs = [
        r for r in await repo.source_interactions(member)
        if not any(p.email != member and person_kind(p.email, members) is PersonKind.TEAM_MEMBER
                   for p in r.participants)
    ]  # fmt: skip
    await retract(repo, only_theirs, domains)
    return CaptureChange(settings=firm, interactions_deleted=len(only_theirs))


async def include(
    repo: GraphRepository, told: Sequence[str], target: Target, value: str
) -> CaptureChange:
    """Capture a member's sources, an address or a domain again, from now on (what an exclusion
    erased does not come back by itself: ingest it again)."""
    firm = await repo.firm_settings()
    domains = await firm_domains(repo, told)
    if target == "member":
        member = await _member(repo, told, value, "member")
        update = {"excluded_sources": _with(firm.excluded_sources, member, False)}
    elif target == "address":
        # The address as ingestion stores it: that is what an exclusion is checked against.
        hashed = address_hash(lookup_address(value, "address", domains))
        update = {"excluded_hashes": _with(firm.excluded_hashes, hashed, False)}
    else:
        update = {"excluded_domains": _with(firm.excluded_domains, _domain(value, domains), False)}
    firm = firm.model_copy(update=update)
    await repo.save_firm_settings(firm)
    return CaptureChange(settings=firm)


async def store_subjects(repo: GraphRepository, told: Sequence[str], on: bool) -> FirmSettings:
    """Turn storing subjects on or off; off also removes the subjects already stored."""
    await firm_domains(repo, told)
    firm = (await repo.firm_settings()).model_copy(update={"store_subjects": on})
    await repo.save_firm_settings(firm)
    if not on:
        await repo.drop_subjects()
    return firm


async def opt_out(
    repo: GraphRepository, told: Sequence[str], member_email: str, hidden: bool
) -> FirmSettings:
    """Record a member's choice to be left out of other people's answers (or back in)."""
    member = await _member(repo, told, member_email, "member")
    firm = await repo.firm_settings()
    firm = firm.model_copy(update={"opted_out": _with(firm.opted_out, member, hidden)})
    await repo.save_firm_settings(firm)
    return firm
