"""Turn a batch of new interaction records into the rows the write queries take. Pure."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ingest.policy import IngestPolicy
from ingest.ties import epoch_millis, fold_ties, tie_keys
from tiegraph.domain import InteractionRecord, PersonKind, TieType
from tiegraph.identity import account_domain, person_kind

Row = dict[str, object]


@dataclass(frozen=True)
class GrownInteraction:
    """A stored interaction and the same one with the participants of a new copy added."""

    stored: InteractionRecord
    merged: InteractionRecord


@dataclass
class PreparedBatch:
    """Everything one write transaction needs, one row per node or tie."""

    team_members: list[Row] = field(default_factory=list)
    contacts: list[Row] = field(default_factory=list)
    interactions: list[Row] = field(default_factory=list)
    extended_interactions: list[Row] = field(default_factory=list)
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


def _contacts(record: InteractionRecord, kinds: dict[str, PersonKind]) -> list[str]:
    return [p.email for p in record.participants if kinds[p.email] is PersonKind.CONTACT]


def _interaction_row(record: InteractionRecord, kinds: dict[str, PersonKind]) -> Row:
    return {
        "id": record.external_id,
        "kind": record.kind.value,
        "occurred_ms": epoch_millis(record.occurred_at),
        "subject": record.subject,
        "source": record.source,
        "is_admin": record.is_admin,
        "in_reply_to": record.in_reply_to,
        "participants": [p.email for p in record.participants],
        "roles": [p.role.value for p in record.participants],
        "responses": _responses(record),
        "contacts": _contacts(record, kinds),
    }


def _responses(record: InteractionRecord) -> list[str]:
    # Neo4j lists cannot hold nulls: "" stands for "no answer recorded".
    return [p.response.value if p.response else "" for p in record.participants]


def _extension_row(record: InteractionRecord, kinds: dict[str, PersonKind]) -> Row:
    return {
        "id": record.external_id,
        "participants": [p.email for p in record.participants],
        "roles": [p.role.value for p in record.participants],
        "responses": _responses(record),
        "contacts": _contacts(record, kinds),
    }


def prepare_batch(
    fresh: Sequence[InteractionRecord],
    policy: IngestPolicy,
    grown: Sequence[GrownInteraction] = (),
    parents: Mapping[str, InteractionRecord] | None = None,
) -> PreparedBatch:
    """Rows for people, accounts, interactions and tie deltas.

    `fresh` are interactions not stored yet; `grown` are stored ones seen again with more
    participants, which only add the ties their newcomers bring.
    """
    merged = [g.merged for g in grown]
    kinds, names = _people([*fresh, *merged], policy.firm_domain_set)
    batch = PreparedBatch()
    for email, kind in sorted(kinds.items()):
        if kind is PersonKind.TEAM_MEMBER:
            batch.team_members.append({"email": email, "name": names[email]})
        else:
            batch.contacts.append(
                {"email": email, "name": names[email], "account": account_domain(email)}
            )
    batch.interactions = [_interaction_row(r, kinds) for r in fresh]
    batch.extended_interactions = [_extension_row(r, kinds) for r in merged]
    counted = {g.merged.external_id: tie_keys(g.stored, kinds) for g in grown}
    folded = fold_ties([*fresh, *merged], kinds, policy, counted, parents)
    batch.ties = {t: rows for t, rows in folded.items() if rows}
    return batch
