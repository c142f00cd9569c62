"""Erasing a contact: the person, their aliases and their place in every interaction go, the
ties they shared an interaction with are rebuilt without them, and their addresses join the
erasure list (as hashes) so ingestion drops them from then on.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from graph.batch import Row, participant_row
from graph.models import ErasurePlan
from graph.records import epoch_ms, reach_rule, tie_rows
from graph.repository import GraphRepository
from scoring.fold import fold_events, fold_ties
from scoring.policy import IngestPolicy
from scoring.tie_events import TieKey
from tiegraph.access import address_hash
from tiegraph.domain import InteractionRecord, TieType
from tiegraph.errors import BadInput
from tiegraph.identity import lookup_address


class ErasureReport(BaseModel):
    """What an erasure did."""

    model_config = ConfigDict(frozen=True)

    address: str
    person_found: bool
    interactions_rewritten: int
    interactions_deleted: int
    ties_rebuilt: int


def strip_addresses(
    records: Iterable[InteractionRecord], gone: set[str]
) -> tuple[list[InteractionRecord], list[str]]:
    """The records without the `gone` participants, and the ids of those left with fewer than
    two people (an interaction with nobody to tie is not kept, as at ingest)."""
    kept: list[InteractionRecord] = []
    deleted: list[str] = []
    for record in records:
        rest = _without(record, gone)
        if len(rest.participants) < 2:
            deleted.append(record.external_id)
        else:
            kept.append(rest)
    return kept, deleted


def _without(record: InteractionRecord, gone: set[str]) -> InteractionRecord:
    rest = tuple(p for p in record.participants if p.email not in gone)
    return record.model_copy(update={"participants": rest})


def touched_ties(records: Sequence[InteractionRecord], policy: IngestPolicy) -> set[TieKey]:
    """Every tie these interactions feed: the ties an erasure must rebuild."""
    return set(fold_events(records, policy))


async def rebuilt_ties(
    repo: GraphRepository, keys: set[TieKey], cleaned: list[InteractionRecord],
    deleted: list[str], gone: set[str], policy: IngestPolicy,
) -> dict[TieType, list[Row]]:  # fmt: skip
    """The touched ties rebuilt from every interaction between their two people: `cleaned`
    replaces the stored form of its interactions, `deleted` ones are left out, and the `gone`
    addresses are taken out of the reply parents (an erasure; a retraction passes none)."""
    pairs = sorted({(a, b) for _, a, b in keys})
    replay = {r.external_id: r for r in await repo.pair_interactions(pairs)} if pairs else {}
    replay.update({r.external_id: r for r in cleaned})
    for ident in deleted:
        replay.pop(ident, None)
    wanted = {r.in_reply_to for r in replay.values() if r.in_reply_to} - replay.keys()
    stored = await repo.stored_interactions(sorted(wanted)) if wanted else {}
    parents = {i: _without(r, gone) for i, r in stored.items()} | replay
    folded = fold_ties(replay.values(), policy, parents=parents)
    return tie_rows({key: fields for key, fields in folded.items() if key in keys})


async def erase_contact(
    repo: GraphRepository, email: str, firm_domains: tuple[str, ...],
    whole_interactions: bool = False, listed: bool = True,
) -> ErasureReport:  # fmt: skip
    """Erase the contact `email` names (directly or as an alias) and list their addresses.

    An address nobody holds is still listed, so it never arrives later. A team member is not
    erased this way (they are part of the firm's roster). With `whole_interactions` (an
    excluded address: ingest/capture.py) every interaction they took part in goes, not only
    their place in it, as capture would not have stored it; without `listed` their addresses
    are not put on the erasure list (the exclusion keeps them out instead, whole).
    """
    address = lookup_address(email, "email", firm_domains)
    target = await repo.erasure_target(address)
    if target is not None and "TeamMember" in target[1]:
        raise BadInput("a team member, not a contact; take them off the roster", location="email")
    person, aliases = (target[0], target[2]) if target else (address, [])
    gone = {address, person, *aliases}
    policy = IngestPolicy(firm_domains=firm_domains, profile=await repo.scoring_profile())
    found = await repo.interactions_with(sorted(gone))
    cleaned, deleted = strip_addresses(found, gone)
    keys = touched_ties(cleaned, policy)
    if whole_interactions:
        cleaned, deleted = [], [r.external_id for r in found]
    ties = await rebuilt_ties(repo, keys, cleaned, deleted, gone, policy)
    plan = ErasurePlan(
        email=person, hashes=tuple(sorted(address_hash(a) for a in gone)) if listed else (),
        erased_ms=epoch_ms(datetime.now(UTC)), rewritten=[participant_row(r) for r in cleaned],
        deleted_interactions=tuple(deleted), pairs=tuple(sorted({(a, b) for _, a, b in keys})),
        ties=ties, rule=reach_rule(policy.profile),
    )  # fmt: skip
    await repo.apply_erasure(plan)
    return ErasureReport(
        address=address, person_found=target is not None, interactions_rewritten=len(cleaned),
        interactions_deleted=len(deleted), ties_rebuilt=sum(len(r) for r in ties.values()),
    )  # fmt: skip


async def restore_address(repo: GraphRepository, email: str, firm_domains: Sequence[str]) -> bool:
    """Take an address off the erasure list (ingest accepts it again); False if it was not on."""
    address = lookup_address(email, "email", firm_domains)
    return await repo.unlist_erased(address_hash(address))
