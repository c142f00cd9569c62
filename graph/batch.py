"""Turn a batch of new interaction records into the rows the write queries take. Pure."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graph.records import epoch_ms, reach_rule, tie_rows
from scoring.fold import fold_ties, person_kinds, tie_keys
from scoring.policy import IngestPolicy
from tiegraph.domain import InteractionRecord, PersonKind, TieType
from tiegraph.identity import account_domain

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
    # The tie writes' `$rule` (`graph.records.reach_rule`) for the profile that folded `ties`.
    rule: dict[str, object] = field(default_factory=dict)


def _names(records: Sequence[InteractionRecord]) -> dict[str, str | None]:
    names: dict[str, str | None] = {}
    for record in records:
        for participant in record.participants:
            if names.get(participant.email) is None:
                names[participant.email] = participant.name
    return names


def contacts_of(record: InteractionRecord, kinds: Mapping[str, PersonKind]) -> list[str]:
    """The interaction's participants who are contacts (its INVOLVES links)."""
    return [p.email for p in record.participants if kinds[p.email] is PersonKind.CONTACT]


def _responses(record: InteractionRecord) -> list[str]:
    # Neo4j lists cannot hold nulls: "" stands for "no answer recorded".
    return [p.response.value if p.response else "" for p in record.participants]


def participant_row(record: InteractionRecord) -> Row:
    """The interaction's id and who took part, in what role, with what answer: the row an
    interaction's participant links are (re)written from."""
    return {
        "id": record.external_id,
        "participants": [p.email for p in record.participants],
        "roles": [p.role.value for p in record.participants],
        "responses": _responses(record),
    }


def interaction_row(record: InteractionRecord, kinds: Mapping[str, PersonKind]) -> Row:
    """The row `ingest/create_interactions` (and the bulk load's files) write a new
    interaction from, with the contacts it links."""
    return {
        **participant_row(record),
        "kind": record.kind.value,
        "occurred_ms": epoch_ms(record.occurred_at),
        "subject": record.subject,
        "source": record.source,
        "owner": record.owner,
        "is_admin": record.is_admin,
        "in_reply_to": record.in_reply_to,
        "contacts": contacts_of(record, kinds),
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
    everything = [*fresh, *merged]
    kinds = person_kinds(everything, policy.firm_domain_set)
    names = _names(everything)
    batch = PreparedBatch()
    for email, kind in sorted(kinds.items()):
        if kind is PersonKind.TEAM_MEMBER:
            batch.team_members.append({"email": email, "name": names[email]})
        else:
            batch.contacts.append(
                {"email": email, "name": names[email], "account": account_domain(email)}
            )
    batch.interactions = [interaction_row(r, kinds) for r in fresh]
    batch.extended_interactions = [
        {**participant_row(r), "contacts": contacts_of(r, kinds)} for r in merged
    ]
    counted = {g.merged.external_id: tie_keys(g.stored, kinds) for g in grown}
    folded = fold_ties(everything, policy, kinds, counted, parents)
    batch.ties = {t: rows for t, rows in tie_rows(folded).items() if rows}
    batch.rule = reach_rule(policy.profile)
    return batch
