"""Turn a batch of new interaction records into the rows the write queries take. Pure."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.ties import epoch_millis, fold_ties
from tiegraph.domain import InteractionRecord, PersonKind, TieType
from tiegraph.identity import account_domain, person_kind

Row = dict[str, object]


@dataclass
class PreparedBatch:
    """Everything one write transaction needs, one row per node or tie."""

    team_members: list[Row] = field(default_factory=list)
    contacts: list[Row] = field(default_factory=list)
    interactions: list[Row] = field(default_factory=list)
    ties: dict[TieType, list[Row]] = field(default_factory=dict)


def _people(
    records: Sequence[InteractionRecord], firm_domains: frozenset[str]
) -> tuple[dict[str, PersonKind], dict[str, str | None]]:
    kinds: dict[str, PersonKind] = {}
    names: dict[str, str | None] = {}
    for record in records:
        for participant in record.participants:
            kinds.setdefault(participant.email, person_kind(participant.email, firm_domains))
            if names.get(participant.email) is None:
                names[participant.email] = participant.name
    return kinds, names


def _interaction_row(record: InteractionRecord, kinds: dict[str, PersonKind]) -> Row:
    members = [
        {"email": p.email, "role": p.role.value}
        for p in record.participants
        if kinds[p.email] is PersonKind.TEAM_MEMBER
    ]
    return {
        "id": record.external_id,
        "kind": record.kind.value,
        "occurred_ms": epoch_millis(record.occurred_at),
        "subject": record.subject,
        "source": record.source,
        "participants": [p.email for p in record.participants],
        "roles": [p.role.value for p in record.participants],
        "members": members,
    }


def prepare_batch(
    records: Sequence[InteractionRecord], firm_domains: frozenset[str]
) -> PreparedBatch:
    """Rows for people, accounts, interactions and tie deltas of `records` (all new)."""
    kinds, names = _people(records, firm_domains)
    batch = PreparedBatch()
    for email, kind in sorted(kinds.items()):
        if kind is PersonKind.TEAM_MEMBER:
            batch.team_members.append({"email": email, "name": names[email]})
        else:
            batch.contacts.append(
                {"email": email, "name": names[email], "account": account_domain(email)}
            )
    batch.interactions = [_interaction_row(r, kinds) for r in records]
    folded = fold_ties(records, kinds)
    batch.ties = {t: [d.as_row() for d in deltas] for t, deltas in folded.items() if deltas}
    return batch
