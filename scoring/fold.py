"""The one fold from interactions to ties: what a set of interactions makes of every tie it
touches, as the field values of a `TieState` per tie. Pure.

Ingestion folds each batch into deltas it adds to the stored ties; a rescore folds every stored
interaction into totals that replace them; an erasure folds what is left of a person's
interactions; `tie(asOf)` folds one tie's interactions up to a moment. All of them call
`fold_ties`, so an interaction means the same for a tie whichever path reads it.

Real mail repeats the same pairs many times, and the server's per-relationship write cost is the
ceiling, so a fold yields one entry per tie, not one per interaction. The fields stay a plain
dict rather than a `TieState`: building and dumping the model would cost about a tenth of a
rescore's fold.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from scoring.policy import IngestPolicy
from scoring.tie_events import TieEvent, TieKey, pairs, tie_events, tie_key
from scoring.tie_state import add_fields, delta_fields
from tiegraph.domain import InteractionRecord, PersonKind
from tiegraph.identity import person_kind

# The field values of a `TieState`, as `delta_fields` makes them.
TieFields = dict[str, Any]


def person_kinds(
    records: Iterable[InteractionRecord], firm_domains: frozenset[str]
) -> dict[str, PersonKind]:
    """Team member or contact, for every participant of `records`."""
    kinds: dict[str, PersonKind] = {}
    for record in records:
        for participant in record.participants:
            if participant.email not in kinds:
                kinds[participant.email] = person_kind(participant.email, firm_domains)
    return kinds


def tie_keys(record: InteractionRecord, kinds: Mapping[str, PersonKind]) -> set[TieKey]:
    """Every tie one interaction pairs people on, admin touchpoints included."""
    keys = {tie_key(x.email, y.email, kinds) for x, y in pairs(record)}
    return {k for k in keys if k is not None}


def fold_events(
    records: Iterable[InteractionRecord],
    policy: IngestPolicy,
    kinds: Mapping[str, PersonKind] | None = None,
    counted: Mapping[str, set[TieKey]] | None = None,
    parents: Mapping[str, InteractionRecord] | None = None,
) -> dict[TieKey, list[TieEvent]]:
    """Each touched tie's events from `records`, before they are summed (`fold_ties` sums
    them; a backtest keeps them, to sum them again under other half-lives and weights).

    `kinds` (every participant's kind) is worked out from the policy's firm domains when not
    given; `counted` names, per interaction id, the ties an earlier copy of the same message
    already counted (a copy from a second mailbox only adds its newcomers' ties); `parents`
    holds the messages replies answer, for reply times.
    """
    records = list(records)
    if kinds is None:
        kinds = person_kinds(records, policy.firm_domain_set)
    events: dict[TieKey, list[TieEvent]] = defaultdict(list)
    for record in records:
        skip = counted.get(record.external_id, set()) if counted else set()
        parent = (parents or {}).get(record.in_reply_to or "")
        for key, event in tie_events(record, kinds, policy, parent):
            if key not in skip:
                events[key].append(event)
    return events


def fold_ties(
    records: Iterable[InteractionRecord],
    policy: IngestPolicy,
    kinds: Mapping[str, PersonKind] | None = None,
    counted: Mapping[str, set[TieKey]] | None = None,
    parents: Mapping[str, InteractionRecord] | None = None,
) -> dict[TieKey, TieFields]:
    """Each touched tie's state from `records` alone (the arguments are `fold_events`')."""
    events = fold_events(records, policy, kinds, counted, parents)
    return {key: delta_fields(tie, policy.profile) for key, tie in events.items()}


class TieTotals:
    """Several folds summed per tie, so a rescore writes each tie once."""

    def __init__(self) -> None:
        self._ties: dict[TieKey, TieFields] = {}

    def __len__(self) -> int:
        return len(self._ties)

    def keys(self) -> set[TieKey]:
        """Every tie summed so far."""
        return set(self._ties)

    def add(self, folded: Mapping[TieKey, TieFields]) -> None:
        """Sum in one fold's ties, as `fold_ties` returns them."""
        for key, fields in folded.items():
            held = self._ties.setdefault(key, fields)
            if held is not fields:
                add_fields(held, fields)

    def totals(self) -> dict[TieKey, TieFields]:
        """Every tie's total state."""
        return self._ties
