"""Fold a batch of interactions into per-tie state deltas, before anything touches the database.

Real mail repeats the same pairs many times, and the server's per-relationship write cost is the
ceiling, so a batch writes one row per tie, not one per interaction. The model that turns events
into state is `scoring.tie_model`; this module only groups and serialises.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, cast

from graph.records import epoch_ms
from ingest.policy import IngestPolicy
from ingest.tie_events import TieKey, pairs, tie_events, tie_key
from scoring.tie_model import TieEvent, delta_fields
from tiegraph.domain import InteractionRecord, PersonKind, TieType

Row = dict[str, object]
_TIMES = {"first_at", "last_at", "last_two_way_at"}


def epoch_millis(when: datetime | None) -> int | None:
    """`graph.records.epoch_ms`, or None: the write queries take times as epoch millis, because
    the Python driver packs a datetime about ten times slower than an int (measured: 2,000
    datetimes 193 ms, 2,000 ints 22 ms) and the write path sends one per interaction and tie.
    """
    return None if when is None else epoch_ms(when)


def fields_row(key: TieKey, fields: dict[str, Any]) -> Row:
    """The UNWIND row `merge_ties.cypher` expects for one tie's delta, from the fields of a
    `TieState` (`scoring.tie_model.delta_fields`, or `model_dump()`): the additive fields as one
    map (a new tie takes it whole) and the times as epoch millis. Takes the times out of
    `fields`, which becomes the row's map."""
    times = {name: fields.pop(name) for name in _TIMES}
    return {
        "a": key[1],
        "b": key[2],
        "sums": fields,
        "first_ms": epoch_millis(times["first_at"]),
        "last_ms": epoch_millis(times["last_at"]),
        "last_two_way_ms": epoch_millis(times["last_two_way_at"]),
    }


def tie_keys(record: InteractionRecord, kinds: Mapping[str, PersonKind]) -> set[TieKey]:
    """Every tie one interaction touches."""
    keys = {tie_key(x.email, y.email, kinds) for x, y in pairs(record)}
    return {k for k in keys if k is not None}


def fold_ties(
    records: Iterable[InteractionRecord],
    kinds: Mapping[str, PersonKind],
    policy: IngestPolicy,
    counted: Mapping[str, set[TieKey]] | None = None,
    parents: Mapping[str, InteractionRecord] | None = None,
) -> dict[TieType, list[Row]]:
    """Per-tie state deltas for a batch, grouped by relationship type.

    `counted` names, per interaction id, the ties an earlier copy of the same message already
    counted (a copy from a second mailbox only adds its newcomers' ties); `parents` holds the
    messages replies answer, for reply times.
    """
    events: dict[TieKey, list[TieEvent]] = defaultdict(list)
    for record in records:
        skip = counted.get(record.external_id, set()) if counted else set()
        parent = (parents or {}).get(record.in_reply_to or "")
        for key, event in tie_events(record, kinds, policy, parent):
            if key not in skip:
                events[key].append(event)
    grouped: dict[TieType, list[Row]] = {t: [] for t in TieType}
    for key, tie in events.items():
        grouped[key[0]].append(fields_row(key, delta_fields(tie, policy.profile)))
    return grouped


def _earlier(x: Any, y: Any) -> Any:
    return y if x is None else x if y is None else min(x, y)


def _later(x: Any, y: Any) -> Any:
    return y if x is None else x if y is None else max(x, y)


class TieTotals:
    """Tie rows of several folds summed per tie, so a rescore writes each tie once.

    Adding two rows of one tie is `scoring.tie_model.combine` on their serialised form (sums
    and counts add, reply buckets add elementwise, first is the earlier and last the later);
    tests/unit/test_ties.py checks the two agree.
    """

    def __init__(self) -> None:
        self._rows: dict[TieKey, Row] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def keys(self) -> set[TieKey]:
        """Every tie summed so far."""
        return set(self._rows)

    def add(self, grouped: Mapping[TieType, list[Row]]) -> None:
        """Fold in one batch's rows, as `fold_ties` returns them."""
        for tie_type, rows in grouped.items():
            for row in rows:
                key = (tie_type, str(row["a"]), str(row["b"]))
                held = self._rows.setdefault(key, row)
                if held is not row:
                    _add_row(held, row)

    def grouped(self) -> dict[TieType, list[Row]]:
        """Every tie's total row, by relationship type."""
        grouped: dict[TieType, list[Row]] = {t: [] for t in TieType}
        for (tie_type, _, _), row in self._rows.items():
            grouped[tie_type].append(row)
        return grouped


def _add_row(held: Row, row: Row) -> None:
    sums, more = cast(dict[str, Any], held["sums"]), cast(dict[str, Any], row["sums"])
    for name, value in more.items():
        if name == "reply_buckets":
            sums[name] = [x + y for x, y in zip(sums[name], value, strict=True)]
        else:
            sums[name] += value
    held["first_ms"] = _earlier(held["first_ms"], row["first_ms"])
    held["last_ms"] = _later(held["last_ms"], row["last_ms"])
    held["last_two_way_ms"] = _later(held["last_two_way_ms"], row["last_two_way_ms"])
